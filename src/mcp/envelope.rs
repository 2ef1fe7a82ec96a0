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

/// Reads a POSTed body as one JSON-RPC message: its method (`None` for a response), or why
/// it is not one, as (code, message).
pub fn read(body: &[u8]) -> Result<Option<String>, (i64, String)> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => return Err((-32700, format!("Parse error: the body is not JSON ({e})"))),
    };
    let Value::Object(message) = value else {
        let what = if value.is_array() {
            "a batch (an array): send one message per request"
        } else {
            "not a JSON-RPC message object"
        };
        return Err((-32600, format!("Invalid Request: {what}")));
    };
    if message.get("jsonrpc") != Some(&json!("2.0")) {
        return Err((
            -32600,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"".into(),
        ));
    }
    let has = |k: &str| message.contains_key(k);
    let method = message.get("method").and_then(Value::as_str);
    let response = has("id") && (has("result") || has("error"));
    if method.is_none() && !response {
        return Err((
            -32600,
            "Invalid Request: a message needs a string \"method\" (or is a response with \
             \"result\" or \"error\")"
                .into(),
        ));
    }
    Ok(method.map(str::to_owned))
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
        let code = |body: &[u8]| read(body).err().map(|r| r.0);
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
