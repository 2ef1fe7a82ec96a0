//! Where a secret of `tools.secrets` may be sent: one entry of its `hosts`, read as an
//! origin (scheme, host, port), `"*"`, or a bare host that means https on port 443.

/// In a secret's `hosts`: any origin.
pub(super) const ANY_HOST: &str = "*";

/// Where a secret may go, read from one entry of its `hosts`.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum SecretTarget {
    Any,
    /// A tuple origin: scheme, host and port (the scheme's default when not written).
    Origin(url::Origin),
}

impl SecretTarget {
    pub fn parse(entry: &str) -> Result<Self, String> {
        if entry == ANY_HOST {
            return Ok(Self::Any);
        }
        if entry.is_empty() || entry.contains(|c: char| c.is_whitespace() || c == '*') {
            return Err("not a host or origin (the only wildcard is \"*\" alone)".into());
        }
        let url = if entry.contains("://") {
            reqwest::Url::parse(entry).map_err(|e| e.to_string())?
        } else {
            reqwest::Url::parse(&format!("https://{}", Self::bare_host(entry)?))
                .map_err(|e| e.to_string())?
        };
        Self::check_origin_only(&url)?;
        Ok(Self::Origin(url.origin()))
    }

    /// A bare entry as the host of a URL: a name or an address alone (a bare `host:port`
    /// would be ambiguous about the scheme, so it is refused).
    fn bare_host(entry: &str) -> Result<String, String> {
        let inner = entry
            .strip_prefix('[')
            .and_then(|e| e.strip_suffix(']'))
            .unwrap_or(entry);
        if let Ok(v6) = inner.parse::<std::net::Ipv6Addr>() {
            return Ok(format!("[{v6}]"));
        }
        if entry.contains([':', '/', '@', '?', '#', '\\', '[', ']']) {
            return Err("a bare entry is a host alone: write scheme://host:port".into());
        }
        Ok(entry.to_owned())
    }

    /// The URL names an origin and nothing more.
    fn check_origin_only(url: &reqwest::Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("{}: is not http or https", url.scheme()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("an origin holds no user or password".into());
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err("an origin has no path, query or fragment".into());
        }
        match url.host() {
            Some(url::Host::Domain(d))
                if !d
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) =>
            {
                Err(format!("{d:?} is not a host name"))
            }
            Some(_) => Ok(()),
            None => Err("no host".into()),
        }
    }

    pub fn admits(&self, url: &reqwest::Url) -> bool {
        match self {
            Self::Any => true,
            Self::Origin(origin) => *origin == url.origin(),
        }
    }
}
