//! Checking an HTTP tool definition: every problem reported at once, with its pointer.

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode, Violation};
use errand_core::runners::model::valid_name;
use errand_core::runners::schema::schema_violations;
use errand_core::tools::http_tool::{
    HeaderValue, HttpToolInput, MAX_HEADERS, MAX_TIMEOUT_SECONDS, MAX_URL_CHARS,
};
use errand_core::tools::runner_tool;

/// Headers Errand sets itself, or that would change how the request travels.
const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "proxy-authorization",
    "proxy-connection",
];

const MAX_DESCRIPTION_CHARS: usize = 4000;
const MAX_HEADER_VALUE_CHARS: usize = 4096;

pub fn tool_not_found(name: &str) -> ApiError {
    ApiError::new(ErrorCode::ToolNotFound, format!("no tool named {name:?}"))
}

pub fn invalid_tool(errors: Vec<Violation>) -> ApiError {
    ApiError::invalid(
        ErrorCode::InvalidTool,
        format!("the tool definition has {} problem(s)", errors.len()),
        errors,
    )
}

/// Checks a definition of tool `name` completely.
pub fn check(
    state: &AppState,
    caller: &Caller,
    input: &HttpToolInput,
    name: &str,
) -> Result<(), ApiError> {
    let mut v = name_violations(name);
    if input.description.chars().count() > MAX_DESCRIPTION_CHARS {
        v.push(Violation::new(
            "/description",
            format!("at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    let max = state.core.schemas.max_violations();
    v.extend(schema_violations(&input.input_schema, "/input_schema", max));
    if input.input_schema.get("type") != Some(&serde_json::json!("object")) {
        v.push(Violation::new(
            "/input_schema/type",
            "must be \"object\": a tool's arguments are a JSON object",
        ));
    }
    if let Some(output) = &input.output_schema {
        v.extend(schema_violations(output, "/output_schema", max));
    }
    v.extend(url_violations(&input.url));
    if !(1..=MAX_TIMEOUT_SECONDS).contains(&input.timeout_seconds) {
        v.push(Violation::new(
            "/timeout_seconds",
            format!("must be between 1 and {MAX_TIMEOUT_SECONDS}"),
        ));
    }
    if input.headers.len() > MAX_HEADERS {
        v.push(Violation::new(
            "/headers",
            format!("at most {MAX_HEADERS} headers"),
        ));
    }
    v.extend(header_violations(state, caller, input));
    if v.is_empty() {
        Ok(())
    } else {
        Err(invalid_tool(v))
    }
}

/// What is wrong with a new tool's name: not a slug, or taken by a built-in or by the
/// runner tools' names.
fn name_violations(name: &str) -> Vec<Violation> {
    let mut v = Vec::new();
    if !valid_name(name) {
        v.push(Violation::new(
            "/name",
            format!("{name:?} is not a slug: use a-z, 0-9, '_' and '-', at most 63 characters"),
        ));
    } else if errand_core::tools::reserved_names().any(|n| n == name) {
        v.push(Violation::new(
            "/name",
            format!("{name} is a built-in tool"),
        ));
    } else if runner_tool::runner_name(name).is_some() {
        v.push(Violation::new(
            "/name",
            "run_<name>_task names a runner's tool: choose another name",
        ));
    }
    v
}

/// What is wrong with the headers: names, reserved ones, values, and secrets this project
/// may not use for this URL.
fn header_violations(state: &AppState, caller: &Caller, input: &HttpToolInput) -> Vec<Violation> {
    let mut v = Vec::new();
    for (header, value) in &input.headers {
        let at = format!("/headers/{}", header.replace('~', "~0").replace('/', "~1"));
        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
            v.push(Violation::new(&at, "not a valid header name"));
        } else if RESERVED_HEADERS.contains(&header.to_ascii_lowercase().as_str()) {
            v.push(Violation::new(&at, "Errand sets this header itself"));
        }
        match value {
            HeaderValue::Text(text) => {
                if text.chars().count() > MAX_HEADER_VALUE_CHARS
                    || reqwest::header::HeaderValue::from_str(text).is_err()
                {
                    v.push(Violation::new(
                        &at,
                        format!("not a valid header value (visible ASCII, at most {MAX_HEADER_VALUE_CHARS} characters)"),
                    ));
                }
            }
            HeaderValue::Secret(r) => {
                if !state
                    .core
                    .tools
                    .secret_usable(&r.secret, &caller.project_name, &input.url)
                {
                    v.push(Violation::new(
                        format!("{at}/secret"),
                        format!(
                            "the server has no secret {:?} for this project and this URL's \
                             origin: scheme, host and port (tools.secrets)",
                            r.secret
                        ),
                    ));
                }
            }
        }
    }
    v
}

fn url_violations(url: &str) -> Vec<Violation> {
    let bad = |m: &str| vec![Violation::new("/url", m)];
    if url.chars().count() > MAX_URL_CHARS {
        return bad("at most 2048 characters");
    }
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return bad("not a URL");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return bad("must be an http or https URL");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return bad("must not hold credentials: send them in a header with a secret");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return bad("must name a host");
    }
    Vec::new()
}

/// Refuses to delete a tool that live runners list: their next task would fail
/// `tool_unavailable`. The answer names up to ten of them.
pub async fn refuse_if_listed(
    pool: &sqlx::PgPool,
    project: errand_core::projects::ProjectId,
    tool: &str,
) -> Result<(), ApiError> {
    let runners = errand_core::runners::store::listing_tool(pool, project, tool, 11).await?;
    if runners.is_empty() {
        return Ok(());
    }
    let more = if runners.len() > 10 { " and more" } else { "" };
    let names = runners[..runners.len().min(10)].join(", ");
    Err(ApiError::new(
        ErrorCode::ToolInUse,
        format!("{tool} is in the toolkits of runner(s) {names}{more}: remove it there first"),
    ))
}
