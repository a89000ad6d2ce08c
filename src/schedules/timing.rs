//! Cron expressions (croner) in a time zone (chrono-tz), and intervals: when is a schedule due.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use croner::Cron;

use super::model::Timing;
use crate::error::ApiError;

/// The shortest interval accepted.
pub const MIN_INTERVAL_SECS: u64 = 60;
/// The longest interval accepted (a year).
pub const MAX_INTERVAL_SECS: u64 = 366 * 24 * 3600;

/// Checks a timing; the error names what is wrong.
pub fn check(timing: &Timing, min_interval_secs: u64) -> Result<(), ApiError> {
    match timing {
        Timing::Cron { cron, timezone } => {
            parse_zone(timezone)?;
            let parsed = parse_cron(cron)?;
            // An expression with no future time (31 February) would never run.
            parsed.find_next_occurrence(&Utc::now(), false).map_err(|_| {
                ApiError::invalid("invalid_cron", format!("cron expression {cron:?} never matches a time"))
            })?;
            Ok(())
        }
        Timing::Interval { interval_secs } if (min_interval_secs..=MAX_INTERVAL_SECS).contains(interval_secs) => Ok(()),
        Timing::Interval { .. } => Err(ApiError::invalid(
            "invalid_interval",
            format!("interval_secs must be {min_interval_secs}-{MAX_INTERVAL_SECS}"),
        )),
    }
}

fn parse_zone(name: &str) -> Result<chrono_tz::Tz, ApiError> {
    name.parse::<chrono_tz::Tz>().map_err(|_| {
        ApiError::invalid("invalid_timezone", format!("{name:?} is not an IANA time zone name such as Europe/Paris"))
    })
}

fn parse_cron(expression: &str) -> Result<Cron, ApiError> {
    if expression.len() > 100 || expression.split_whitespace().count() != 5 && !expression.starts_with('@') {
        return Err(ApiError::invalid(
            "invalid_cron",
            "cron must have five fields (minute hour day-of-month month day-of-week), e.g. \"0 6 * * 1\", or an alias such as @daily",
        ));
    }
    Cron::from_str(expression)
        .map_err(|e| ApiError::invalid("invalid_cron", format!("cron expression {expression:?}: {e}")))
}

/// The first time after `after` the timing is due; `None` when it never is again.
pub fn next_after(timing: &Timing, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match timing {
        Timing::Cron { cron, timezone } => {
            let zone = parse_zone(timezone).ok()?;
            let cron = parse_cron(cron).ok()?;
            let local = after.with_timezone(&zone);
            cron.find_next_occurrence(&local, false).ok().map(|t| t.with_timezone(&Utc))
        }
        Timing::Interval { interval_secs } => {
            Some(after + Duration::seconds(i64::try_from(*interval_secs).unwrap_or(i64::MAX / 2)))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn cron_is_read_in_the_schedules_time_zone() {
        let timing = Timing::Cron { cron: "0 6 * * 1".into(), timezone: "Europe/Paris".into() };
        // Sunday 29 November 2026, noon UTC: next is Monday 30 November 06:00 Paris = 05:00 UTC.
        let after = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        assert_eq!(next_after(&timing, after), Some(Utc.with_ymd_and_hms(2026, 11, 30, 5, 0, 0).unwrap()));
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(next_after(&timing, summer), Some(Utc.with_ymd_and_hms(2026, 7, 6, 4, 0, 0).unwrap()));
    }

    #[test]
    fn bad_timings_are_refused_with_their_reason() {
        let cron = |c: &str, tz: &str| Timing::Cron { cron: c.into(), timezone: tz.into() };
        assert_eq!(check(&cron("0 6 * *", "UTC"), 60).unwrap_err().code, "invalid_cron");
        assert_eq!(check(&cron("0 25 * * *", "UTC"), 60).unwrap_err().code, "invalid_cron");
        assert_eq!(check(&cron("0 6 * * 1", "Mars/Olympus"), 60).unwrap_err().code, "invalid_timezone");
        assert_eq!(check(&Timing::Interval { interval_secs: 5 }, 60).unwrap_err().code, "invalid_interval");
        assert!(check(&cron("@daily", "UTC"), 60).is_ok());
        assert!(check(&Timing::Interval { interval_secs: 3600 }, 60).is_ok());
    }
}
