//! Who is calling: API keys (`Authorization: Bearer ek_live_…`), their project and scopes,
//! and open mode for a laptop (no key exists yet, loopback only). `guard.rs` authenticates
//! every `/v1` request and puts a `Caller` in it; the scope an operation needs follows from
//! its method and path (`required_scope`), which the OpenAPI document states too.

pub mod contract;
pub mod guard;
pub mod keys;
pub mod limiter;
pub mod open;
pub mod routes;

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::Method};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};
use crate::projects::ProjectId;

/// What a key may do. Each scope includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// `GET` and event streams.
    Read,
    /// Create, replace and delete runners; submit and cancel tasks.
    Write,
    /// Manage the project's API keys (and, for the `default` project's admin keys, every
    /// project).
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The scope an operation needs: keys and projects need `admin`; other reads `read`;
/// everything else `write`.
pub fn required_scope(method: &Method, path: &str) -> Scope {
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
    /// Whether the caller manages every project: an admin of `default` (or open mode).
    pub fn instance_admin(&self) -> bool {
        self.scope == Scope::Admin && self.project_name == crate::projects::DEFAULT_PROJECT
    }

    /// What rate limits and stream counts are kept per: the key, or open mode's callers.
    pub fn limit_key(&self) -> Uuid {
        self.key.unwrap_or(Uuid::nil())
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.extensions().get::<Caller>().cloned().ok_or_else(|| {
            // Every `/v1` route is behind the guard; reaching this is a routing fault.
            ApiError::new(
                ErrorCode::InternalError,
                "the request reached a handler without authentication",
            )
        }))
    }
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
