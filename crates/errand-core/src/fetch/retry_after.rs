//! `Retry-After` as a server sends it, read defensively: providers' answers and webhook
//! receivers' alike are untrusted input.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest wait a provider's header can ask for; longer (or infinite) values are read
/// as this, which outlasts any task's deadline.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// `Retry-After` as seconds or an HTTP date, and the `retry-after-ms` some servers send.
/// Read defensively: a provider's header is untrusted input. Negative values and dates in
/// the past mean "now", infinite or huge values are capped at `MAX_RETRY_AFTER`, and
/// anything unreadable (NaN, garbage) is ignored.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && let Some(wait) = seconds(ms / 1000.0)
    {
        return Some(wait);
    }
    let value = text(RETRY_AFTER.as_str())?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO).min(MAX_RETRY_AFTER))
}

/// A number of seconds as a wait in `[0, MAX_RETRY_AFTER]`; `None` for NaN.
fn seconds(secs: f64) -> Option<Duration> {
    if secs.is_nan() {
        None
    } else if secs >= MAX_RETRY_AFTER.as_secs_f64() {
        Some(MAX_RETRY_AFTER)
    } else {
        Some(Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or(Duration::ZERO))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "2".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "250".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        let mut h = HeaderMap::new();
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("header"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[test]
    fn hostile_retry_after_values_are_clamped_or_ignored() {
        let read = |name: &str, value: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                value.parse().expect("header"),
            );
            retry_after(&h)
        };
        for huge in ["inf", "+Infinity", "1e309", "1e300", "99999999999999999999"] {
            assert_eq!(read("retry-after", huge), Some(MAX_RETRY_AFTER), "{huge}");
            assert_eq!(
                read("retry-after-ms", huge),
                Some(MAX_RETRY_AFTER),
                "{huge}"
            );
        }
        assert_eq!(read("retry-after", "-5"), Some(Duration::ZERO));
        assert_eq!(read("retry-after", "-inf"), Some(Duration::ZERO));
        assert_eq!(read("retry-after-ms", "-250"), Some(Duration::ZERO));
        assert_eq!(read("retry-after", "NaN"), None);
        assert_eq!(read("retry-after", "soon"), None);
        assert_eq!(read("retry-after-ms", "NaN"), None);
        let future = "Fri, 31 Dec 9999 23:59:59 GMT";
        assert_eq!(read("retry-after", future), Some(MAX_RETRY_AFTER));
    }
}
