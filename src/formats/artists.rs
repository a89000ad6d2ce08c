//! A track's artists: the main artist and the featured ones, taken apart where a file joins them
//! and put back together where a format has one field for them.
//!
//! Taken apart only where it is unambiguous: Exportify's `;`, our own lists, a "feat." /
//! "ft." / "featuring" marker, and TuneMyMusic's `, ` (only in a file laid out as TuneMyMusic
//! writes it, and never inside the well-known names that hold a comma). A bare `&` or `,`
//! elsewhere stays part of the name ("Simon & Garfunkel", "Crosby, Stills, Nash & Young").

/// Markers that introduce featured artists in a credit, matched with spaces around them.
const FEATURING: &[&str] = &[" feat. ", " feat ", " ft. ", " ft ", " featuring "];

/// The artist credit of a main artist and featured ones: "Main feat. A, B" (what players and
/// ListenBrainz write), or just the main artist.
pub fn credit(main: &str, featured: &[String]) -> String {
    if featured.is_empty() {
        main.to_owned()
    } else {
        format!("{main} feat. {}", featured.join(", "))
    }
}

/// Splits "Main feat. A, B" into the main artist and the featured ones; a credit without a
/// featuring marker is one artist, whatever it holds.
pub fn split_featuring(credit: &str) -> (String, Vec<String>) {
    let lower = credit.to_lowercase();
    let found = FEATURING.iter().filter_map(|m| lower.find(m).map(|at| (at, m.len()))).min();
    match found {
        // The lower-cased text has the same byte offsets only when lower-casing kept every
        // length (true for the ASCII markers, checked for the rest).
        Some((at, len)) if lower.len() == credit.len() && at > 0 => {
            let main = credit[..at].trim();
            let rest = &credit[at + len..];
            // Featured artists are joined by commas; "&" and "and" may be part of a name.
            let featured = rest.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
            (main.to_owned(), featured)
        }
        _ => (credit.trim().to_owned(), Vec::new()),
    }
}

/// Splits a list of artists joined by `separator` (Exportify's `;`): the first is the main one.
pub fn split_list(list: &str, separator: char) -> (String, Vec<String>) {
    let mut names = list.split(separator).map(str::trim).filter(|a| !a.is_empty());
    let main = names.next().unwrap_or_default().to_owned();
    (main, names.map(str::to_owned).collect())
}

/// Artist names that hold ", " themselves: a comma-joined list never splits inside them.
const NAMES_WITH_COMMAS: &[&str] = &[
    "tyler, the creator",
    "earth, wind & fire",
    "crosby, stills, nash & young",
    "crosby, stills & nash",
    "emerson, lake & palmer",
    "blood, sweat & tears",
    "peter, paul and mary",
    "peter, bjorn and john",
    "black country, new road",
    "the good, the bad & the queen",
    "now, now",
    "me, myself and i",
];

/// Splits a list joined by ", " (TuneMyMusic's artist column) into the main artist and the rest,
/// keeping each of [`NAMES_WITH_COMMAS`] whole.
pub fn split_commas(list: &str) -> (String, Vec<String>) {
    let parts: Vec<&str> = list.split(", ").map(str::trim).collect();
    let mut names = Vec::new();
    let mut at = 0;
    while at < parts.len() {
        let longest = (at + 1..=parts.len())
            .rev()
            .find(|&end| {
                end == at + 1 || NAMES_WITH_COMMAS.contains(&parts[at..end].join(", ").to_lowercase().as_str())
            })
            .unwrap_or(at + 1);
        names.push(parts[at..longest].join(", "));
        at = longest;
    }
    let mut names = names.into_iter().filter(|n| !n.is_empty());
    let main = names.next().unwrap_or_default();
    (main, names.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_featuring_marker_splits_a_credit_and_nothing_else_does() {
        assert_eq!(
            split_featuring("Daft Punk feat. Pharrell Williams"),
            ("Daft Punk".into(), owned(&["Pharrell Williams"]))
        );
        assert_eq!(split_featuring("A Ft. B, Simon & Garfunkel"), ("A".into(), owned(&["B", "Simon & Garfunkel"])));
        assert_eq!(split_featuring("Simon & Garfunkel"), ("Simon & Garfunkel".into(), vec![]));
        assert_eq!(split_featuring("Crosby, Stills, Nash & Young"), ("Crosby, Stills, Nash & Young".into(), vec![]));
        assert_eq!(split_featuring("Featuring Nobody"), ("Featuring Nobody".into(), vec![]), "a name that starts so");
        assert_eq!(split_featuring("Ünloved feat. Ça"), ("Ünloved".into(), owned(&["Ça"])));
    }

    #[test]
    fn lists_and_credits_round_trip() {
        assert_eq!(split_list("Main Artist;Featured Artist", ';'), ("Main Artist".into(), owned(&["Featured Artist"])));
        assert_eq!(split_list("Solo", ';'), ("Solo".into(), vec![]));
        let featured = owned(&["B", "C"]);
        assert_eq!(split_featuring(&credit("A", &featured)), ("A".into(), featured));
        assert_eq!(credit("A", &[]), "A");
    }

    #[test]
    fn comma_lists_split_but_never_inside_a_name_that_holds_a_comma() {
        assert_eq!(split_commas("Daft Punk, Pharrell Williams"), ("Daft Punk".into(), owned(&["Pharrell Williams"])));
        assert_eq!(
            split_commas("Tyler, The Creator, Kali Uchis"),
            ("Tyler, The Creator".into(), owned(&["Kali Uchis"]))
        );
        assert_eq!(
            split_commas("Kali Uchis, Tyler, The Creator"),
            ("Kali Uchis".into(), owned(&["Tyler, The Creator"]))
        );
        assert_eq!(split_commas("Crosby, Stills, Nash & Young"), ("Crosby, Stills, Nash & Young".into(), vec![]));
        assert_eq!(split_commas("Solo"), ("Solo".into(), vec![]));
        assert_eq!(split_commas("A,B"), ("A,B".into(), vec![]), "only a comma and a space separate");
    }
}
