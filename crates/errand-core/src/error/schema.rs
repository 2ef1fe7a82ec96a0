//! The error codes as OpenAPI enums, generated from `ErrorCode::ALL`, so the document
//! lists exactly the codes the server can answer with.

use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use super::codes::ErrorCode;

fn enum_of(codes: impl Iterator<Item = ErrorCode> + Clone, intro: &str) -> Object {
    let lines: Vec<String> = codes
        .clone()
        .map(|c| match c.status() {
            Some(status) if !c.is_task() => {
                format!("- `{c}` ({}): {}", status, c.description())
            }
            _ => format!("- `{c}`: {}", c.description()),
        })
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.map(ErrorCode::as_str)))
        .description(Some(format!("{intro}\n\n{}", lines.join("\n"))))
        .build()
}

/// `Problem.code`: every code an HTTP answer can carry.
pub fn problem_code() -> Object {
    enum_of(
        ErrorCode::ALL
            .iter()
            .copied()
            .filter(|c| c.status().is_some()),
        "Stable error code to branch on:",
    )
}

/// `TaskError.code`: every code a task's error can carry.
pub fn task_code() -> Object {
    enum_of(
        ErrorCode::ALL.iter().copied().filter(|c| c.is_task()),
        "Stable code of why the task did not succeed:",
    )
}
