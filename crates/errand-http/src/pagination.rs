//! Cursor pagination: a page's `next_cursor` is the key of its last item (a runner's name,
//! a task's id), so any well-formed key is a valid cursor.

use crate::error::ApiError;

/// The page size from the query, checked against `max`.
pub fn limit(requested: Option<u32>, default: u32, max: u32) -> Result<i64, ApiError> {
    match requested.unwrap_or(default) {
        n if (1..=max).contains(&n) => Ok(i64::from(n)),
        n => Err(ApiError::bad_request(format!(
            "limit must be between 1 and {max}, not {n}"
        ))),
    }
}

/// A cursor that is a name or a path: 1 to `max` characters, as the document states.
pub fn text_cursor(cursor: Option<&str>, max: usize) -> Result<Option<&str>, ApiError> {
    match cursor {
        Some(c) if c.is_empty() || c.chars().count() > max => Err(invalid_cursor()),
        other => Ok(other),
    }
}

pub fn invalid_cursor() -> ApiError {
    ApiError::bad_request("invalid cursor: pass a `next_cursor` from an earlier page")
}

/// Trims the extra item fetched to learn whether there is a next page and returns the
/// cursor for it.
pub fn next<T>(items: &mut Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if items.len() > limit {
        items.truncate(limit);
        items.last().map(key)
    } else {
        None
    }
}
