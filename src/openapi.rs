//! The OpenAPI document: paths come from the handlers (collected by utoipa-actix-web);
//! this module adds the document's info, the shared problem schema and error responses.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, response::Response};
use utoipa::{IntoResponses, OpenApi};

use crate::error::{Problem, Violation};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Errand",
        description = "LLM task runners behind an HTTP API: register runners, submit tasks, \
                       follow them to their result.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, Violation)),
    tags(
        (name = "runners", description = "Named, versioned task definitions"),
        (name = "tasks", description = "Runs of a runner on some arguments"),
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
            "No such resource (`runner_not_found`, `task_not_found`)",
        )])
    }
}

/// Pretty JSON of the document, as committed under `openapi/openapi.json`.
pub fn to_pretty_json(doc: &utoipa::openapi::OpenApi) -> String {
    let mut text = doc.to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
