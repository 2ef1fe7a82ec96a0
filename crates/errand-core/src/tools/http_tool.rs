//! HTTP tools a project registers: a call sends the arguments as JSON to the tool's URL
//! (through the outbound guard) and takes a JSON answer. Header values are given as text, or
//! as `{"secret": "name"}`: a secret from `tools.secrets`, read when the tool is called and
//! never stored or shown.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Tool;
use super::scrub::{error_excerpt, longest_first, scrub, scrub_value};
use crate::conversation::ToolSpec;
use crate::fetch::{Fetcher, Request};

pub const MAX_TIMEOUT_SECONDS: u32 = 300;
pub const MAX_HEADERS: usize = 32;
pub const MAX_URL_CHARS: usize = 2048;

/// The HTTP method a call uses: `GET` and `DELETE` send the arguments as query
/// parameters, the others as a JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    #[default]
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Get, Self::Post, Self::Put, Self::Patch, Self::Delete]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    fn sends_body(self) -> bool {
        !matches!(self, Self::Get | Self::Delete)
    }
}

/// A header's value: text sent as it is, or the name of a secret in `tools.secrets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum HeaderValue {
    Text(String),
    Secret(SecretRef),
}

/// A secret header value, named; its value stays in the server's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// A key of `tools.secrets`.
    #[schema(min_length = 1, max_length = 100)]
    pub secret: String,
}

/// A registered HTTP tool, as stored and shown (secrets by name only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HttpToolDef {
    #[serde(skip)]
    #[schema(ignore)]
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[schema(schema_with = crate::wire_schema::json_schema)]
    pub input_schema: Value,
    #[schema(schema_with = crate::wire_schema::optional_json_schema)]
    pub output_schema: Option<Value>,
    pub url: String,
    pub method: HttpMethod,
    pub headers: BTreeMap<String, HeaderValue>,
    pub timeout_seconds: i32,
    pub read_only: bool,
    /// Starts at 1; every `PUT` adds one.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An HTTP tool ready to call: its definition and its secrets' values.
pub struct HttpTool {
    pub def: HttpToolDef,
    pub fetcher: Arc<Fetcher>,
    /// Header name → value, secrets resolved.
    pub headers: Vec<(String, String)>,
    /// The secret values among them, blanked out of whatever the tool answers.
    pub secrets: Vec<String>,
}

impl HttpTool {
    fn request(&self, arguments: &Value) -> Result<Request, String> {
        let mut url = reqwest::Url::parse(&self.def.url).map_err(|e| e.to_string())?;
        let mut headers = self.headers.clone();
        headers.push(("accept".into(), "application/json".into()));
        let body = if self.def.method.sends_body() {
            headers.push(("content-type".into(), "application/json".into()));
            Some(arguments.to_string().into_bytes())
        } else {
            if let Value::Object(fields) = arguments {
                let mut query = url.query_pairs_mut();
                for (name, value) in fields {
                    match value {
                        Value::String(s) => query.append_pair(name, s),
                        other => query.append_pair(name, &other.to_string()),
                    };
                }
            }
            None
        };
        let method =
            Method::from_bytes(self.def.method.as_str().as_bytes()).map_err(|e| e.to_string())?;
        Ok(Request {
            method,
            url: url.to_string(),
            headers,
            body,
            timeout: Some(Duration::from_secs(
                u64::try_from(self.def.timeout_seconds).unwrap_or(30),
            )),
        })
    }
}

impl Tool for HttpTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: self.def.name.clone(),
            description: self.def.description.clone(),
            parameters: self.def.input_schema.clone(),
        }
    }

    fn read_only(&self) -> bool {
        self.def.read_only
    }

    fn call(&self, arguments: Value) -> BoxFuture<'_, Result<Value, String>> {
        async move {
            let secrets = longest_first(&self.secrets);
            // An answer comes back scrubbed; an error is scrubbed again whole, for the
            // secrets a failed request's own message might quote.
            self.send(&arguments, &secrets)
                .await
                .map_err(|e| scrub(&e, &secrets))
        }
        .boxed()
    }
}

impl HttpTool {
    async fn send(&self, arguments: &Value, secrets: &[&str]) -> Result<Value, String> {
        {
            let fetched = self.fetcher.fetch(self.request(arguments)?).await?;
            let text = String::from_utf8_lossy(&fetched.body);
            if !(200..300).contains(&fetched.status) {
                return Err(format!(
                    "the tool answered HTTP {}: {}",
                    fetched.status,
                    error_excerpt(&text, secrets)
                ));
            }
            if fetched.truncated {
                return Err("the tool's answer is larger than fetch.max_bytes".into());
            }
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            let output: Value = serde_json::from_str(&text)
                .map_err(|e| format!("the tool's answer is not JSON: {e}"))?;
            // Scrubbed before validation: a violation's message quotes the value, cut short.
            let output = scrub_value(output, secrets);
            self.check_output(&output)?;
            Ok(output)
        }
    }

    /// The answer must match the output schema, when the tool has one.
    fn check_output(&self, output: &Value) -> Result<(), String> {
        let Some(schema) = &self.def.output_schema else {
            return Ok(());
        };
        let Ok(validator) = jsonschema::validator_for(schema) else {
            return Ok(());
        };
        let problems = crate::runners::schema::violations_of(&validator, output, 5);
        if problems.is_empty() {
            return Ok(());
        }
        Err(format!(
            "the tool's answer breaks its output schema: {}",
            crate::error::Violation::describe(&problems)
        ))
    }
}

/// Body of `POST /v1/tools` and `PUT /v1/tools/{name}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HttpToolInput {
    /// Slug: lowercase letters, digits, `_` and `-`, at most 63 characters; not a built-in
    /// tool's name nor of the `run_<name>_task` shape. Required on `POST`; a `PUT` takes it
    /// from the path.
    #[schema(ignore)]
    pub name: Option<String>,
    /// What the tool does, for the model (and people).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: String,
    /// JSON Schema of the arguments, an object schema (`"type": "object"`). Defaults to any
    /// object.
    #[serde(default = "any_object")]
    #[schema(schema_with = object_schema)]
    pub input_schema: Value,
    /// JSON Schema the tool's answer must satisfy; an answer that does not is an error.
    #[schema(schema_with = crate::wire_schema::optional_json_schema)]
    pub output_schema: Option<Value>,
    /// The http(s) URL called; it passes the outbound guard on every call.
    #[schema(
        min_length = 1,
        max_length = 2048,
        example = "https://api.example.com/lookup"
    )]
    pub url: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// Sent with every call; a `{"secret": "name"}` value comes from the server's
    /// `tools.secrets`.
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderValue>,
    /// Limit of one call.
    #[serde(
        default = "default_timeout",
        deserialize_with = "crate::json::whole_u32"
    )]
    #[schema(minimum = 1, maximum = 300, example = 30)]
    pub timeout_seconds: u32,
    /// Calling it changes nothing: a `read_only` task may use it.
    #[serde(default)]
    pub read_only: bool,
}

/// An object JSON Schema: `{"type": "object", …}`.
fn object_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "type",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["object"])),
        )
        .required("type")
        .description(Some("A JSON Schema of an object (`\"type\": \"object\"`)"))
        .build()
}

fn any_object() -> Value {
    serde_json::json!({"type": "object"})
}
fn default_timeout() -> u32 {
    30
}

/// `HttpToolInput` with `name` required: the body of `POST /v1/tools`.
pub struct NewHttpTool;

impl utoipa::PartialSchema for NewHttpTool {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
        let mut schema = <HttpToolInput as utoipa::PartialSchema>::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            let name = ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(crate::ids::NAME_PATTERN))
                .description(Some(
                    "Slug: lowercase letters, digits, `_` and `-`, at most 63 characters; \
                     not a built-in tool's name nor of the `run_<name>_task` shape.",
                ))
                .examples(["lookup_customer"])
                .build();
            object.properties.insert("name".into(), name.into());
            object.required.push("name".into());
        }
        schema
    }
}

impl ToSchema for NewHttpTool {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push(("HttpToolInput".into(), HttpToolInput::schema()));
        <HttpToolInput as ToSchema>::schemas(schemas);
    }
}

impl HttpToolInput {
    /// The row to store, under `name` (checked by the HTTP layer first).
    pub fn as_new<'a>(&'a self, name: &'a str) -> super::store::NewTool<'a> {
        super::store::NewTool {
            name,
            description: &self.description,
            input_schema: &self.input_schema,
            output_schema: self.output_schema.as_ref(),
            url: &self.url,
            method: self.method,
            headers: &self.headers,
            // Range-checked by `check`.
            timeout_seconds: self.timeout_seconds as i32,
            read_only: self.read_only,
        }
    }
}
