//! Chart geometry: the numbers the stats page's SVG templates draw (bars, heat-map cells), and
//! the words that describe each picture for people who do not see it.

use chrono::NaiveDate;

use crate::listens::shape::{Bucket, Step};

/// Width of the bar charts' drawing (the SVG scales to its box).
pub const BARS_WIDTH: u32 = 320;
/// Room each horizontal bar takes (label line + bar).
const BAR_ROW: u32 = 34;
/// Room kept at the end of a bar for its number.
const NUMBER_ROOM: f64 = 44.0;

/// A horizontal bar with its label above.
pub struct HBar {
    /// What it counts (artist, "Artist – Title").
    pub label: String,
    /// Plays.
    pub value: u64,
    /// Its label's baseline.
    pub text_y: u32,
    /// The bar's top.
    pub y: u32,
    /// The bar's length.
    pub width: f64,
    /// Where its number starts.
    pub number_x: f64,
}

/// Horizontal bars for `rows` (label, plays), longest first as given; and the drawing's height.
pub fn hbars(rows: &[(String, u64)]) -> (Vec<HBar>, u32) {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let span = f64::from(BARS_WIDTH) - NUMBER_ROOM;
    let bars = rows
        .iter()
        .zip(0u32..)
        .map(|((label, value), i)| {
            let width = (*value as f64 / max * span).max(2.0);
            HBar {
                label: shorten(label, 48),
                value: *value,
                text_y: i * BAR_ROW + 12,
                y: i * BAR_ROW + 16,
                width,
                number_x: width + 6.0,
            }
        })
        .collect();
    (bars, (rows.len() as u32 * BAR_ROW).max(BAR_ROW))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}

/// One hour of one weekday on the listening clock.
pub struct Cell {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// 0 (none) to 4 (the busiest hours): the shade.
    pub level: u8,
    /// "Mon 09:00–10:00: 3 plays".
    pub title: String,
}

/// The weekday names, Monday first.
pub const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/// Side of a clock cell.
pub const CELL: u32 = 12;
/// Room for the weekday names.
pub const CLOCK_LEFT: u32 = 32;
/// Room for the hour numbers.
pub const CLOCK_TOP: u32 = 14;

/// The clock's cells: 7 rows (Monday first) of 24 hours.
pub fn clock_cells(clock: &[[u64; 24]; 7]) -> Vec<Cell> {
    let max = clock.iter().flatten().copied().max().unwrap_or(0);
    let mut cells = Vec::with_capacity(7 * 24);
    for (day, hours) in clock.iter().enumerate() {
        for (hour, plays) in hours.iter().enumerate() {
            let level = if *plays == 0 || max == 0 { 0 } else { (1 + (*plays * 3) / max).min(4) as u8 };
            let plural = if *plays == 1 { "play" } else { "plays" };
            cells.push(Cell {
                x: CLOCK_LEFT + hour as u32 * CELL,
                y: CLOCK_TOP + day as u32 * CELL,
                level,
                title: format!("{} {hour:02}:00–{:02}:00: {plays} {plural}", DAYS[day], (hour + 1) % 24),
            });
        }
    }
    cells
}

/// The busiest weekday and hour in words (for the picture's description).
pub fn busiest(clock: &[[u64; 24]; 7]) -> Option<String> {
    let (mut best, mut at) = (0, (0, 0));
    for (day, hours) in clock.iter().enumerate() {
        for (hour, plays) in hours.iter().enumerate() {
            if *plays > best {
                (best, at) = (*plays, (day, hour));
            }
        }
    }
    const NAMES: [&str; 7] = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];
    (best > 0).then(|| format!("{} at {:02}:00 ({best} plays)", NAMES[at.0], at.1))
}

/// A vertical bar of plays over time.
pub struct VBar {
    /// Left edge.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// "Week of 2026-11-30: 12 plays".
    pub title: String,
}

/// Width and height of the plays-over-time drawing.
pub const TIME_WIDTH: f64 = 600.0;
/// Height of its bars' area.
pub const TIME_HEIGHT: f64 = 120.0;

fn bucket_name(start: NaiveDate, step: Step) -> String {
    match step {
        Step::Day => start.format("%a %-d %b %Y").to_string(),
        Step::Week => format!("week of {}", start.format("%-d %b %Y")),
        Step::Month => start.format("%B %Y").to_string(),
        Step::Year => start.format("%Y").to_string(),
    }
}

/// The bars of `buckets`, and the first and last buckets' names (for the axis).
pub fn time_bars(buckets: &[Bucket], step: Step) -> (Vec<VBar>, String, String) {
    let max = buckets.iter().map(|b| b.listens).max().unwrap_or(0).max(1) as f64;
    let slot = TIME_WIDTH / buckets.len().max(1) as f64;
    let bars = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let h = if b.listens == 0 { 0.0 } else { (b.listens as f64 / max * TIME_HEIGHT).max(1.5) };
            VBar {
                x: i as f64 * slot + slot * 0.1,
                y: TIME_HEIGHT - h,
                w: slot * 0.8,
                h,
                title: format!("{}: {} plays", bucket_name(b.start, step), b.listens),
            }
        })
        .collect();
    let name = |b: Option<&Bucket>| b.map(|b| bucket_name(b.start, step)).unwrap_or_default();
    (bars, name(buckets.first()), name(buckets.last()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_bar_fills_the_width_and_the_busiest_hour_is_darkest() {
        let (bars, height) = hbars(&[("Muse".into(), 10), ("Björk".into(), 5)]);
        assert_eq!(bars[0].width, f64::from(BARS_WIDTH) - NUMBER_ROOM);
        assert_eq!(bars[1].width, bars[0].width / 2.0);
        assert_eq!(height, 2 * BAR_ROW);
        let mut clock = [[0u64; 24]; 7];
        clock[4][21] = 9;
        clock[0][8] = 1;
        let cells = clock_cells(&clock);
        assert_eq!(cells.len(), 168);
        assert_eq!(cells[4 * 24 + 21].level, 4);
        assert_eq!(cells[8].level, 1);
        assert_eq!(cells[9].level, 0);
        assert_eq!(cells[4 * 24 + 21].title, "Fri 21:00–22:00: 9 plays");
        assert_eq!(busiest(&clock).unwrap(), "Fridays at 21:00 (9 plays)");
        assert_eq!(busiest(&[[0; 24]; 7]), None);
    }
}
