//! The TLS of every outbound HTTPS client (model providers, HTTP tools, `http_fetch`).

use std::sync::Arc;

/// A TLS client config using ring (no C toolchain needed) and the system's roots.
pub fn tls_config() -> anyhow::Result<rustls::ClientConfig> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    Ok(config)
}
