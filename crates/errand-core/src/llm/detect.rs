//! Which server a provider is, when its settings do not say (`kind` unset) and its base
//! URL is not OpenAI's: asked once at start, each probe bounded by a short timeout.
//! llama.cpp's server answers `GET /props`; llama-cpp-python lists its models as
//! `owned_by: "me"`; Ollama answers `GET /api/version`; vLLM `GET /version`. Nothing
//! recognised: an OpenAI-compatible server of no known kind (`openai`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::config::providers::{ProviderKind, ProviderSettings};

/// How long one probe may take: a start-up must not wait long on a slow server.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Fills `kind` for every provider that has none; logs what was found.
pub async fn detect_kinds(providers: &mut BTreeMap<String, ProviderSettings>) {
    let Ok(client) = client() else {
        return;
    };
    for (name, p) in providers.iter_mut() {
        if p.kind.is_some() {
            continue;
        }
        if is_openai(&p.base_url) {
            p.kind = Some(ProviderKind::Openai);
            continue;
        }
        let (kind, evidence) = probe(&client, p).await;
        tracing::info!(
            provider = %name,
            base_url = %crate::config::providers::scrub(&p.base_url, &crate::config::providers::url_secrets(&p.base_url)),
            kind = ?kind,
            "model server detected: {evidence} (set `kind` in the provider's settings to skip this)"
        );
        p.kind = Some(kind);
        p.detected = true;
    }
}

fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(super::http::tls_config()?)
        .timeout(PROBE_TIMEOUT)
        .build()?)
}

fn is_openai(base_url: &str) -> bool {
    reqwest::Url::parse(base_url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.eq_ignore_ascii_case("api.openai.com"))
        })
        .unwrap_or(false)
}

/// The kind, and what showed it.
async fn probe(client: &reqwest::Client, p: &ProviderSettings) -> (ProviderKind, &'static str) {
    let base = p.base_url.trim_end_matches('/');
    let root = base.strip_suffix("/v1").unwrap_or(base);
    let get = |url: String| {
        let mut req = client.get(url);
        if let Some(key) = &p.api_key {
            req = req.bearer_auth(key.expose());
        }
        async move {
            let res = req.send().await.ok()?;
            if !res.status().is_success() {
                return None;
            }
            res.json::<Value>().await.ok()
        }
    };
    if get(format!("{root}/props")).await.is_some_and(|v| {
        v.get("default_generation_settings").is_some() || v.get("model_path").is_some()
    }) {
        return (
            ProviderKind::Llamacpp,
            "llama.cpp's server answers GET /props",
        );
    }
    if get(format!("{base}/models"))
        .await
        .is_some_and(|v| v.pointer("/data/0/owned_by").and_then(Value::as_str) == Some("me"))
    {
        return (ProviderKind::Llamacpp, "llama-cpp-python's model list");
    }
    if get(format!("{root}/api/version"))
        .await
        .is_some_and(|v| v.get("version").is_some())
    {
        return (ProviderKind::Ollama, "Ollama answers GET /api/version");
    }
    if get(format!("{root}/version"))
        .await
        .is_some_and(|v| v.get("version").is_some())
    {
        return (ProviderKind::Vllm, "vLLM answers GET /version");
    }
    (
        ProviderKind::Openai,
        "no known server answered; treated as OpenAI-compatible",
    )
}
