//! `errand runners list|get|apply`.

use reqwest::Method;
use serde_json::Value;

use super::commands::RunnersCommand;
use super::http::{Client, segment};
use super::{ClientError, Exit, json_arg, print};

pub async fn run(
    client: &Client,
    as_json: bool,
    command: RunnersCommand,
) -> Result<Exit, ClientError> {
    match command {
        RunnersCommand::List => {
            let page = client.get("/v1/runners?limit=100").await?;
            match as_json {
                true => print::json(&page),
                false => page["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .for_each(|r| outln!("{}", line(r))),
            }
        }
        RunnersCommand::Get { name } => {
            let runner = client
                .get(&format!("/v1/runners/{}", segment(&name)))
                .await?;
            print::json(&runner);
        }
        RunnersCommand::Apply { file } => {
            let text = match file.as_os_str() == "-" {
                true => "-".to_owned(),
                false => std::fs::read_to_string(&file).map_err(|e| {
                    ClientError::Usage(format!("-f {}: cannot read it: {e}", file.display()))
                })?,
            };
            let mut definition = json_arg("-f", &text)?;
            // The name names the runner in the path; the body is the rest.
            let name = match definition.as_object_mut().map(|d| d.remove("name")) {
                Some(Some(Value::String(name))) => name,
                _ => {
                    return Err(ClientError::Usage(
                        "-f: the definition must be a JSON object with a string \"name\"".into(),
                    ));
                }
            };
            let req = client
                .request(Method::PUT, &format!("/v1/runners/{}", segment(&name)))
                .json(&definition);
            let runner = client.send(req).await?;
            match as_json {
                true => print::json(&runner),
                false => outln!(
                    "runner {} at version {}",
                    runner["name"].as_str().unwrap_or("?"),
                    runner["version"]
                ),
            }
        }
    }
    Ok(Exit::Succeeded)
}

/// One line about a runner: name, version, model, title.
fn line(runner: &Value) -> String {
    format!(
        "{:<24} v{:<4} {:<24} {}",
        runner["name"].as_str().unwrap_or("?"),
        runner["version"],
        runner["model"].as_str().unwrap_or("?"),
        runner["title"].as_str().unwrap_or(""),
    )
}
