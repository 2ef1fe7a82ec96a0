//! `errand queues push`.

use reqwest::Method;
use serde_json::json;

use super::commands::QueuesCommand;
use super::http::{Client, segment};
use super::{ClientError, Exit, json_arg, print};

pub async fn run(
    client: &Client,
    as_json: bool,
    command: QueuesCommand,
) -> Result<Exit, ClientError> {
    let QueuesCommand::Push {
        queue,
        payload,
        priority,
        concurrency_key,
        idempotency_key,
    } = command;
    let mut body = json!({"payload": json_arg("--payload", &payload)?});
    if let Some(p) = priority {
        body["priority"] = json!(p);
    }
    if let Some(key) = concurrency_key {
        body["concurrency_key"] = json!(key);
    }
    let mut req = client
        .request(
            Method::POST,
            &format!("/v1/queues/{}/messages", segment(&queue)),
        )
        .json(&body);
    if let Some(key) = idempotency_key {
        req = req.header("idempotency-key", key);
    }
    let message = client.send(req).await?;
    match as_json {
        true => print::json(&message),
        false => outln!("{}", message["id"].as_str().unwrap_or("?")),
    }
    Ok(Exit::Succeeded)
}
