//! The OpenAPI document: paths come from the handlers (collected by utoipa-actix-web);
//! this module adds the document's info, the shared problem schema and error responses.

mod free_form;

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, response::Response};
use utoipa::{IntoResponses, OpenApi};

use crate::error::{Problem, Violation};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Errand",
        description = "LLM task runners behind an HTTP API: register runners, submit tasks, \
                       follow them to their result.\n\nNo string in a request body (value or \
                       object key) may contain U+0000 (NUL), which the database cannot store: \
                       such a body is a 422 `invalid_body` whose `errors` point at each.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, Violation)),
    tags(
        (name = "runners", description = "Named, versioned task definitions"),
        (name = "tasks", description = "Runs of a runner on some arguments"),
        (name = "threads", description = "Conversations that tasks continue"),
        (name = "tools", description = "Built-in tools, HTTP tools and runners as tools: list, register, invoke"),
        (name = "queues", description = "Messages that wait for a runner bound to the queue or an external consumer"),
        (name = "schedules", description = "Cron schedules that start tasks or post messages"),
        (name = "triggers", description = "Inbound webhooks: signed deliveries that start tasks or post messages"),
        (name = "webhooks", description = "Outbound webhooks: endpoints told of task ends, questions and schedule fires"),
        (name = "files", description = "The project's stored files: what the storage toolkit reads and writes"),
        (name = "projects", description = "Projects and their API keys"),
        (name = "models", description = "Model providers and tools"),
        (name = "operations", description = "Health and readiness")
    )
)]
pub struct BaseDoc;

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

fn responses(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| ((*status).to_owned(), problem(description)))
        .collect()
}

/// Errors of any endpoint that reads a JSON body.
pub struct BodyErrors;

impl IntoResponses for BodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            (
                "400",
                "Malformed JSON (`malformed_json`) or a bad query (`invalid_request`)",
            ),
            (
                "413",
                "The body exceeds the configured limit (`payload_too_large`)",
            ),
            (
                "415",
                "The body is not `application/json` (`unsupported_media_type`)",
            ),
            (
                "422",
                "The body does not validate; `errors` lists every violation with its JSON pointer",
            ),
        ])
    }
}

/// Errors every endpoint can answer.
pub struct ServerErrors;

impl IntoResponses for ServerErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            (
                "500",
                "An internal error (`internal_error`); the cause is in the server log",
            ),
            ("503", "The database is unreachable (`service_unavailable`)"),
        ])
    }
}

/// A bad query string or path.
pub struct QueryErrors;

impl IntoResponses for QueryErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[("400", "A query parameter is malformed (`invalid_request`)")])
    }
}

/// The resource named in the path does not exist.
pub struct NotFound;

impl IntoResponses for NotFound {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[(
            "404",
            "No such resource in the caller's project (`runner_not_found`, `task_not_found`, \
             `api_key_not_found`)",
        )])
    }
}

/// Every operation of `doc`, with its path template and method: the one walk over paths
/// that the contract, the security declarations and the free-form marking share.
pub fn operations_mut(
    doc: &mut utoipa::openapi::OpenApi,
) -> impl Iterator<
    Item = (
        &str,
        actix_web::http::Method,
        &mut utoipa::openapi::path::Operation,
    ),
> {
    use actix_web::http::Method;
    doc.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            (Method::GET, &mut item.get),
            (Method::POST, &mut item.post),
            (Method::PUT, &mut item.put),
            (Method::PATCH, &mut item.patch),
            (Method::DELETE, &mut item.delete),
        ]
        .into_iter()
        .filter_map(move |(method, operation)| {
            operation.as_mut().map(|o| (path.as_str(), method, o))
        })
    })
}

/// Pretty JSON of the document, as committed under `openapi/openapi.json`.
pub fn to_pretty_json(doc: &utoipa::openapi::OpenApi) -> String {
    let mut text = doc.to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

/// One frame of a task's Server-Sent Events stream.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // a schema only: frames are written by `events::hub::frame`
pub struct SseFrame {
    /// The event's `seq`: send it back as `Last-Event-ID` to resume after it.
    pub id: String,
    /// The event's type (`task.queued`, `message.delta`, …, a terminal `task.*`).
    pub event: String,
    /// The event as JSON, as `GET /v1/tasks/{id}/events` lists it (`seq`, `type`, `data`,
    /// `created_at`).
    pub data: String,
}

/// Query parameters whose value is a JSON object (`GET /v1/threads?metadata={…}`): the
/// document gives them an `application/json` content instead of a string schema.
const JSON_QUERY_PARAMS: &[&str] = &["metadata"];

fn json_content(param: &mut utoipa::openapi::path::Parameter) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    param.schema = None;
    let object = ObjectBuilder::new().schema_type(Type::Object).build();
    param.content.insert(
        "application/json".into(),
        ContentBuilder::new().schema(Some(object)).build().into(),
    );
}

/// What the document says that depends on the settings; `Default` is what the committed
/// `openapi/openapi.json` describes (default settings).
#[derive(Debug, Clone)]
pub struct Contract {
    /// `server.max_wait_seconds`: the maximum of every `wait` parameter.
    pub max_wait_seconds: u64,
    /// Whether `mock` is offered.
    pub mock: bool,
    /// The configured providers: `model` may be `<provider>/<model>` for these.
    pub providers: Vec<String>,
}

impl Default for Contract {
    fn default() -> Self {
        Self::from(&errand_core::config::Settings::default())
    }
}

impl From<&errand_core::config::Settings> for Contract {
    fn from(s: &errand_core::config::Settings) -> Self {
        Self {
            max_wait_seconds: s.server.max_wait_seconds,
            mock: s.mock.enabled,
            providers: s.providers.keys().cloned().collect(),
        }
    }
}

impl Contract {
    /// The pattern every model a provider serves matches: `mock`, `<provider>/<model>`.
    fn concrete_model_pattern(&self) -> String {
        let mut models: Vec<String> = self.providers.iter().map(|p| format!("{p}/.+")).collect();
        if self.mock {
            models.insert(0, "mock".into());
        }
        format!("^({})$", models.join("|"))
    }

    /// The pattern every valid runner `model` matches: a provider's model, or a model
    /// alias (a project's are set at run time, so any alias-shaped name).
    fn model_pattern(&self) -> String {
        let concrete = self.concrete_model_pattern();
        let inner = &concrete[2..concrete.len() - 2];
        let alias = "[a-z][a-z0-9_.-]{0,63}";
        match inner.is_empty() {
            true => format!("^({alias})$"),
            false => format!("^({inner}|{alias})$"),
        }
    }

    /// Writes this contract into a generated document.
    pub fn apply(&self, doc: &mut utoipa::openapi::OpenApi) {
        crate::auth::contract::declare(doc);
        free_form::mark_free_form_objects(doc);
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::Schema;
        let pattern = self.model_pattern();
        if let Some(components) = doc.components.as_mut() {
            for name in ["RunnerInput", "NewRunner"] {
                if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name)
                    && let Some(RefOr::T(Schema::Object(model))) =
                        object.properties.get_mut("model")
                {
                    model.pattern = Some(pattern.clone());
                }
            }
            // An alias stands for a model a provider serves (never another alias).
            if let Some(RefOr::T(Schema::Object(set))) = components.schemas.get_mut("AliasSet")
                && let Some(RefOr::T(Schema::Object(map))) = set.properties.get_mut("aliases")
                && let Some(utoipa::openapi::schema::AdditionalProperties::RefOr(RefOr::T(
                    Schema::Object(target),
                ))) = map.additional_properties.as_deref_mut()
            {
                target.pattern = Some(self.concrete_model_pattern());
            }
        }
        for (_, _, operation) in operations_mut(doc) {
            for param in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(param) = param
                    && param.name == "wait"
                    && let Some(RefOr::T(Schema::Object(schema))) = param.schema.as_mut()
                {
                    schema.maximum = Some(self.max_wait_seconds.into());
                }
                if let RefOr::T(param) = param
                    && JSON_QUERY_PARAMS.contains(&param.name.as_str())
                {
                    json_content(param);
                }
            }
        }
    }
}
