//! What the OpenAPI document says about authentication, written from the same rule the
//! `Caller` extractor applies to the matched route's pattern (`required_scope`), so the two
//! cannot disagree: the bearer scheme, each
//! `/v1` operation's scope, and the answers the guard can give (401, 403, 429).

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

use super::required_scope;

pub const SCHEME: &str = "bearer";

pub fn declare(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        SCHEME.to_owned(),
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("ek_live_…")
                .description(Some(
                    "An API key: `Authorization: Bearer ek_live_…`. Scopes: `read`, `write`, \
                     `admin` (each includes the ones before it). In open mode (no key exists \
                     yet, loopback only) no key is needed.",
                ))
                .build(),
        )
        .into(),
    );
    for (path, method, operation) in crate::openapi::operations_mut(doc) {
        if path.starts_with(super::PUBLIC_PREFIX) {
            // The sender's signature admits it, not a key.
            operation.security = Some(Vec::new());
        } else if path.starts_with("/v1/") {
            secure(operation, required_scope(&method, path).as_str());
        }
    }
}

fn secure(operation: &mut Operation, scope: &str) {
    operation.security = Some(vec![SecurityRequirement::new(SCHEME, [scope])]);
    let note = format!("\n\nNeeds the `{scope}` scope.");
    let description = operation.description.get_or_insert_with(String::new);
    description.push_str(&note);
    for (status, text) in [
        (
            "401",
            "No key, or an unknown, expired or revoked one (`unauthenticated`); \
             `WWW-Authenticate: Bearer`",
        ),
        (
            "403",
            "The key lacks the scope (`forbidden`), or, in open mode, a non-local `Host` or \
             cross-site `Origin`",
        ),
        (
            "429",
            "Too many requests for the key, or too many unknown keys from the client's \
             address (`rate_limited`), or a quota is full (`quota_exceeded`); `Retry-After` \
             says when to retry",
        ),
    ] {
        let response = ResponseBuilder::new()
            .description(text)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| response.into());
    }
}
