//! Tools: how many HTTP tools a project may register, how deep runners may call runners,
//! the secrets HTTP tools may send as header values, and how a call made over MCP waits.

use std::collections::BTreeMap;

use anyhow::bail;
use serde::Deserialize;

use super::providers::ApiKey;

/// In a secret's `hosts`: any host.
const ANY_HOST: &str = "*";

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
/// the hosts in `hosts`, which must be named: whoever may register a tool could otherwise
/// send it anywhere. `"*"` allows any host, for those who mean it.
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

    /// Whether the project named `project` may send it to a URL `url`.
    pub fn usable_by(&self, project: &str, url: &str) -> bool {
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        (self.projects.is_empty() || self.projects.iter().any(|p| p == project))
            && host.is_some_and(|h| {
                self.hosts
                    .iter()
                    .any(|allowed| allowed == ANY_HOST || allowed.eq_ignore_ascii_case(&h))
            })
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
        if secret.hosts.is_empty() {
            bail!(
                "tools.secrets.{name}.hosts is empty: name the hosts it may be sent to \
                 (or [\"{ANY_HOST}\"] for any host)"
            );
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
        let mut only = secret(&["*"]);
        only.projects = vec!["support".into()];
        assert!(!only.usable_by("default", "https://a.example/"));
        assert!(only.usable_by("support", "https://a.example/"));
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
    }
}
