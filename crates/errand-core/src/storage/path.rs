//! File paths: `/`-separated names of letters, digits, `.`, `_` and `-` (no empty, `.` or
//! `..` segment, no leading or trailing `/`), at most `MAX_PATH` bytes. What a path says is
//! what it names: no normalising, so two spellings never reach one file.

/// The longest path, in bytes.
pub const MAX_PATH: usize = 512;

/// The pattern a path matches (the OpenAPI document states it).
pub const PATH_PATTERN: &str = r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$";

/// Why `path` is not a file path, or `None` when it is one.
pub fn problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("a file path must not be empty".into());
    }
    if path.len() > MAX_PATH {
        return Some(format!("a file path is at most {MAX_PATH} bytes"));
    }
    for segment in path.split('/') {
        if segment.is_empty() {
            return Some(format!(
                "{path:?} has an empty segment (a leading, trailing or doubled '/')"
            ));
        }
        if segment.starts_with('.') {
            return Some(format!(
                "{path:?}: a segment may not start with '.' ({segment:?})"
            ));
        }
        if let Some(c) = segment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Some(format!(
                "{path:?} has {c:?}: use letters, digits, '.', '_', '-' and '/' between names"
            ));
        }
    }
    None
}

/// The media type a file is given by its extension: JSON files must hold JSON.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
    {
        Some(ext) if ext == "json" => "application/json",
        Some(ext) if ext == "md" || ext == "markdown" => "text/markdown",
        Some(ext) if ext == "csv" => "text/csv",
        Some(ext) if ext == "html" || ext == "htm" => "text/html",
        _ => "text/plain",
    }
}

/// Whether `prefix` may start paths: a path, or a path ending in `/`, or nothing.
pub fn prefix_problem(prefix: &str) -> Option<String> {
    match prefix.strip_suffix('/') {
        Some("") => Some("a prefix does not start with '/'".into()),
        Some(dir) => problem(dir),
        None if prefix.is_empty() => None,
        None => problem(prefix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_plain_names() {
        for good in ["a", "reports/2026-12-04.md", "x/y_z/data.json", "A-1"] {
            assert_eq!(problem(good), None, "{good}");
            assert!(pattern_takes(good), "{good} matches the pattern");
        }
        for bad in [
            "", "/a", "a/", "a//b", "../a", "a/../b", ".hidden", "a b", "a%2Fb", "é", "a\\b",
        ] {
            assert!(problem(bad).is_some(), "{bad:?} is refused");
            assert!(!pattern_takes(bad), "{bad:?} does not match the pattern");
        }
        assert!(problem(&"a".repeat(MAX_PATH + 1)).is_some());
    }

    /// Whether the documented pattern (as a JSON Schema validator reads it) takes `path`.
    fn pattern_takes(path: &str) -> bool {
        let schema = serde_json::json!({"type": "string", "pattern": PATH_PATTERN});
        jsonschema::is_valid(&schema, &serde_json::json!(path))
    }

    #[test]
    fn types_follow_the_extension() {
        assert_eq!(content_type("a/b.JSON"), "application/json");
        assert_eq!(content_type("notes.md"), "text/markdown");
        assert_eq!(content_type("x.json.txt"), "text/plain");
        assert_eq!(content_type("README"), "text/plain");
    }

    #[test]
    fn prefixes() {
        assert_eq!(prefix_problem(""), None);
        assert_eq!(prefix_problem("reports/"), None);
        assert_eq!(prefix_problem("reports/2026"), None);
        assert!(prefix_problem("/").is_some());
        assert!(prefix_problem("a//").is_some());
    }
}
