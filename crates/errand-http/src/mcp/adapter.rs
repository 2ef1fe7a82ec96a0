//! Mounting `rmcp`'s Streamable HTTP service in actix-web: the actix request becomes an
//! `http` 1.x request (method, URI, headers, the body read by actix within
//! `server.body_limit`), the caller goes into its extensions, and the response — JSON or
//! an SSE stream — is streamed back as it comes.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Full};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use super::{ErrandMcp, McpCaller, envelope};
use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use errand_core::config::McpSettings;

/// The MCP service of one process.
pub type McpService = StreamableHttpService<ErrandMcp, NeverSessionManager>;

/// The service for `state`, as `settings` configure it.
pub fn service(state: AppState, settings: &McpSettings, body_limit: usize) -> McpService {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_allowed_hosts(settings.allowed_hosts.clone())
        .with_allowed_origins(settings.allowed_origins.clone())
        .enforce_origin_validation()
        .with_max_request_body_bytes(body_limit);
    let settings = settings.clone();
    StreamableHttpService::new(
        move || Ok(ErrandMcp::new(state.clone(), settings.clone())),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}

/// `GET`, `POST` and `DELETE /mcp`.
pub async fn serve(
    req: HttpRequest,
    // Before the body, so an unauthorized request is refused before its body is read.
    caller: Caller,
    body: web::Bytes,
    mcp: web::Data<McpService>,
) -> Result<HttpResponse, ApiError> {
    let method = match req.method() == actix_web::http::Method::POST {
        true => match envelope::read(&body) {
            Ok(method) => method,
            Err(refused) => return Ok(refusal(&refused)),
        },
        false => None,
    };
    let mut builder = http::Request::builder()
        .method(req.method().as_str())
        .uri(req.uri().to_string());
    for (name, value) in req.headers() {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    let mut request = builder
        .body(Full::new(Bytes::from(body.to_vec())))
        .map_err(|e| ApiError::bad_request(format!("the request cannot be read: {e}")))?;
    request.extensions_mut().insert(McpCaller { caller });
    let response = mcp.handle(request).await;
    let (parts, body) = response.into_parts();
    let status = StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut out = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        out.append_header((name.as_str(), value.as_bytes()));
    }
    let json = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if json || !status.is_success() {
        // A JSON answer (small, whole) or a transport refusal: read it to correct it.
        let whole = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_else(|never| match never {});
        return Ok(corrected(out, status, json, &whole, method.as_deref()));
    }
    let stream = body.into_data_stream().map(|chunk| {
        let chunk: Bytes = chunk.unwrap_or_else(|never| match never {});
        Ok::<Bytes, actix_web::Error>(chunk)
    });
    Ok(out.streaming(stream))
}

/// A request the envelope refused before rmcp saw it, as JSON-RPC says.
fn refusal(refused: &envelope::Refusal) -> HttpResponse {
    let status = StatusCode::from_u16(refused.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    HttpResponse::build(status)
        .content_type("application/json")
        .body(envelope::error_body(
            refused.code,
            &refused.message,
            &refused.id,
        ))
}

/// rmcp's whole answer, corrected: a JSON answer to the request gets 200 and the error
/// codes JSON-RPC asks for; a transport refusal in plain text becomes a JSON-RPC error.
fn corrected(
    mut out: HttpResponseBuilder,
    status: StatusCode,
    json: bool,
    whole: &Bytes,
    method: Option<&str>,
) -> HttpResponse {
    if json {
        return match envelope::fix_answer(whole, method) {
            // An answer to the request, like any other: 200.
            Some(fixed) => out.status(StatusCode::OK).body(fixed),
            None => out.body(whole.clone()),
        };
    }
    let said = String::from_utf8_lossy(whole).trim().to_owned();
    let message = if said.is_empty() {
        status.to_string()
    } else {
        said
    };
    out.insert_header((actix_web::http::header::CONTENT_TYPE, "application/json"));
    out.body(envelope::error_body(
        -32600,
        &message,
        &serde_json::Value::Null,
    ))
}
