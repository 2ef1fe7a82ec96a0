//! Who is calling: API keys (`Authorization: Bearer ek_live_…`), their project and scopes,
//! and open mode for a laptop (no key exists yet, loopback only).
//!
//! Two steps, both tied to the route that runs rather than to the request's text:
//! - `guard.rs` is middleware on the `/v1` scope and on `/mcp` (never on the whole app), so
//!   what needs authentication is decided by the router: whatever it sends into those routes
//!   is authenticated, however the path was spelled. Public routes are simply outside them.
//! - `Caller`, the extractor every protected handler takes, checks the scope the operation
//!   needs against the *matched route's pattern* (`HttpRequest::match_pattern`), the same
//!   template the OpenAPI document states the scope for (`required_scope`).

pub mod contract;
pub mod guard;
pub mod limiter;
pub mod lookups;
pub mod open;
pub mod routes;

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::Method};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};
pub use errand_core::keys::Scope;
use errand_core::projects::ProjectId;

/// Routes under `/v1` that take no key (registered outside the guarded scope): trigger
/// deliveries, which their signature admits.
pub const PUBLIC_PREFIX: &str = "/v1/hooks/";

/// The scope an operation needs, from its route's pattern (`/v1/api-keys/{id}`, never a
/// request's path): keys and projects need `admin`; other reads `read`; everything else
/// `write`.
pub fn required_scope(method: &Method, pattern: &str) -> Scope {
    let path = pattern;
    let admin = ["/v1/projects", "/v1/api-keys"]
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')));
    if admin {
        Scope::Admin
    } else if path == crate::mcp::PATH {
        // Every MCP message is a POST: the handler checks each method's scope.
        Scope::Read
    } else if method == Method::GET || method == Method::HEAD {
        Scope::Read
    } else {
        Scope::Write
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub project: ProjectId,
    pub project_name: String,
    /// The key used; `None` in open mode.
    pub key: Option<Uuid>,
    /// The highest scope the key has.
    pub scope: Scope,
}

impl Caller {
    /// Refuses with 403 unless the caller's key has `needed`.
    pub fn require(&self, needed: Scope) -> Result<(), ApiError> {
        if self.scope >= needed {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "this operation needs the `{}` scope; the key has `{}`",
                needed.as_str(),
                self.scope.as_str()
            ),
        ))
    }

    /// Whether the caller manages every project: an admin of `default` (or open mode).
    pub fn instance_admin(&self) -> bool {
        self.scope == Scope::Admin && self.project_name == errand_core::projects::DEFAULT_PROJECT
    }

    /// What rate limits and stream counts are kept per: the key, or open mode's callers.
    pub fn limit_key(&self) -> Uuid {
        self.key.unwrap_or(Uuid::nil())
    }
}

/// Who the guard found a request to come from, before any scope is checked. Only `Caller`
/// reads it, so no handler gets an identity whose scope was not checked against its route.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated(pub(crate) Caller);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authorize(req))
    }
}

/// The request's caller, if its key has the scope the matched route needs.
fn authorize(req: &HttpRequest) -> Result<Caller, ApiError> {
    let fault = |what: &str| {
        // Protected routes sit behind the guard and are matched before their extractors
        // run; reaching this is a routing fault, never the client's.
        ApiError::new(
            ErrorCode::InternalError,
            format!("the request reached a handler {what}"),
        )
    };
    let caller = req
        .extensions()
        .get::<Authenticated>()
        .map(|a| a.0.clone())
        .ok_or_else(|| fault("without authentication"))?;
    let pattern = req
        .match_pattern()
        .ok_or_else(|| fault("without a matched route"))?;
    caller.require(required_scope(req.method(), &pattern))?;
    Ok(caller)
}

/// Registers `/v1/api-keys` (their order is the document's).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(routes::create)
        .service(routes::list)
        .service(routes::revoke);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_method_and_path() {
        assert_eq!(required_scope(&Method::GET, "/v1/tasks"), Scope::Read);
        assert_eq!(
            required_scope(&Method::POST, "/v1/tasks/x/cancel"),
            Scope::Write
        );
        assert_eq!(required_scope(&Method::GET, "/v1/api-keys"), Scope::Admin);
        assert_eq!(
            required_scope(&Method::DELETE, "/v1/api-keys/abc"),
            Scope::Admin
        );
        assert_eq!(
            required_scope(&Method::GET, "/v1/projectsx"),
            Scope::Read,
            "a prefix alone is not the admin path"
        );
    }
}
