//! Open mode: on a laptop, before any API key exists, requests run unauthenticated in the
//! `default` project — but only from this machine. A web page can reach a loopback server
//! through DNS rebinding (its `Host` is then the attacker's name) or send a simple
//! cross-site POST (its `Origin` is the attacker's site); both are refused.

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::header::{HOST, HeaderMap, ORIGIN};
use actix_web::http::{Method, Uri};
use sqlx::PgPool;

use errand_core::keys;

/// How long "no key exists" is trusted before asking the database again.
const RECHECK: Duration = Duration::from_secs(1);

/// Whether open mode may apply, and whether it does now (no key exists).
pub struct OpenMode {
    /// Bound to loopback, or `auth.insecure_no_auth`.
    allowed: bool,
    /// Check `Host` (not when the operator opened a non-loopback address on purpose).
    local_only: bool,
    checked: Mutex<Option<(Instant, bool)>>,
}

impl OpenMode {
    pub fn new(bind: &str, insecure_no_auth: bool) -> Self {
        let loopback = is_loopback_host(bind);
        Self {
            allowed: loopback || insecure_no_auth,
            local_only: loopback,
            checked: Mutex::new(None),
        }
    }

    /// Whether a request without a key runs in open mode now.
    pub async fn active(&self, pool: &PgPool) -> sqlx::Result<bool> {
        if !self.allowed {
            return Ok(false);
        }
        let cached = *self.checked.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, open)) = cached
            && (!open || at.elapsed() < RECHECK)
        {
            // A key, once seen, ends open mode for good in this process.
            return Ok(open);
        }
        let open = !keys::ever_existed(pool).await?;
        *self.checked.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), open));
        Ok(open)
    }

    /// A key was made in this process: open mode ends now, not after the recheck.
    pub fn close(&self) {
        *self.checked.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), false));
    }

    /// Why an open-mode request is refused, if it is. Without a readable `Host` nothing
    /// shows which name the browser used, so such a request is refused too.
    pub fn refusal(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<String> {
        let host = match headers.get(HOST).map(|h| h.to_str()) {
            None => {
                return Some(
                    "a request without a Host header: without an API key, Errand answers \
                     only requests that name this machine"
                        .to_owned(),
                );
            }
            Some(Err(_)) => {
                return Some("the Host header is not readable text".to_owned());
            }
            Some(Ok(host)) => host,
        };
        // An absolute-form target (`GET http://name/…`) names the host too, and wins.
        let named = [Some(strip_port(host)), uri.host()];
        if let Some(name) = named
            .into_iter()
            .flatten()
            .find(|name| self.local_only && !is_loopback_host(name))
        {
            return Some(format!(
                "Host {name:?} is not this machine: without an API key, Errand answers only \
                 requests to localhost (create a key to serve other names)"
            ));
        }
        let safe = [Method::GET, Method::HEAD, Method::OPTIONS].contains(method);
        let origin = headers.get(ORIGIN).map(|o| o.to_str().unwrap_or("null"));
        if !safe && let Some(origin) = origin {
            let same_site = origin_host(origin)
                .is_some_and(|o| is_loopback_host(o) || strip_port(host).eq_ignore_ascii_case(o));
            if !same_site {
                return Some(format!(
                    "a {method} from the web page at {origin:?} is cross-site: without an API \
                     key, Errand accepts changes only from this machine's own pages"
                ));
            }
        }
        None
    }
}

/// `localhost`, a name under `.localhost`, or a loopback address (an unspecified bind
/// address is not).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let lower = host.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `host` of `host:port` or `[v6]:port`.
fn strip_port(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The host of an origin (`scheme://host[:port]`); `None` for `null` or garbage.
fn origin_host(origin: &str) -> Option<&str> {
    let (_, rest) = origin.split_once("://")?;
    let host = strip_port(rest);
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                k.parse().expect("header name"),
                HeaderValue::from_str(v).expect("value"),
            );
        }
        h
    }

    fn local_uri() -> Uri {
        Uri::from_static("/v1/runners")
    }

    #[test]
    fn an_absolute_target_names_the_host_too() {
        let open = OpenMode::new("127.0.0.1", false);
        let host = headers(&[("host", "localhost")]);
        let elsewhere = Uri::from_static("http://evil.example/v1/models");
        assert!(open.refusal(&Method::GET, &elsewhere, &host).is_some());
        let here = Uri::from_static("http://127.0.0.1:8080/v1/models");
        assert!(open.refusal(&Method::GET, &here, &host).is_none());
    }

    #[test]
    fn loopback_names_and_addresses() {
        for ok in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for no in [
            "0.0.0.0",
            "example.com",
            "localhost.example.com",
            "10.0.0.1",
            "::",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }

    #[test]
    fn rebinding_and_cross_site_writes_are_refused() {
        let open = OpenMode::new("127.0.0.1", false);
        let get = Method::GET;
        let post = Method::POST;
        assert!(
            open.refusal(&get, &local_uri(), &headers(&[("host", "127.0.0.1:8080")]))
                .is_none()
        );
        assert!(
            open.refusal(&get, &local_uri(), &headers(&[("host", "[::1]:8080")]))
                .is_none()
        );
        assert!(
            open.refusal(
                &get,
                &local_uri(),
                &headers(&[("host", "evil.example:8080")])
            )
            .is_some()
        );
        let local = [
            ("host", "localhost:8080"),
            ("origin", "http://localhost:3000"),
        ];
        assert!(
            open.refusal(&post, &local_uri(), &headers(&local))
                .is_none()
        );
        let cross = [
            ("host", "localhost:8080"),
            ("origin", "https://evil.example"),
        ];
        assert!(
            open.refusal(&post, &local_uri(), &headers(&cross))
                .is_some()
        );
        assert!(
            open.refusal(&get, &local_uri(), &headers(&cross)).is_none(),
            "reads are not changes"
        );
        let null = [("host", "localhost:8080"), ("origin", "null")];
        assert!(open.refusal(&post, &local_uri(), &headers(&null)).is_some());
        assert!(
            open.refusal(&get, &local_uri(), &headers(&[])).is_some(),
            "no Host: nothing shows the name used"
        );
        let mut unreadable = HeaderMap::new();
        unreadable.insert(
            HOST,
            HeaderValue::from_bytes(b"local\xffhost").expect("bytes"),
        );
        assert!(open.refusal(&get, &local_uri(), &unreadable).is_some());
    }
}
