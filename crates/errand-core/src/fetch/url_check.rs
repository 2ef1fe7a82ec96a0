//! What a URL Errand will later POST to (a webhook endpoint, a task's `callback_url`) may
//! be, checked when it is saved: http or https, at most 2048
//! characters, no user or password, and not naming a loopback, private or otherwise special address (or
//! `localhost`) unless `fetch.allow_hosts` permits it. A host name is checked again, on
//! every address it resolves to, each time a delivery is sent (`fetch::Fetcher`).

use std::net::{IpAddr, Ipv4Addr};

use super::{AllowList, refusal};

/// What is wrong with `url`, if anything.
pub fn problem(url: &str, allow_hosts: &[String]) -> Option<String> {
    if url.chars().count() > 2048 {
        return Some("at most 2048 characters".into());
    }
    if !url.is_ascii() || url.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Some("a URI: ASCII without spaces (percent-encode a path, punycode a host)".into());
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("http://")
        .or(lower.strip_prefix("https://"))
    else {
        return Some("an absolute http:// or https:// URL".into());
    };
    // `http:///x` would be read as `http://x/`: a URL must name its host where it is written.
    if rest.starts_with(['/', '\\']) {
        return Some("the URL has no host".into());
    }
    let parsed = match reqwest::Url::parse(url) {
        Ok(parsed) => parsed,
        Err(e) => return Some(format!("not a URL: {e}")),
    };
    // Credentials in a URL would be shown to every `read` key and sent as Basic auth:
    // the signature is how a receiver knows Errand.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("no user or password in the URL (the signature authenticates Errand)".into());
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some(format!(
            "only http and https URLs, not {}:",
            parsed.scheme()
        ));
    }
    let allow = match AllowList::parse(allow_hosts) {
        Ok(allow) => allow,
        Err(e) => return Some(format!("fetch.allow_hosts is unreadable: {e}")),
    };
    let addr = match parsed.host() {
        None => return Some("the URL has no host".into()),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        Some(url::Host::Domain(host)) if names_loopback(host) => {
            if allow.allows_host(host.trim_end_matches('.')) {
                return None;
            }
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        }
        Some(url::Host::Domain(_)) => return None,
    };
    match refusal(addr) {
        Some(why) if !allow.allows_addr(addr) => Some(format!(
            "refused: {addr} is {why}; ERRAND_FETCH_ALLOW_HOSTS (fetch.allow_hosts) can permit it"
        )),
        _ => None,
    }
}

/// `localhost` and its subdomains, with or without the root's dot, name loopback
/// (RFC 6761 §6.3).
fn names_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_private_addresses_need_the_allow_list() {
        for refused in [
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]/hook",
            "http://10.0.0.5/hook",
            "http://169.254.169.254/latest",
            "http://localhost./hook",
            "http://LocalHost/hook",
            "http://hooks.localhost/hook",
            "http://hooks.localhost./hook",
        ] {
            assert!(problem(refused, &[]).is_some(), "{refused}");
        }
        assert!(problem("http://127.0.0.1:9000/hook", &["127.0.0.1".into()]).is_none());
        assert!(problem("http://localhost:9000/hook", &["localhost".into()]).is_none());
        assert!(problem("https://hooks.example.com/errand", &[]).is_none());
        assert!(problem("http://localhost.:9000/hook", &["localhost".into()]).is_none());
        assert!(problem("ftp://example.com/", &[]).is_some());
        for with_credentials in [
            "https://user:pw@hooks.example.com/x",
            "https://user@hooks.example.com/",
            "https://:pw@hooks.example.com/",
        ] {
            assert!(
                problem(with_credentials, &[]).is_some(),
                "{with_credentials}"
            );
        }
        for hostless in [
            "http:///hooks.example.com/x",
            "https:\\\\example.com/",
            "http:example.com",
        ] {
            assert!(problem(hostless, &[]).is_some(), "{hostless}");
        }
        assert!(problem("not a url", &[]).is_some());
        assert!(problem("https://\u{cf}/", &[]).is_some());
    }
}
