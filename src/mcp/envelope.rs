//! JSON-RPC as clients expect it, around rmcp: a body that is not JSON is -32700, a batch
//! or a malformed envelope -32600 (both HTTP 400), a method the server has whose params do
//! not fit is -32602 (rmcp says -32601, "method not found", which SDKs read as a method the
//! server lacks), and a transport refusal (406, 415, 403 from rmcp in text) carries a
//! JSON-RPC body too.

use bytes::Bytes;
use serde_json::{Value, json};

/// Methods this server answers: a -32601 for one of them means its params did not fit.
const METHODS: &[&str] = &[
    "initialize",
    "ping",
    "server/discover",
    "tools/list",
    "tools/call",
    "tasks/get",
    "tasks/update",
    "tasks/cancel",
];

/// A JSON-RPC error object with no id (the request's could not be read).
pub fn error_body(code: i64, message: &str) -> Bytes {
    let body = json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    Bytes::from(body.to_string())
}

/// Why a POSTed body is not one JSON-RPC message, as (code, message); `None` when it is.
pub fn refusal(body: &[u8]) -> Option<(i64, String)> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => return Some((-32700, format!("Parse error: the body is not JSON ({e})"))),
    };
    let Value::Object(message) = value else {
        let what = if value.is_array() {
            "a batch (an array): send one message per request"
        } else {
            "not a JSON-RPC message object"
        };
        return Some((-32600, format!("Invalid Request: {what}")));
    };
    if message.get("jsonrpc") != Some(&json!("2.0")) {
        return Some((
            -32600,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"".into(),
        ));
    }
    let has = |k: &str| message.contains_key(k);
    let request = message.get("method").is_some_and(Value::is_string);
    let response = has("id") && (has("result") || has("error"));
    if !request && !response {
        return Some((
            -32600,
            "Invalid Request: a message needs a string \"method\" (or is a response with \
             \"result\" or \"error\")"
                .into(),
        ));
    }
    None
}

/// The method of a request body, if it has one.
pub fn method(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("method")?.as_str().map(str::to_owned)
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
        assert_eq!(refusal(b"{bad").map(|r| r.0), Some(-32700));
        assert_eq!(refusal(b"[{}]").map(|r| r.0), Some(-32600));
        assert_eq!(refusal(b"7").map(|r| r.0), Some(-32600));
        assert_eq!(
            refusal(br#"{"jsonrpc":"2.0","id":1}"#).map(|r| r.0),
            Some(-32600)
        );
        assert_eq!(
            refusal(br#"{"jsonrpc":"1.0","method":"ping"}"#).map(|r| r.0),
            Some(-32600)
        );
        assert_eq!(
            refusal(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            None
        );
        assert_eq!(refusal(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#), None);
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
