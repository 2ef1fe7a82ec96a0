//! `errand keys`: make the first key (and others) from the command line, where no key
//! exists yet to call the API with. The key is printed once; only its hash is stored.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use errand_core::config::Settings;
use errand_core::db::{self, Database};
use errand_core::keys::{self, NewKey};
use errand_core::projects::{self, ProjectId};
use errand_http::auth::Scope;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key (and its project, if missing) and print it once.
    Create {
        /// The project's name (created if missing).
        #[arg(long, default_value = projects::DEFAULT_PROJECT)]
        project: String,
        /// `read`, `write` or `admin` (repeatable; each includes the ones before it).
        #[arg(long = "scope", required = true, value_parser = parse_scope)]
        scopes: Vec<Scope>,
        /// What the key is for.
        #[arg(long, default_value = "created by errand keys create")]
        name: String,
        /// When the key stops working (RFC 3339, e.g. 2027-01-01T00:00:00Z).
        #[arg(long)]
        expires_at: Option<DateTime<Utc>>,
    },
    /// List a project's keys (never the keys themselves).
    List {
        #[arg(long, default_value = projects::DEFAULT_PROJECT)]
        project: String,
    },
    /// Revoke a key by id.
    Revoke { id: uuid::Uuid },
}

fn parse_scope(s: &str) -> Result<Scope, String> {
    Scope::parse(s).ok_or_else(|| format!("{s:?} is not a scope: read, write or admin"))
}

pub async fn run(settings: &Settings, command: KeysCommand) -> anyhow::Result<()> {
    let database = Database::open(&settings.database, db::Access::Share, 2).await?;
    let result = async {
        db::migrate(&database.pool).await?;
        let pool = &database.pool;
        match command {
            KeysCommand::Create {
                project,
                scopes,
                name,
                expires_at,
            } => {
                anyhow::ensure!(
                    errand_core::runners::model::valid_name(&project),
                    "--project must be 1 to 63 characters: a-z, 0-9, '-' and '_'"
                );
                let project = projects::store::ensure(pool, &project).await?;
                let plaintext = keys::generate()?;
                let new = NewKey {
                    project: ProjectId(project.id),
                    name: &name,
                    scopes: &scopes,
                    expires_at,
                    seeded: false,
                };
                let key = keys::insert(pool, &new, &plaintext)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("a fresh key collided; run again"))?;
                eprintln!(
                    "key {} of project {:?} ({}); store it now, it is not shown again:",
                    key.id,
                    key.project,
                    scopes
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                println!("{plaintext}");
            }
            KeysCommand::List { project } => {
                let found = projects::store::by_name(pool, &project)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no project named {project:?}"))?;
                for key in keys::list(pool, ProjectId(found.id), None, i64::MAX).await? {
                    println!("{}", serde_json::to_string(&key)?);
                }
            }
            KeysCommand::Revoke { id } => match keys::revoke(pool, None, id).await? {
                Some((key, _)) => println!("{}", serde_json::to_string(&key)?),
                None => anyhow::bail!("no key with id {id}"),
            },
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
