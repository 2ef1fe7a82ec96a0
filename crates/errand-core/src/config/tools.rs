//! Tools: how many HTTP tools a project may register, how deep runners may call runners,
//! the secrets HTTP tools may send as header values, and how a call made over MCP waits.

use std::collections::BTreeMap;

use anyhow::bail;
use serde::Deserialize;

use super::providers::ApiKey;
use super::secret_origin::{ANY_HOST, SecretTarget};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolSettings {
    /// HTTP tools one project may register.
    pub project_max_tools: u32,
    /// How deep a chain of runners calling runners may go: a task submitted directly has
    /// depth 0, the child it starts depth 1, and a child deeper than this is refused.
    pub max_task_depth: u32,
    /// Values HTTP tools may send in a header (`{"secret": "name"}`), by name. They are
    /// read when a tool is called and never stored in the database or shown.
    pub secrets: BTreeMap<String, SecretSettings>,
}

impl Default for ToolSettings {
    fn default() -> Self {
        Self {
            project_max_tools: 100,
            max_task_depth: 3,
            secrets: BTreeMap::new(),
        }
    }
}

/// One secret: its value from an environment variable (`env`) or the settings (`value`),
/// usable by the projects named in `projects` (all projects when empty) and sent only to
/// the origins in `hosts`, which must be named: whoever may register a tool could otherwise
/// send it anywhere.
///
/// An entry of `hosts` is one of:
/// - an origin `scheme://host[:port]` (`http` or `https`; the port defaults to 443 for
///   https and 80 for http): the secret goes to that scheme, host and port only, so
///   `https://api.example.com` never sends it to `http://api.example.com` nor to
///   `https://api.example.com:8443`;
/// - a bare host name or address (`api.example.com`, `203.0.113.7`, `[2001:db8::1]`):
///   https on port 443 only, never plain http, so a secret cannot leave in clear text by
///   accident (write `http://host:port` to mean plain http, e.g. a local test server);
/// - `"*"`: any origin, for those who mean it.
///
/// An entry that is none of these (a path, a user, a bare `host:port`, a wildcard such as
/// `*.example.com`, another scheme) is refused at start.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSettings {
    pub env: Option<String>,
    value: Option<String>,
    #[serde(default)]
    pub projects: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(skip)]
    resolved: Option<ApiKey>,
}

impl std::fmt::Debug for SecretSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretSettings")
            .field("env", &self.env)
            .field("projects", &self.projects)
            .field("hosts", &self.hosts)
            .finish_non_exhaustive()
    }
}

impl SecretSettings {
    /// A secret with this value, for every project and no host until `hosts` names some.
    pub fn with_value(value: impl Into<String>) -> Self {
        let value = value.into();
        Self {
            env: None,
            resolved: Some(ApiKey::new(value.clone())),
            value: Some(value),
            projects: Vec::new(),
            hosts: Vec::new(),
        }
    }

    /// The value, once `resolve` has read it.
    pub fn value(&self) -> Option<&str> {
        self.resolved.as_ref().map(ApiKey::expose)
    }

    /// Whether the project named `project` may send it to a URL `url`: the project is
    /// among `projects` and the URL's origin (scheme, host, port) among `hosts`.
    pub fn usable_by(&self, project: &str, url: &str) -> bool {
        let Ok(url) = reqwest::Url::parse(url) else {
            return false;
        };
        (self.projects.is_empty() || self.projects.iter().any(|p| p == project))
            && self
                .hosts
                .iter()
                .filter_map(|entry| SecretTarget::parse(entry).ok())
                .any(|target| target.admits(&url))
    }
}

/// Reads every secret's value from its variable or the settings.
pub fn resolve(
    tools: &mut ToolSettings,
    env: &impl Fn(&str) -> Option<String>,
) -> anyhow::Result<()> {
    for (name, secret) in tools.secrets.iter_mut() {
        if name.is_empty() || name.len() > 100 {
            bail!("tools.secrets: a secret's name must have 1 to 100 characters");
        }
        secret.resolved = match (&secret.env, &secret.value) {
            (Some(var), None) => match env(var).filter(|v| !v.is_empty()) {
                Some(v) => Some(ApiKey::new(v)),
                None => bail!("tools.secrets.{name}.env names {var}, which is not set"),
            },
            (None, Some(v)) => Some(ApiKey::new(v.clone())),
            _ => bail!("tools.secrets.{name}: give exactly one of `env` and `value`"),
        };
        if secret.value().is_some_and(str::is_empty) {
            bail!("tools.secrets.{name}.value is empty");
        }
        if secret.hosts.is_empty() {
            bail!(
                "tools.secrets.{name}.hosts is empty: name the origins it may be sent to \
                 (or [\"{ANY_HOST}\"] for any)"
            );
        }
        for entry in &secret.hosts {
            if let Err(why) = SecretTarget::parse(entry) {
                bail!(
                    "tools.secrets.{name}.hosts: {entry:?} is not \"{ANY_HOST}\", a host \
                     (https on 443) or an origin such as https://api.example.com:8443: {why}"
                );
            }
        }
    }
    if tools.max_task_depth > 10 {
        bail!("tools.max_task_depth must be at most 10");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(hosts: &[&str]) -> SecretSettings {
        let mut s = SecretSettings::with_value("v");
        s.hosts = hosts.iter().map(|h| (*h).to_owned()).collect();
        s
    }

    #[test]
    fn a_secret_goes_only_to_the_hosts_it_names() {
        let crm = secret(&["crm.example.com"]);
        assert!(crm.usable_by("default", "https://CRM.example.com/x"));
        assert!(!crm.usable_by("default", "https://evil.example/x"));
        assert!(!crm.usable_by("default", "not a url"));
        assert!(!secret(&[]).usable_by("default", "https://crm.example.com/"));
        assert!(secret(&["*"]).usable_by("default", "https://anywhere.example/"));
        assert!(secret(&["*"]).usable_by("default", "http://127.0.0.1:9/"));
        let mut only = secret(&["*"]);
        only.projects = vec!["support".into()];
        assert!(!only.usable_by("default", "https://a.example/"));
        assert!(only.usable_by("support", "https://a.example/"));
    }

    #[test]
    fn a_bare_host_means_https_on_443_only() {
        for entry in ["api.example.com", "API.Example.com"] {
            let s = secret(&[entry]);
            assert!(
                s.usable_by("p", "https://api.example.com/v1?q=1"),
                "{entry}"
            );
            assert!(
                s.usable_by("p", "https://api.example.com:443/v1"),
                "{entry}"
            );
            assert!(!s.usable_by("p", "http://api.example.com/v1"), "{entry}");
            assert!(
                !s.usable_by("p", "http://api.example.com:443/v1"),
                "{entry}"
            );
            assert!(
                !s.usable_by("p", "https://api.example.com:8443/v1"),
                "{entry}"
            );
            assert!(!s.usable_by("p", "https://other.example.com/"), "{entry}");
            assert!(
                !s.usable_by("p", "https://api.example.com.evil.example/"),
                "{entry}"
            );
        }
        let address = secret(&["203.0.113.7", "2001:db8::1"]);
        assert!(address.usable_by("p", "https://203.0.113.7/"));
        assert!(!address.usable_by("p", "http://203.0.113.7/"));
        assert!(address.usable_by("p", "https://[2001:db8::1]/"));
        assert!(!address.usable_by("p", "http://[2001:db8::1]/"));
        assert!(secret(&["[2001:db8::1]"]).usable_by("p", "https://[2001:db8:0::1]:443/"));
    }

    #[test]
    fn an_origin_binds_the_secret_to_its_scheme_host_and_port() {
        let https = secret(&["https://api.example.com"]);
        assert!(https.usable_by("p", "https://api.example.com/x"));
        assert!(https.usable_by("p", "https://api.example.com:443/x"));
        assert!(!https.usable_by("p", "http://api.example.com/x"));
        assert!(!https.usable_by("p", "https://api.example.com:8443/x"));

        let port = secret(&["https://api.example.com:8443/"]);
        assert!(port.usable_by("p", "https://api.example.com:8443/x"));
        assert!(!port.usable_by("p", "https://api.example.com/x"));
        assert!(!port.usable_by("p", "http://api.example.com:8443/x"));

        let plain = secret(&["http://127.0.0.2:8080"]);
        assert!(plain.usable_by("p", "http://127.0.0.2:8080/lookup"));
        assert!(!plain.usable_by("p", "https://127.0.0.2:8080/lookup"));
        assert!(!plain.usable_by("p", "http://127.0.0.2:8081/lookup"));
        assert!(!plain.usable_by("p", "http://127.0.0.2/lookup"));
        assert!(!plain.usable_by("p", "http://127.0.0.3:8080/lookup"));

        let http_default = secret(&["HTTP://Legacy.Example.com"]);
        assert!(http_default.usable_by("p", "http://legacy.example.com:80/"));
        assert!(!http_default.usable_by("p", "https://legacy.example.com/"));

        let v6 = secret(&["http://[::1]:9000"]);
        assert!(v6.usable_by("p", "http://[0:0::1]:9000/x"));
        assert!(!v6.usable_by("p", "http://[::1]:9001/x"));
    }

    #[test]
    fn a_malformed_host_entry_is_refused_at_start_by_name() {
        for entry in [
            "",
            " api.example.com",
            "api.example.com:8443",
            "[::1]:8080",
            "*.example.com",
            "https://*.example.com",
            "ftp://files.example.com",
            "https://api.example.com/v1",
            "https://api.example.com/?q=1",
            "https://api.example.com/#top",
            "https://user@api.example.com",
            "https://user:pw@api.example.com",
            "api.example.com/v1",
            "https://",
            "https://exa mple.com",
            "mailto:someone@example.com",
        ] {
            let mut tools = ToolSettings::default();
            tools.secrets.insert("crm".into(), secret(&[entry]));
            let error = resolve(&mut tools, &|_| None).expect_err(entry).to_string();
            assert!(
                error.contains(&format!("tools.secrets.crm.hosts: {entry:?}")),
                "{entry}: {error}"
            );
            // A refused entry never matches either, whatever reaches `usable_by`.
            assert!(
                !secret(&[entry]).usable_by("p", "https://api.example.com/"),
                "{entry}"
            );
        }
        let mut tools = ToolSettings::default();
        let good = [
            "*",
            "api.example.com",
            "https://a.example:8443",
            "http://127.0.0.1:80",
        ];
        tools.secrets.insert("crm".into(), secret(&good));
        resolve(&mut tools, &|_| None).expect("good entries");
    }

    #[test]
    fn a_secret_without_hosts_is_refused_at_start() {
        let mut tools = ToolSettings::default();
        let mut loose = SecretSettings::with_value("v");
        loose.resolved = None;
        tools.secrets.insert("loose".into(), loose);
        let error = resolve(&mut tools, &|_| None).unwrap_err().to_string();
        assert!(
            error.contains("tools.secrets.loose.hosts is empty"),
            "{error}"
        );
        tools.secrets.get_mut("loose").unwrap().hosts = vec!["*".into()];
        resolve(&mut tools, &|_| None).unwrap();

        let mut empty = SecretSettings::with_value("");
        empty.hosts = vec!["*".into()];
        tools.secrets.insert("empty".into(), empty);
        let error = resolve(&mut tools, &|_| None).unwrap_err().to_string();
        assert!(
            error.contains("tools.secrets.empty.value is empty"),
            "{error}"
        );
    }
}
