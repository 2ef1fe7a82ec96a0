//! Model aliases, or classes: a name such as `standard`, `reasoning` or `code` that stands
//! for a model (`provider/model`, or `mock`). The server's come from `[models.aliases]`; a
//! project's own, set with `PUT /v1/models/aliases`, override them name by name. A runner
//! or a submission may name an alias wherever it names a model: the runner keeps the alias
//! (so pointing the alias elsewhere moves it), a task records the alias and the model it
//! resolved to when it was queued.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;
use utoipa::ToSchema;

use crate::error::{Coded, ErrorCode, Fault, Violation, faults_into};
use crate::llm::{ModelRegistry, UnknownModel};
use crate::projects::ProjectId;

/// Aliases one project may define.
pub const MAX_PROJECT_ALIASES: usize = 100;

/// What a model name resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The model to call: `provider/model` or `mock`.
    pub model: String,
    /// The alias it was named by, if it was.
    pub alias: Option<String>,
}

impl Resolved {
    /// `name` taken as a model, not an alias.
    pub fn named(name: &str) -> Self {
        Self {
            model: name.to_owned(),
            alias: None,
        }
    }
}

pub use crate::llm::valid_alias_name as valid_name;

/// A project's own aliases.
pub async fn of_project(
    db: impl PgExecutor<'_>,
    project: ProjectId,
) -> sqlx::Result<BTreeMap<String, String>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, model FROM model_aliases WHERE project_id = $1")
            .bind(project)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The model `name` runs on in `project`: a model the registry knows as it is, else the
/// project's alias of that name, else the server's. Only a name that is not a model costs
/// a lookup.
pub async fn resolve(
    db: impl PgExecutor<'_>,
    models: &ModelRegistry,
    project: ProjectId,
    name: &str,
) -> Result<Result<Resolved, UnknownModel>, Fault> {
    if models.resolve(name).is_ok() || !valid_name(name) {
        return Ok(concrete(models, name));
    }
    let own: Option<String> =
        sqlx::query_scalar("SELECT model FROM model_aliases WHERE project_id = $1 AND name = $2")
            .bind(project)
            .bind(name)
            .fetch_optional(db)
            .await?;
    let target = own.or_else(|| models.server_alias(name).map(str::to_owned));
    Ok(match target {
        Some(model) => models.resolve(&model).map(|_| Resolved {
            model,
            alias: Some(name.to_owned()),
        }),
        None => concrete(models, name),
    })
}

/// Whether the runner model `name` still resolves in `project`, under a share lock on the
/// project's row that `replace` (which takes it exclusively) waits for: a runner saved in
/// the same transaction cannot end up naming an alias a concurrent replacement dropped.
pub async fn hold(
    conn: &mut sqlx::PgConnection,
    models: &ModelRegistry,
    project: ProjectId,
    name: &str,
) -> Result<bool, Fault> {
    if models.resolve(name).is_ok() {
        return Ok(true);
    }
    sqlx::query("SELECT 1 FROM projects WHERE id = $1 FOR SHARE")
        .bind(project)
        .execute(&mut *conn)
        .await?;
    Ok(resolve(&mut *conn, models, project, name).await?.is_ok())
}

fn concrete(models: &ModelRegistry, name: &str) -> Result<Resolved, UnknownModel> {
    models.resolve(name).map(|_| Resolved::named(name))
}

/// Body of `PUT /v1/models/aliases`, and the project's part of its answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AliasSet {
    /// Alias name → model (`provider/model` or `mock`), at most 100. Replaces the
    /// project's aliases; the server's stay, and a project alias of the same name wins.
    #[schema(schema_with = alias_map)]
    pub aliases: BTreeMap<String, String>,
}

/// `aliases` of `AliasSet`: names to model strings, at most `MAX_PROJECT_ALIASES`.
fn alias_map() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
    let model = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[a-z][a-z0-9_.-]{0,63}$")),
        ))
        .additional_properties(Some(AdditionalProperties::RefOr(model.build().into())))
        .max_properties(Some(MAX_PROJECT_ALIASES))
        .build()
}

/// One alias in force for a project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AliasInfo {
    pub name: String,
    /// The model it stands for.
    pub model: String,
    /// `project` (set with `PUT /v1/models/aliases`) or `server` (`[models.aliases]`).
    pub source: AliasSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AliasSource {
    Project,
    Server,
}

/// The aliases in force for a project: its own, then the server's it does not override.
pub fn in_force(models: &ModelRegistry, own: &BTreeMap<String, String>) -> Vec<AliasInfo> {
    let project = own.iter().map(|(name, model)| AliasInfo {
        name: name.clone(),
        model: model.clone(),
        source: AliasSource::Project,
    });
    let server = models
        .server_aliases()
        .filter(|(name, _)| !own.contains_key(*name))
        .map(|(name, model)| AliasInfo {
            name: name.to_owned(),
            model: model.to_owned(),
            source: AliasSource::Server,
        });
    let mut all: Vec<_> = project.chain(server).collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

#[derive(Debug, thiserror::Error)]
pub enum AliasError {
    #[error("the aliases do not hold together")]
    Invalid(Vec<Violation>),
    #[error(transparent)]
    Fault(Fault),
}

impl Coded for AliasError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid(_) => ErrorCode::InvalidBody,
            Self::Fault(f) => f.code(),
        }
    }

    fn violations(&self) -> &[Violation] {
        match self {
            Self::Invalid(errors) => errors,
            Self::Fault(_) => &[],
        }
    }
}

faults_into!(AliasError);

/// Replaces `project`'s aliases with `set`: every alias checked (a 422 lists each problem
/// at `/aliases/<name>`), and none dropped that a runner still names and the server does
/// not define.
pub async fn replace(
    pool: &sqlx::PgPool,
    models: &ModelRegistry,
    project: ProjectId,
    set: &AliasSet,
) -> Result<(), AliasError> {
    let mut errors: Vec<Violation> = set
        .aliases
        .iter()
        .filter_map(|(name, model)| {
            let pointer = format!("/aliases/{}", name.replace('~', "~0").replace('/', "~1"));
            models
                .alias_problem(name, model)
                .map(|why| Violation::new(pointer, why))
        })
        .collect();
    if set.aliases.len() > MAX_PROJECT_ALIASES {
        errors.push(Violation::new(
            "/aliases",
            format!("at most {MAX_PROJECT_ALIASES} aliases"),
        ));
    }
    let mut tx = pool.begin().await?;
    // Replacements of one project's set go one at a time.
    sqlx::query("SELECT 1 FROM projects WHERE id = $1 FOR UPDATE")
        .bind(project)
        .execute(&mut *tx)
        .await?;
    let dropped: Vec<String> = of_project(&mut *tx, project)
        .await?
        .into_keys()
        .filter(|name| !set.aliases.contains_key(name) && models.server_alias(name).is_none())
        .collect();
    for (name, runners) in users(&mut *tx, project, &dropped).await? {
        errors.push(Violation::new(
            "/aliases",
            format!("alias {name:?} is the model of runners {runners}: point them elsewhere first"),
        ));
    }
    if !errors.is_empty() {
        return Err(AliasError::Invalid(errors));
    }
    sqlx::query("DELETE FROM model_aliases WHERE project_id = $1")
        .bind(project)
        .execute(&mut *tx)
        .await?;
    let (names, targets): (Vec<&String>, Vec<&String>) = set.aliases.iter().unzip();
    sqlx::query(
        "INSERT INTO model_aliases (project_id, name, model)
         SELECT $1, n, m FROM unnest($2::text[], $3::text[]) AS a(n, m)",
    )
    .bind(project)
    .bind(names)
    .bind(targets)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Of aliases `names`, those a live runner's current version names as its model, with the
/// runners' names.
async fn users(
    db: impl PgExecutor<'_>,
    project: ProjectId,
    names: &[String],
) -> sqlx::Result<Vec<(String, String)>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT v.model, string_agg(r.name, ', ' ORDER BY r.name) FROM runners r
         JOIN runner_versions v ON v.runner_id = r.id AND v.version = r.version
         WHERE r.project_id = $1 AND r.deleted_at IS NULL AND v.model = ANY($2)
         GROUP BY v.model ORDER BY v.model",
    )
    .bind(project)
    .bind(names)
    .fetch_all(db)
    .await
}
