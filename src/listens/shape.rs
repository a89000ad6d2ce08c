//! The shape of listening over a period, for pictures: the listening clock (plays by weekday and
//! hour in the user's time zone) and plays over time (by day, week or month, by the period).

use chrono::{Datelike, Duration, NaiveDate, Timelike, Utc};

use super::{model::Listen, stats::Period};

/// How plays over time are bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// One bucket per day.
    Day,
    /// One per week (starting Monday).
    Week,
    /// One per month.
    Month,
    /// One per year (everything, when it spans more than five years).
    Year,
}

/// Plays in one bucket of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Its first day.
    pub start: NaiveDate,
    /// Plays in it.
    pub listens: u64,
}

/// When a period's plays happened.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Plays by weekday (0 = Monday) and hour (0-23), in the user's time zone.
    pub clock: [[u64; 24]; 7],
    /// Plays over time, oldest first, every bucket of the period (empty ones too).
    pub over_time: Vec<Bucket>,
    /// The buckets' size.
    pub step: Step,
}

/// Most monthly bars for "all"; a longer history is drawn by year.
const MAX_MONTHS: i32 = 60;

fn bucket_start(day: NaiveDate, step: Step) -> NaiveDate {
    match step {
        Step::Day => day,
        Step::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        Step::Month => day.with_day(1).unwrap_or(day),
        Step::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
    }
}

fn next(start: NaiveDate, step: Step) -> NaiveDate {
    match step {
        Step::Day => start + Duration::days(1),
        Step::Week => start + Duration::days(7),
        Step::Month => start.checked_add_months(chrono::Months::new(1)).unwrap_or(start),
        Step::Year => start.checked_add_months(chrono::Months::new(12)).unwrap_or(start),
    }
}

/// The shape of `listens` (all in `period`, oldest first) in time zone `zone`.
pub fn of(listens: &[Listen], period: Period, zone: chrono_tz::Tz) -> Shape {
    let today = Utc::now().with_timezone(&zone).date_naive();
    let first_day = match period.days() {
        Some(days) => today - Duration::days(days - 1),
        None => listens.first().map_or(today, |l| l.at.with_timezone(&zone).date_naive()),
    };
    let months = (today.year() - first_day.year()) * 12 + today.month() as i32 - first_day.month() as i32 + 1;
    let step = match period {
        Period::Week | Period::Month => Step::Day,
        Period::Quarter | Period::Year => Step::Week,
        Period::All if months > MAX_MONTHS => Step::Year,
        Period::All => Step::Month,
    };
    let mut clock = [[0u64; 24]; 7];
    let start = bucket_start(first_day, step);
    let mut over_time = Vec::new();
    let mut at = start;
    while at <= today {
        over_time.push(Bucket { start: at, listens: 0 });
        at = next(at, step);
    }
    for l in listens {
        let local = l.at.with_timezone(&zone);
        clock[local.weekday().num_days_from_monday() as usize][local.hour() as usize] += 1;
        let bucket = bucket_start(local.date_naive(), step);
        if let Ok(i) = over_time.binary_search_by(|b| b.start.cmp(&bucket)) {
            over_time[i].listens += 1;
        }
    }
    Shape { clock, over_time, step }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn play(at: chrono::DateTime<Utc>) -> Listen {
        Listen {
            at,
            artist: "Muse".into(),
            title: "Resistance".into(),
            album: None,
            track_key: "muse\u{1f}resistance".into(),
            source: "lastfm".into(),
        }
    }

    #[test]
    fn plays_land_in_the_local_weekday_and_hour_and_in_their_day() {
        let now = Utc::now();
        // 23:30 UTC is 00:30 the next day in Paris (winter) or 01:30 (summer): the day moves.
        let late = Utc.with_ymd_and_hms(now.year(), now.month(), now.day(), 23, 30, 0).unwrap() - Duration::days(2);
        let shape = of(&[play(late), play(late)], Period::Week, chrono_tz::Europe::Paris);
        let local = late.with_timezone(&chrono_tz::Europe::Paris);
        assert_ne!(local.date_naive(), late.date_naive(), "the play is on another day in Paris");
        let day = local.weekday().num_days_from_monday() as usize;
        assert_eq!(shape.clock[day][local.hour() as usize], 2);
        assert_eq!(shape.clock.iter().flatten().sum::<u64>(), 2);
        assert_eq!(shape.over_time.len(), 7, "one bar per day of the week, empty days too");
        let bar = shape.over_time.iter().find(|b| b.start == local.date_naive()).unwrap();
        assert_eq!(bar.listens, 2);
    }

    #[test]
    fn everything_is_counted_by_month_or_by_year_when_it_spans_more_than_five() {
        let old = Utc::now() - Duration::days(365 * 8);
        let recent = Utc::now() - Duration::days(3);
        let shape = of(&[play(old), play(recent)], Period::All, chrono_tz::UTC);
        assert_eq!(shape.step, Step::Year);
        assert!(matches!(shape.over_time.len(), 9 | 10), "{}", shape.over_time.len());
        assert_eq!(shape.over_time.iter().map(|b| b.listens).sum::<u64>(), 2, "both plays are drawn");
        assert_eq!(shape.over_time[0].listens, 1);
        let months = of(&[play(Utc::now() - Duration::days(400)), play(recent)], Period::All, chrono_tz::UTC);
        assert_eq!(months.step, Step::Month);
        assert!(matches!(months.over_time.len(), 14 | 15), "{}", months.over_time.len());
        let year = of(&[play(recent)], Period::Year, chrono_tz::UTC);
        assert!(matches!(year.over_time.len(), 53 | 54), "{}", year.over_time.len());
        assert!(year.over_time.iter().all(|b| b.start.weekday() == chrono::Weekday::Mon));
    }
}
