//! One page of a listing, for every resource: `CursorPage<T>` (the items and the cursor of
//! the next page) and `LogPage<T, A>` (a log's entries and where to continue). Each
//! resource's page keeps its own name and words in the OpenAPI document (`TaskPage`, …),
//! given by `named_page!`, so generated clients see the same types as before.

use serde::Serialize;
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{Ref, RefOr, Schema};

/// Items and the cursor of the next page (`null` on the last).
#[derive(Debug, Serialize)]
pub struct CursorPage<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A log's entries after the requested point, and where to continue (`A`: the log's
/// position type).
#[derive(Debug, Serialize)]
pub struct LogPage<T, A> {
    pub data: Vec<T>,
    pub next_after: A,
}

/// How `next_after` is continued from, in every log's page.
const NEXT_AFTER: &str =
    "Pass as `after` to continue; equals the request's `after` when nothing is new.";

/// The schema of a cursor page of `item`s.
pub fn cursor_schema(item: &str, about: Option<&str>, cursor: Option<&str>) -> RefOr<Schema> {
    let next = ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::String,
            Type::Null,
        ]))
        .description(cursor);
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(about)
        .property(
            "data",
            ArrayBuilder::new().items(Ref::from_schema_name(item)),
        )
        .required("data")
        .property("next_cursor", next)
        .into()
}

/// The schema of a log page of `item`s whose position is an `int32` or `int64`.
pub fn log_schema(item: &str, about: &str, position: KnownFormat) -> RefOr<Schema> {
    let next = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(position)))
        .description(Some(NEXT_AFTER));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(about))
        .property(
            "data",
            ArrayBuilder::new().items(Ref::from_schema_name(item)),
        )
        .required("data")
        .property("next_after", next)
        .required("next_after")
        .into()
}

/// `pub type $name = $page;` with the OpenAPI schema of that page under `$name`:
/// `named_page!(TaskPage = CursorPage<Task>, about: "…", cursor: "…")` or
/// `named_page!(EventPage = LogPage<TaskEvent, i64>, about: "…", position: Int64)`.
macro_rules! named_page {
    ($name:ident = CursorPage<$item:ty>, about: $about:expr, cursor: $cursor:expr) => {
        pub type $name = $crate::page::CursorPage<$item>;
        $crate::page::named_page!(@schema $name, $crate::page::CursorPage<$item>, $item,
            $crate::page::cursor_schema(
                &<$item as utoipa::ToSchema>::name(), $about, $cursor));
    };
    ($name:ident = LogPage<$item:ty, $at:ty>, about: $about:expr, position: $format:ident) => {
        pub type $name = $crate::page::LogPage<$item, $at>;
        $crate::page::named_page!(@schema $name, $crate::page::LogPage<$item, $at>, $item,
            $crate::page::log_schema(
                &<$item as utoipa::ToSchema>::name(), $about,
                utoipa::openapi::schema::KnownFormat::$format));
    };
    (@schema $name:ident, $page:ty, $item:ty, $schema:expr) => {
        impl utoipa::PartialSchema for $page {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                $schema
            }
        }
        impl utoipa::ToSchema for $page {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn schemas(
                schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::Schema>,
                )>,
            ) {
                schemas.push((
                    <$item as utoipa::ToSchema>::name().into_owned(),
                    <$item as utoipa::PartialSchema>::schema(),
                ));
                <$item as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}
pub(crate) use named_page;
