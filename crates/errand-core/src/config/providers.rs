//! Model provider settings: named OpenAI-compatible endpoints. API keys come from
//! environment variables named in the settings, so a key is never written to a file or the
//! database, and never printed (`ApiKey`'s `Debug` hides it).

use std::collections::BTreeMap;

use anyhow::bail;
use serde::Deserialize;

pub use crate::conversation::Price;

pub const OPENAI_DEFAULT_URL: &str = "https://api.openai.com/v1";

/// Which server a provider is: it decides the default base URL and how structured output
/// is asked for when `json_schema` is refused.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI and servers that follow its API exactly (OpenRouter, …).
    #[default]
    Openai,
    Ollama,
    Vllm,
    /// The llama.cpp server (or llama-cpp-python's).
    Llamacpp,
}

impl ProviderKind {
    /// Where the server listens by default.
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::Openai => OPENAI_DEFAULT_URL,
            Self::Ollama => "http://localhost:11434/v1",
            Self::Vllm => "http://localhost:8000/v1",
            Self::Llamacpp => "http://localhost:8080/v1",
        }
    }

    /// Whether to ask for usage in the stream (`stream_options.include_usage`). OpenAI,
    /// vLLM and Ollama send the usage chunk only when asked; llama.cpp's server sends its
    /// usage unasked (and llama-cpp-python's none), so it is not asked.
    pub fn asks_stream_usage(self) -> bool {
        !matches!(self, Self::Llamacpp)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Which server this is (`openai`, `ollama`, `vllm`, `llamacpp`); unset: asked at
    /// start (OpenAI's own URL is `openai`), and shown in `GET /v1/models`.
    #[serde(default)]
    pub kind: Option<ProviderKind>,
    /// `kind` was found by asking the server.
    #[serde(skip)]
    pub detected: bool,
    /// The API root, e.g. `https://api.openai.com/v1`; defaults to the kind's usual one.
    #[serde(default)]
    pub base_url: String,
    /// The structured-output mode to use (`json_schema`, `json_object`, `prompt`); unset:
    /// the strongest the server accepts, found by trying.
    #[serde(default)]
    pub structured_output: Option<StructuredOutput>,
    /// Ask for token usage in the stream (`stream_options.include_usage`); unset: as the
    /// kind does (all but `llamacpp`). A server that refuses the field is not asked again.
    /// Usage a server does not report is estimated and marked `estimated`.
    #[serde(default)]
    pub stream_usage: Option<bool>,
    /// Name of the environment variable holding the API key (`OPENAI_API_KEY` by default
    /// for the provider called `openai`). Local servers usually need none.
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Resolved from `api_key_env` when the settings are loaded.
    #[serde(skip)]
    pub api_key: Option<ApiKey>,
    /// Sent with every request (e.g. `OpenAI-Organization`, `HTTP-Referer`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Longest wait for a response to start, and for each streamed piece after that.
    #[serde(default = "default_request_timeout")]
    pub request_timeout_seconds: u64,
    /// Requests this process sends to the provider at once; further calls wait their turn.
    #[serde(default = "default_max_concurrent")]
    pub max_concurrent_requests: usize,
    /// Models to list in `GET /v1/models`. Runners may name others.
    #[serde(default)]
    pub models: Vec<String>,
    /// USD per million tokens, by model; a task's cost is computed when its model is here.
    #[serde(default)]
    pub prices: BTreeMap<String, Price>,
    /// First back-off after a 429, 5xx or network error (doubled each time, with jitter,
    /// unless the provider sends `Retry-After`).
    #[serde(default = "default_retry_initial_ms")]
    pub retry_initial_ms: u64,
    /// Longest single back-off.
    #[serde(default = "default_retry_max_ms")]
    pub retry_max_ms: u64,
    /// Retries of one model call before the attempt gives up (the task's deadline bounds
    /// them too).
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
}

/// How a call asks for structured output when the runner has an `output_schema`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StructuredOutput {
    /// The strongest mode the provider accepts, found by trying (and remembered per
    /// provider and model): `json_schema`, then `json_object`, then `prompt`.
    #[default]
    Auto,
    /// `response_format: json_schema` (strict when the schema allows it).
    JsonSchema,
    /// `response_format: json_object`, carrying the schema where the server reads it
    /// (llama.cpp `schema`, vLLM `guided_json`, Ollama `format`).
    JsonObject,
    /// No `response_format`: the schema goes into the instructions only.
    #[serde(alias = "off")]
    Prompt,
}

impl From<String> for StructuredOutput {
    /// A stored mode; one this build does not know reads as `auto`.
    fn from(stored: String) -> Self {
        serde_json::from_value(serde_json::Value::String(stored)).unwrap_or_default()
    }
}

impl StructuredOutput {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::JsonSchema => "json_schema",
            Self::JsonObject => "json_object",
            Self::Prompt => "prompt",
        }
    }

    /// The next weaker mode to fall back to, if any.
    pub fn weaker(self) -> Option<Self> {
        match self {
            Self::Auto | Self::JsonSchema => Some(Self::JsonObject),
            Self::JsonObject => Some(Self::Prompt),
            Self::Prompt => None,
        }
    }
}

/// A secret that prints as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> Self {
        Self(key)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

fn default_request_timeout() -> u64 {
    120
}
fn default_max_concurrent() -> usize {
    16
}
fn default_retry_initial_ms() -> u64 {
    500
}
fn default_retry_max_ms() -> u64 {
    30_000
}
fn default_max_retries() -> u32 {
    8
}

impl ProviderSettings {
    /// The kind: as set, or as detected at start, else `openai`.
    pub fn kind(&self) -> ProviderKind {
        self.kind.unwrap_or_default()
    }

    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            kind: None,
            detected: false,
            base_url: base_url.into(),
            structured_output: None,
            stream_usage: None,
            api_key_env: None,
            api_key: None,
            headers: BTreeMap::new(),
            request_timeout_seconds: default_request_timeout(),
            max_concurrent_requests: default_max_concurrent(),
            models: Vec::new(),
            prices: BTreeMap::new(),
            retry_initial_ms: default_retry_initial_ms(),
            retry_max_ms: default_retry_max_ms(),
            max_retries: default_max_retries(),
        }
    }
}

/// The parts of a URL that are secrets: the user name and password, and query values (some
/// gateways take the key as `?api-key=`), as written and percent-decoded.
pub fn url_secrets(url: &str) -> Vec<String> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Vec::new();
    };
    let mut secrets: Vec<String> = Vec::new();
    let mut add = |raw: &str| {
        if raw.len() >= 3 {
            secrets.push(raw.to_owned());
            let decoded = decode(raw);
            if decoded != raw {
                secrets.push(decoded);
            }
        }
    };
    add(parsed.username());
    if let Some(password) = parsed.password() {
        add(password);
    }
    for pair in parsed.query().unwrap_or_default().split('&') {
        add(pair.split_once('=').map_or("", |(_, v)| v));
    }
    // Longest first, so a secret that contains another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

/// `%XX` escapes decoded (lossy: enough to recognise a secret in an error message).
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with every secret replaced by `***`.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_owned(), |t, secret| {
        t.replace(secret.as_str(), "***")
    })
}

/// Adds the `openai` provider when `OPENAI_API_KEY` is set, applies `OPENAI_BASE_URL`, and
/// resolves every provider's key from its environment variable.
pub fn resolve(
    providers: &mut BTreeMap<String, ProviderSettings>,
    env: &impl Fn(&str) -> Option<String>,
) -> anyhow::Result<()> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    if !providers.contains_key("openai") && var("OPENAI_API_KEY").is_some() {
        providers.insert("openai".into(), ProviderSettings::new(OPENAI_DEFAULT_URL));
    }
    if let (Some(openai), Some(url)) = (providers.get_mut("openai"), var("OPENAI_BASE_URL")) {
        openai.base_url = url;
    }
    for (name, p) in providers.iter_mut() {
        check_name(name)?;
        if p.base_url.is_empty() {
            p.base_url = p.kind().default_base_url().to_owned();
        }
        if !(p.base_url.starts_with("http://") || p.base_url.starts_with("https://")) {
            bail!("providers.{name}.base_url must be an http(s) URL");
        }
        if p.max_concurrent_requests == 0 || p.request_timeout_seconds == 0 {
            bail!(
                "providers.{name}: max_concurrent_requests and request_timeout_seconds must be at least 1"
            );
        }
        let key_var = match (&p.api_key_env, name.as_str()) {
            (Some(v), _) => Some(v.clone()),
            (None, "openai") => Some("OPENAI_API_KEY".to_owned()),
            (None, _) => None,
        };
        if let Some(v) = key_var {
            p.api_key = var(&v).map(ApiKey::new);
            if p.api_key.is_none() && p.api_key_env.is_some() {
                bail!("providers.{name}.api_key_env names {v}, which is not set");
            }
        }
    }
    Ok(())
}

fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok || name == "mock" {
        bail!("provider name {name:?} must use a-z, 0-9, '-' and '_' (and `mock` is built in)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_key_alone_configures_openai() {
        let env = |k: &str| match k {
            "OPENAI_API_KEY" => Some("sk-test".to_string()),
            "OPENAI_BASE_URL" => Some("http://127.0.0.1:9/v1".to_string()),
            _ => None,
        };
        let mut providers = BTreeMap::new();
        resolve(&mut providers, &env).expect("resolve");
        let openai = &providers["openai"];
        assert_eq!(openai.base_url, "http://127.0.0.1:9/v1");
        assert_eq!(openai.api_key.as_ref().map(ApiKey::expose), Some("sk-test"));
        assert!(!format!("{openai:?}").contains("sk-test"));
    }

    #[test]
    fn url_credentials_are_recognised_and_scrubbed() {
        let secrets = url_secrets("https://bob:pa%24%24word@gw.example/v1?api-key=k3y-123&x=1");
        let text = "error sending request for url (https://bob:pa%24%24word@gw.example/v1?api-key=k3y-123&x=1): pa$$word";
        let clean = scrub(text, &secrets);
        for secret in ["bob", "pa%24%24word", "pa$$word", "k3y-123"] {
            assert!(!clean.contains(secret), "{clean}");
        }
        assert!(clean.contains("gw.example/v1"), "{clean}");
        assert!(url_secrets("http://localhost:8000/v1").is_empty());
    }

    #[test]
    fn a_named_key_variable_must_be_set() {
        let mut providers = BTreeMap::new();
        let mut p = ProviderSettings::new("http://localhost:8000/v1");
        p.api_key_env = Some("VLLM_KEY".into());
        providers.insert("vllm".to_string(), p);
        assert!(resolve(&mut providers, &|_: &str| None).is_err());
    }
}
