//! When a schedule fires: a cron expression (croner, following Vixie cron) read in an IANA
//! time zone.
//!
//! - Five fields (minute hour day-of-month month day-of-week), or six with seconds first;
//!   `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly` too. No year field.
//! - Day of month and day of week combine as in Vixie cron: when both are restricted
//!   (neither is `*`), a day matching either fires (`0 9 1 * MON` is the 1st and every
//!   Monday).
//! - Daylight saving: in the hour a spring-forward skips, a fixed-time schedule
//!   (`30 2 * * *`) fires at the first moment after the gap, and an interval schedule
//!   (`*/30 * * * *`) skips the ticks that do not exist; in the hour a fall-back repeats, a
//!   schedule fires in its first pass only.

use std::str::FromStr;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

use crate::error::Violation;

/// A checked expression in its zone.
#[derive(Debug, Clone)]
pub struct Timing {
    cron: Cron,
    zone: Tz,
}

impl Timing {
    /// `cron` in `zone`, or what is wrong with them (pointers `/cron` and `/timezone`).
    pub fn parse(cron: &str, zone: &str) -> Result<Self, Vec<Violation>> {
        let mut errors = Vec::new();
        let fields = cron.split_whitespace().count();
        let parsed = if !cron.trim_start().starts_with('@') && !(5..=6).contains(&fields) {
            Err(
                "5 fields (minute hour day-of-month month day-of-week), or 6 with seconds \
                 first"
                    .to_owned(),
            )
        } else {
            CronParser::builder()
                .seconds(Seconds::Optional)
                .year(Year::Disallowed)
                .build()
                .parse(cron)
                .map_err(|e| e.to_string())
        };
        let parsed = parsed
            .map_err(|e| errors.push(Violation::new("/cron", e)))
            .ok();
        let zone = Tz::from_str(zone)
            .map_err(|_| {
                errors.push(Violation::new(
                    "/timezone",
                    format!("{zone:?} is not an IANA time zone (like Europe/Paris or UTC)"),
                ))
            })
            .ok();
        match (parsed, zone) {
            (Some(cron), Some(zone)) => {
                let timing = Self { cron, zone };
                if timing.next_after(Utc::now()).is_none() {
                    return Err(vec![Violation::new(
                        "/cron",
                        "never fires (no such date in the coming years)",
                    )]);
                }
                Ok(timing)
            }
            _ => Err(errors),
        }
    }

    /// The first tick strictly after `after`, on a whole second; `None` when it never fires
    /// again.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let whole = after.duration_trunc(TimeDelta::seconds(1)).unwrap_or(after);
        let local = whole.with_timezone(&self.zone);
        let next = self.cron.find_next_occurrence(&local, false).ok()?;
        Some(next.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("a time")
            .with_timezone(&Utc)
    }

    fn ticks(cron: &str, zone: &str, from: &str, n: usize) -> Vec<String> {
        let timing = Timing::parse(cron, zone).expect("valid");
        let mut t = at(from);
        (0..n)
            .map(|_| {
                t = timing.next_after(t).expect("a next tick");
                t.to_rfc3339()
            })
            .collect()
    }

    #[test]
    fn seconds_are_optional_and_fractions_are_dropped() {
        assert_eq!(
            ticks("*/2 * * * * *", "UTC", "2026-01-01T00:00:00.700Z", 2),
            ["2026-01-01T00:00:02+00:00", "2026-01-01T00:00:04+00:00"]
        );
        assert_eq!(
            ticks("0 9 * * 1-5", "UTC", "2026-01-02T10:00:00Z", 1),
            ["2026-01-05T09:00:00+00:00"]
        );
    }

    #[test]
    fn a_zone_sets_the_wall_clock() {
        // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
        assert_eq!(
            ticks("0 9 * * *", "Europe/Paris", "2026-01-10T12:00:00Z", 1),
            ["2026-01-11T08:00:00+00:00"]
        );
        assert_eq!(
            ticks("0 9 * * *", "Europe/Paris", "2026-07-10T12:00:00Z", 1),
            ["2026-07-11T07:00:00+00:00"]
        );
    }

    #[test]
    fn spring_forward_fires_fixed_times_after_the_gap_and_skips_missing_intervals() {
        // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC).
        assert_eq!(
            ticks("30 2 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", 2),
            ["2026-03-29T01:00:00+00:00", "2026-03-30T00:30:00+00:00"]
        );
        assert_eq!(
            ticks("*/30 * * * *", "Europe/Paris", "2026-03-29T00:15:00Z", 3),
            [
                "2026-03-29T00:30:00+00:00",
                "2026-03-29T01:00:00+00:00",
                "2026-03-29T01:30:00+00:00"
            ]
        );
    }

    #[test]
    fn fall_back_fires_in_the_first_pass_only() {
        // Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:xx happens twice.
        assert_eq!(
            ticks("30 2 * * *", "Europe/Paris", "2026-10-24T12:00:00Z", 2),
            ["2026-10-25T00:30:00+00:00", "2026-10-26T01:30:00+00:00"]
        );
        assert_eq!(
            ticks("*/30 * * * *", "Europe/Paris", "2026-10-24T23:45:00Z", 3),
            [
                "2026-10-25T00:00:00+00:00",
                "2026-10-25T00:30:00+00:00",
                "2026-10-25T02:00:00+00:00"
            ]
        );
    }

    #[test]
    fn day_of_month_or_day_of_week() {
        // The 1st of the month, or a Monday: 2026-06-01 is a Monday, then Monday the 8th.
        let after = Utc.with_ymd_and_hms(2026, 5, 31, 12, 0, 0).unwrap();
        let timing = Timing::parse("0 9 1 * MON", "UTC").expect("valid");
        let first = timing.next_after(after).unwrap();
        let second = timing.next_after(first).unwrap();
        let third = timing.next_after(second).unwrap();
        assert_eq!(first.to_rfc3339(), "2026-06-01T09:00:00+00:00");
        assert_eq!(second.to_rfc3339(), "2026-06-08T09:00:00+00:00");
        assert_eq!(third.to_rfc3339(), "2026-06-15T09:00:00+00:00");
        let timing = Timing::parse("0 9 3 * MON", "UTC").expect("valid");
        assert_eq!(
            timing.next_after(after).unwrap().to_rfc3339(),
            "2026-06-01T09:00:00+00:00",
            "a Monday that is not the 3rd"
        );
    }

    #[test]
    fn bad_expressions_and_zones_say_why() {
        for bad in ["* * * *", "61 * * * *", "0 0 1 1 * 2030", "", "0 0 30 2 *"] {
            let errors = Timing::parse(bad, "UTC").expect_err(bad);
            assert_eq!(errors[0].pointer, "/cron", "{bad}");
        }
        let errors = Timing::parse("* * * * *", "Mars/Olympus").expect_err("zone");
        assert_eq!(errors[0].pointer, "/timezone");
        assert!(Timing::parse("@daily", "America/New_York").is_ok());
    }
}
