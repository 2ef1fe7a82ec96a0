//! Cursor pagination: a cursor is an opaque token for the last item of a page.

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

pub fn encode(key: &str) -> String {
    hex::encode(key)
}

/// The key a cursor stands for; a cursor this server did not make is a 400.
pub fn decode(cursor: &str) -> Result<String, ApiError> {
    hex::decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|key| !key.contains('\u{0}'))
        .ok_or_else(invalid_cursor)
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
        items.last().map(|last| encode(&key(last)))
    } else {
        None
    }
}
