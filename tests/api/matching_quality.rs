//! The matcher against the labelled set (tests/data/matching/labelled.csv): precision and recall
//! at the default thresholds. The tune part is what tuning looked at; the frozen test part is
//! measured end to end (import through HTTP, answers from the Last.fm fake) in `review.rs`.

use sharify::matching::score::{confidence, TrackFacts};

/// One labelled pair.
pub struct Pair {
    pub id: usize,
    pub part: String,
    pub category: String,
    pub line: (String, String, Option<u64>),
    pub candidate: (String, String, Option<u64>),
    pub same: bool,
}

/// The labelled pairs of `part` (`tune` or `test`).
pub fn pairs(part: &str) -> Vec<Pair> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/matching/labelled.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let ms = |i: usize| r[i].parse::<u64>().ok();
            Pair {
                id: r[0].parse().unwrap(),
                part: r[1].to_owned(),
                category: r[2].to_owned(),
                line: (r[3].to_owned(), r[4].to_owned(), ms(5)),
                candidate: (r[6].to_owned(), r[7].to_owned(), ms(8)),
                same: &r[9] == "1",
            }
        })
        .filter(|p| p.part == part)
        .collect()
}

/// Precision and recall of "matched" (confidence at or above `accept`) over `(predicted, same)`.
pub fn precision_recall(results: &[(bool, bool)]) -> (f64, f64) {
    let tp = results.iter().filter(|(p, s)| *p && *s).count() as f64;
    let fp = results.iter().filter(|(p, s)| *p && !*s).count() as f64;
    let fneg = results.iter().filter(|(p, s)| !*p && *s).count() as f64;
    (tp / (tp + fp).max(1.0), tp / (tp + fneg).max(1.0))
}

#[test]
fn the_tune_part_scores_above_the_targets() {
    let accept = sharify::config::Config::default().matching.accept_threshold;
    let mut results = Vec::new();
    for p in pairs("tune") {
        let line = TrackFacts { artist: &p.line.0, title: &p.line.1, duration_ms: p.line.2, ..Default::default() };
        let candidate = TrackFacts {
            artist: &p.candidate.0,
            title: &p.candidate.1,
            duration_ms: p.candidate.2,
            ..Default::default()
        };
        let score = confidence(&line, &candidate);
        let predicted = score >= accept;
        if predicted != p.same {
            println!("miss {} [{}] {:?} vs {:?}: {score}", p.id, p.category, p.line, p.candidate);
        }
        results.push((predicted, p.same));
    }
    let (precision, recall) = precision_recall(&results);
    println!("tune part ({} pairs): precision {precision:.3}, recall {recall:.3}", results.len());
    assert!(precision >= 0.98 && recall >= 0.90, "precision {precision:.3}, recall {recall:.3}");
}
