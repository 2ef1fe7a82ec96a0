//! One spelling per path before routing: repeated slashes merge and a trailing slash goes
//! (`/v1//tasks/` is `/v1/tasks`), so a path's spelling never changes which route runs or
//! what it answers. Percent-encoding is left to the router, which decodes unreserved
//! characters and keeps `%2F` as data (never a separator).
//!
//! Paths under `/docs/` keep their slash: the documentation page is a directory whose
//! assets are linked relative to it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::http::uri::PathAndQuery;
use actix_web::middleware::Next;

/// Paths that are directories and keep their trailing slash.
const DIRECTORIES: [&str; 1] = ["/docs/"];

/// The middleware (`from_fn`), wrapped around the whole application.
pub async fn normalize_path(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(uri) = normalized_uri(req.uri()) {
        // Nothing has been matched yet, so the router's view is simply replaced.
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
    }
    next.call(req).await
}

fn normalized_uri(uri: &Uri) -> Option<Uri> {
    let path = normalized(uri.path())?;
    let with_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(with_query).ok()?);
    Uri::from_parts(parts).ok()
}

/// `path` with repeated slashes merged and a trailing slash removed; `None` when it is in
/// that form already.
pub fn normalized(path: &str) -> Option<String> {
    let mut merged = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && merged.ends_with('/')) {
            merged.push(c);
        }
    }
    let directory = DIRECTORIES.iter().any(|d| merged.starts_with(d));
    if merged.len() > 1 && merged.ends_with('/') && !directory {
        merged.pop();
    }
    (merged != path).then_some(merged)
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn one_spelling_per_path() {
        assert_eq!(normalized("/v1/tasks"), None);
        assert_eq!(normalized("/"), None);
        assert_eq!(normalized("/v1/tasks/").as_deref(), Some("/v1/tasks"));
        assert_eq!(normalized("//v1//tasks").as_deref(), Some("/v1/tasks"));
        assert_eq!(normalized("/v1/tasks//").as_deref(), Some("/v1/tasks"));
        assert_eq!(normalized("//").as_deref(), Some("/"));
        assert_eq!(normalized("/docs/"), None, "the docs page is a directory");
        assert_eq!(normalized("/docs//x.css").as_deref(), Some("/docs/x.css"));
        assert_eq!(normalized("/v1/api%2Dkeys/"), Some("/v1/api%2Dkeys".into()));
    }
}
