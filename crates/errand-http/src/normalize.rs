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
/// that form already. A file's path after `/v1/files/` is data, kept as written: storage
/// refuses an empty segment rather than reading two spellings as one file.
pub fn normalized(path: &str) -> Option<String> {
    let mut merged = String::with_capacity(path.len());
    for (at, c) in path.char_indices() {
        if c == '/' && merged.ends_with('/') {
            continue;
        }
        merged.push(c);
        let rest = &path[at + 1..];
        if c == '/' && !rest.trim_start_matches('/').is_empty() && decoded(&merged) == FILES {
            merged.push_str(rest);
            return (merged != path).then_some(merged);
        }
    }
    let directory = DIRECTORIES.iter().any(|d| merged.starts_with(d));
    if merged.len() > 1 && merged.ends_with('/') && !directory {
        merged.pop();
    }
    (merged != path).then_some(merged)
}

/// The prefix whose remainder is a file's path.
const FILES: &str = "/v1/files/";

/// `path` with percent-encoded unreserved characters decoded, as the router reads them.
fn decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| path.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .filter(|b| b.is_ascii_alphanumeric() || b"-._~".contains(b));
        match hex {
            Some(b) => {
                out.push(char::from(b));
                i += 3;
            }
            None => {
                out.push(char::from(bytes[i]));
                i += 1;
            }
        }
    }
    out
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
        // A file's path is data: its slashes stay as written, for storage to judge.
        assert_eq!(normalized("/v1/files/a//b.md"), None);
        assert_eq!(normalized("/v1/files/a/"), None);
        assert_eq!(
            normalized("//v1//files/a//b").as_deref(),
            Some("/v1/files/a//b")
        );
        assert_eq!(normalized("/v1/fil%65s/a//b"), None);
        assert_eq!(normalized("/v1/files//a").as_deref(), None);
        assert_eq!(normalized("/v1/files/").as_deref(), Some("/v1/files"));
        assert_eq!(normalized("/v1/files//").as_deref(), Some("/v1/files"));
    }
}
