//! CORS for `/mcp`, from `mcp.allowed_origins`: a browser MCP client's preflight (with the
//! `mcp-protocol-version`, `mcp-method` and `mcp-name` headers the protocol adds) is
//! answered for the origins rmcp itself lets through, matched the same way:
//! `scheme://host:port` exactly (a default port may be left out by the browser), `:*` for
//! any port, and an entry without a port for any port.

use actix_cors::Cors;
use actix_web::http::header::HeaderValue;

/// The headers MCP clients send, besides the usual ones.
pub const MCP_HEADERS: [&str; 5] = [
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
    "mcp-session-id",
    "last-event-id",
];

/// A CORS middleware for `/mcp` allowing `origins` (none: every cross-origin request is
/// refused, as rmcp refuses it).
pub fn cors(origins: &[String]) -> Cors {
    let origins = origins.to_vec();
    let mut headers = vec!["accept", "authorization", "content-type"];
    headers.extend(MCP_HEADERS);
    Cors::default()
        .allowed_origin_fn(move |origin: &HeaderValue, _| {
            origin
                .to_str()
                .is_ok_and(|o| origins.iter().any(|allowed| matches(allowed, o)))
        })
        .allowed_methods(["GET", "POST", "DELETE"])
        .allowed_headers(headers)
        .expose_headers(["mcp-session-id", "mcp-protocol-version"])
        .max_age(3600)
}

/// `(scheme, host, port)` of `scheme://host[:port]`; the port `None` when absent.
fn parts(origin: &str) -> Option<(String, String, Option<String>)> {
    let (scheme, rest) = origin.trim().split_once("://")?;
    let (host, port) = match rest.strip_prefix('[') {
        // An IPv6 literal: its colons are not the port's.
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (
                format!("[{host}]"),
                after.strip_prefix(':').map(str::to_owned),
            )
        }
        None => match rest.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port.to_owned())),
            None => (rest.to_owned(), None),
        },
    };
    Some((scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), port))
}

fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" => Some("80"),
        "https" => Some("443"),
        _ => None,
    }
}

/// Whether the browser's `origin` matches the `allowed` entry.
pub fn matches(allowed: &str, origin: &str) -> bool {
    let (Some((a_scheme, a_host, a_port)), Some((o_scheme, o_host, o_port))) =
        (parts(allowed), parts(origin))
    else {
        return false;
    };
    if a_scheme != o_scheme || a_host != o_host {
        return false;
    }
    let o_port = o_port.or_else(|| default_port(&o_scheme).map(str::to_owned));
    match a_port.as_deref() {
        None | Some("*") => true,
        Some(port) => o_port.as_deref() == Some(port),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn origins_match_as_rmcp_matches_them() {
        assert!(matches(
            "https://app.example.com:443",
            "https://app.example.com"
        ));
        assert!(matches(
            "https://app.example.com:443",
            "https://app.example.com:443"
        ));
        assert!(!matches(
            "https://app.example.com:443",
            "http://app.example.com"
        ));
        assert!(!matches(
            "https://app.example.com:443",
            "https://app.example.com:8443"
        ));
        assert!(matches("http://localhost:*", "http://localhost:5173"));
        assert!(matches("http://localhost", "http://localhost:3000"));
        assert!(!matches("http://localhost:*", "http://evil.example:5173"));
        assert!(matches("http://[::1]:*", "http://[::1]:8080"));
        assert!(!matches("garbage", "http://localhost"));
    }
}
