//! `JsonBody<T>`: a JSON request body, checked at the boundary before any handler sees it.
//! The body is read up to `server.body_limit` (413), must be `application/json` (415) and
//! valid JSON (400). No string or key may hold U+0000, which PostgreSQL cannot store (422,
//! with the pointer of each), and a body of the wrong shape names the field it broke (422
//! with its pointer). Large bodies are parsed off the HTTP worker threads.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, ErrorCode, Violation};
use errand_core::json;

/// The body settings the extractor reads from the app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyConfig {
    /// Largest accepted body, in bytes.
    pub limit: usize,
    /// Violations listed at most.
    pub max_violations: usize,
}

/// Bodies larger than this are parsed on the blocking thread pool.
const PARSE_INLINE_BYTES: usize = 64 * 1024;

pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Send + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = read_json(req, payload);
        Box::pin(async move {
            let (body, config) = read.await?;
            let max = config.max_violations;
            let value = if body.len() > PARSE_INLINE_BYTES {
                web::block(move || parse::<T>(&body, max))
                    .await
                    .map_err(|e| ApiError::internal(anyhow::anyhow!("body parser: {e}")))??
            } else {
                parse::<T>(&body, max)?
            };
            Ok(JsonBody(value))
        })
    }
}

/// The bytes of a JSON body as sent (for a signature over them), read under the same
/// limit and media type check as `JsonBody`; the handler parses them.
pub struct RawJson(pub Bytes);

impl FromRequest for RawJson {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = read_json(req, payload);
        Box::pin(async move { Ok(RawJson(read.await?.0)) })
    }
}

/// Reads a JSON body up to the limit: 415 when it is not JSON, 413 past the limit.
fn read_json(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<(Bytes, BodyConfig), ApiError>> + 'static {
    let config = req.app_data::<BodyConfig>().copied().unwrap_or(BodyConfig {
        limit: 1024 * 1024,
        max_violations: 100,
    });
    let is_json = matches!(req.mime_type(), Ok(Some(m))
        if m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    async move {
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "the request body must be JSON with `Content-Type: application/json`",
            ));
        }
        let too_large = || {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "the request body exceeds the limit of {} bytes",
                    config.limit
                ),
            )
        };
        if declared.is_some_and(|n| n > config.limit) {
            return Err(too_large());
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::bad_request(format!("cannot read the body: {e}")))?;
            if body.len() + chunk.len() > config.limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body.freeze(), config))
    }
}

/// Parses and checks a body: syntax, NUL characters, then the shape of `T`.
pub fn parse<T: DeserializeOwned>(bytes: &[u8], max_violations: usize) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedJson,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    let nul = json::nul_violations(&value, "", max_violations);
    if !nul.is_empty() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidBody,
            format!(
                "{} value(s) contain U+0000 (NUL), which cannot be stored",
                nul.len()
            ),
            nul,
        ));
    }
    // Every request body of the API is an object; serde would also read a struct from an
    // array of its fields in order, which no client means.
    if !value.is_object() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidBody,
            "the body must be a JSON object",
            vec![Violation::new("", "must be a JSON object")],
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = pointer_of(e.path());
        let message = e.inner().to_string();
        ApiError::invalid(
            ErrorCode::InvalidBody,
            format!("the body does not have the expected shape: {message}"),
            vec![Violation::new(pointer, message)],
        )
    })
}

/// A serde path as a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", json::pointer_token(key))),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        items: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
    }

    #[test]
    fn shape_errors_point_at_the_field() {
        let e = parse::<Shape>(br#"{"items": [{"n": 1}, {"n": -1}]}"#, 10).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidBody);
        assert_eq!(e.errors()[0].pointer, "/items/1/n");
        let e = parse::<Shape>(br#"{"items": [], "x": "\u0000"}"#, 10).unwrap_err();
        assert_eq!(e.errors()[0].pointer, "/x");
        let e = parse::<Shape>(b"{", 10).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedJson);
    }
}
