//! How the wire types describe free-form values in the OpenAPI document (`schema_with`
//! helpers for the domain's `ToSchema` types; the document itself is built in the HTTP layer).

/// Any JSON value (a task's arguments and output can be any, as its runner's schemas say).
pub fn any_value() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
        .build()
}

/// A JSON Schema as a request gives it: an object, or `true`/`false`.
pub fn json_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Boolean]))
        .description(Some("A JSON Schema (draft 4, 6, 7, 2019-09 or 2020-12)"))
        .build()
}

/// A JSON Schema, or `null` for none.
pub fn optional_json_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::Object,
            Type::Boolean,
            Type::Null,
        ]))
        .description(Some(
            "A JSON Schema (draft 4, 6, 7, 2019-09 or 2020-12), or null",
        ))
        .build()
}

/// `toolkits` in the OpenAPI document: an array of tool names.
pub fn toolkits() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(crate::ids::TOOL_NAME_PATTERN))
                .description(Some(
                    "A built-in tool (`ask_human`, `calculator`, `current_time`, `http_fetch`), \
                     the `storage` toolkit (or one of its `read_file`, `list_files`, \
                     `write_file`, `delete_file`), \
                     an HTTP tool of the project, or another runner as `run_<name>_task`",
                )),
        )
        .max_items(Some(64))
        .build()
}
