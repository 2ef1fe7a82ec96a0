//! Keeping the secrets an HTTP tool sends out of whatever it answers: the answer's strings,
//! its error, and the excerpt of an error body (scrubbed whole, then cut).

use serde_json::Value;

/// Characters of an error answer's body kept in the error.
pub const ERROR_EXCERPT_CHARS: usize = 500;

/// The secrets, longest first: one that contains another is blanked whole, not around it.
pub fn longest_first(secrets: &[String]) -> Vec<&str> {
    let mut sorted: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    sorted
}

/// `text` with every secret replaced by `***`.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .fold(text.to_owned(), |t, secret| t.replace(secret, "***"))
}

/// `value` with every secret blanked out of its strings and keys. It works on the parsed
/// value, not its JSON text, where a secret holding `"` or `\` would be escaped.
pub fn scrub_value(value: Value, secrets: &[&str]) -> Value {
    if secrets.is_empty() {
        return value;
    }
    match value {
        Value::String(s) => Value::String(scrub(&s, secrets)),
        Value::Array(items) => items.into_iter().map(|v| scrub_value(v, secrets)).collect(),
        Value::Object(fields) => fields
            .into_iter()
            .map(|(k, v)| (scrub(&k, secrets), scrub_value(v, secrets)))
            .collect(),
        other => other,
    }
}

/// The start of an error answer's body, scrubbed whole before it is cut: cut first, a
/// secret straddling the cut would leave its head behind, no longer whole to be found.
pub fn error_excerpt(body: &str, secrets: &[&str]) -> String {
    scrub(body, secrets)
        .chars()
        .take(ERROR_EXCERPT_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// 44 characters, none of them `x`, `é` or `*`.
    const SECRET: &str = "sk-live-0123456789ABCDEFGHIJKLMNOPQRSTUVWabc";

    #[test]
    fn a_secret_at_any_offset_around_the_cut_never_shows() {
        assert_eq!(SECRET.chars().count(), 44);
        // One-byte and two-byte padding: the cut must fall on a character boundary too.
        for pad in ['x', 'é'] {
            for offset in ERROR_EXCERPT_CHARS - 50..=ERROR_EXCERPT_CHARS + 5 {
                let mut body: String = std::iter::repeat_n(pad, offset).collect();
                body.push_str(SECRET);
                body.extend(std::iter::repeat_n(pad, 60));
                let excerpt = error_excerpt(&body, &[SECRET]);
                assert!(
                    excerpt.chars().all(|c| c == pad || c == '*'),
                    "{pad:?} at {offset}: {excerpt}"
                );
                assert!(excerpt.chars().count() <= ERROR_EXCERPT_CHARS);
                // The whole body fits once scrubbed: a secret cut off is still marked.
                if offset + 3 <= ERROR_EXCERPT_CHARS {
                    assert!(excerpt.contains("***"), "{pad:?} at {offset}");
                }
            }
        }
    }

    #[test]
    fn a_short_body_is_kept_whole() {
        let excerpt = error_excerpt(&format!("denied for {SECRET}."), &[SECRET]);
        assert_eq!(excerpt, "denied for ***.");
        let long: String = "é".repeat(ERROR_EXCERPT_CHARS + 10);
        assert_eq!(error_excerpt(&long, &[]), "é".repeat(ERROR_EXCERPT_CHARS));
    }

    #[test]
    fn a_secret_holding_another_is_blanked_whole() {
        let secrets = ["abc".to_owned(), "abcdef-long".to_owned(), String::new()];
        let sorted = longest_first(&secrets);
        assert_eq!(sorted, ["abcdef-long", "abc"], "the empty one is dropped");
        assert_eq!(scrub("x abcdef-long y abc", &sorted), "x *** y ***");
    }

    #[test]
    fn secrets_leave_every_string_and_key_of_an_answer() {
        let quoted = r#"tok"en\x"#;
        let answer = json!({
            "echo": format!("Bearer {SECRET}"),
            SECRET: [1, {"deep": quoted}],
            "n": 3,
        });
        let scrubbed = scrub_value(answer, &[SECRET, quoted]);
        assert_eq!(
            scrubbed,
            json!({"echo": "Bearer ***", "***": [1, {"deep": "***"}], "n": 3})
        );
    }
}
