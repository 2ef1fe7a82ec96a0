//! JSON-RPC as clients expect it, around rmcp: a body that is not JSON is -32700, a batch
//! or a malformed envelope -32600 (both HTTP 400), a method the server has whose params do
//! not fit is -32602 with HTTP 200 (rmcp says -32601, "method not found", under 2026-07-28
//! with HTTP 404, which SDKs read as a method the server lacks or a session gone), and a
//! transport refusal (406, 415, 403 from rmcp in text) carries a JSON-RPC body too.

use bytes::Bytes;
use serde_json::{Value, json};

/// Methods this server answers: a -32601 for one of them means its params did not fit.
const METHODS: &[&str] = &[
    "initialize",
    "ping",
    "server/discover",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "tasks/get",
    "tasks/update",
    "tasks/cancel",
];

/// A JSON-RPC error object answering request `id` (`null` when it could not be read).
pub fn error_body(code: i64, message: &str, id: &Value) -> Bytes {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    Bytes::from(body.to_string())
}

/// Why a POSTed body is refused before rmcp sees it.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    pub code: i64,
    pub message: String,
    /// The request's id, when it could be read.
    pub id: Value,
}

impl Refusal {
    fn unread(code: i64, message: String) -> Self {
        Self {
            code,
            message,
            id: Value::Null,
        }
    }

    /// A message that is no JSON-RPC request at all is a 400; params that do not fit are
    /// an answer to the request, like any other.
    pub fn http_status(&self) -> u16 {
        if self.code == -32602 { 200 } else { 400 }
    }
}

/// Reads a POSTed body as one JSON-RPC message: its method (`None` for a response), or why
/// it is refused.
pub fn read(body: &[u8]) -> Result<Option<String>, Refusal> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            let message = format!("Parse error: the body is not JSON ({e})");
            return Err(Refusal::unread(-32700, message));
        }
    };
    let Value::Object(message) = value else {
        let what = if value.is_array() {
            "a batch (an array): send one message per request"
        } else {
            "not a JSON-RPC message object"
        };
        return Err(Refusal::unread(-32600, format!("Invalid Request: {what}")));
    };
    if message.get("jsonrpc") != Some(&json!("2.0")) {
        return Err(Refusal::unread(
            -32600,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"".into(),
        ));
    }
    let has = |k: &str| message.contains_key(k);
    let method = message.get("method").and_then(Value::as_str);
    let response = has("id") && (has("result") || has("error"));
    if method.is_none() && !response {
        return Err(Refusal::unread(
            -32600,
            "Invalid Request: a message needs a string \"method\" (or is a response with \
             \"result\" or \"error\")"
                .into(),
        ));
    }
    if let Some(method) = method
        && let Err(message_) = lenient_params(method, &message)
    {
        return Err(Refusal {
            code: -32602,
            message: message_,
            id: message.get("id").cloned().unwrap_or(Value::Null),
        });
    }
    Ok(method.map(str::to_owned))
}

/// Params rmcp would read leniently: a list's `cursor` that is not a string makes it
/// serve the first page, as if there were no cursor.
fn lenient_params(method: &str, message: &serde_json::Map<String, Value>) -> Result<(), String> {
    let listing = matches!(
        method,
        "tools/list" | "resources/list" | "resources/templates/list"
    );
    let cursor = message.get("params").and_then(|p| p.get("cursor"));
    match cursor {
        Some(c) if listing && !c.is_string() && !c.is_null() => Err(format!(
            "Invalid params for {method}: `cursor` must be a string"
        )),
        _ => Ok(()),
    }
}

/// rmcp's JSON answer with its -32601 for a method this server has turned into -32602.
pub fn fix_answer(answer: &[u8], method: Option<&str>) -> Option<Bytes> {
    let method = method.filter(|m| METHODS.contains(m))?;
    let mut value: Value = serde_json::from_slice(answer).ok()?;
    let error = value.get_mut("error")?;
    if error.get("code")? != &json!(-32601) {
        return None;
    }
    error["code"] = json!(-32602);
    error["message"] = json!(format!(
        "Invalid params for {method}: they do not have the shape the method takes"
    ));
    Some(Bytes::from(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_bad_message_gets_its_code() {
        let code = |body: &[u8]| read(body).err().map(|r| r.code);
        assert_eq!(code(b"{bad"), Some(-32700));
        assert_eq!(code(b"[{}]"), Some(-32600));
        assert_eq!(code(b"7"), Some(-32600));
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":1}"#), Some(-32600));
        assert_eq!(code(br#"{"jsonrpc":"1.0","method":"ping"}"#), Some(-32600));
        assert_eq!(
            read(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            Ok(Some("ping".into()))
        );
        assert_eq!(read(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#), Ok(None));
        let paged =
            read(br#"{"jsonrpc":"2.0","id":4,"method":"resources/list","params":{"cursor":5}}"#);
        let refused = paged.expect_err("a cursor that is not a string");
        assert_eq!((refused.code, refused.id), (-32602, json!(4)));
        let fixed = fix_answer(
            br#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"tools/call"}}"#,
            Some("tools/call"),
        )
        .expect("rewritten");
        assert!(String::from_utf8_lossy(&fixed).contains("-32602"));
        let unknown = br#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"x"}}"#;
        assert!(fix_answer(unknown, Some("no/such")).is_none());
    }
}
