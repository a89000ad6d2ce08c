//! Comparing a playlist with its platform copy: what to add, what is already there, and what
//! changed, counting duplicates.

use std::collections::HashMap;

use super::Pushed;

/// Splits `wanted` into those `present` lacks and those already there (counting duplicates).
pub fn missing_from(wanted: &[Pushed], present: &[String]) -> (Vec<Pushed>, Vec<String>) {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for uri in present {
        *left.entry(uri.as_str()).or_default() += 1;
    }
    let (mut add, mut there) = (Vec::new(), Vec::new());
    for p in wanted {
        match left.get_mut(p.uri.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                there.push(p.item_id.clone());
            }
            _ => add.push(p.clone()),
        }
    }
    (add, there)
}

/// What is in `after` but not in `before` (as a multiset), in `after`'s order.
pub fn difference(after: &[String], before: &[String]) -> Vec<String> {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for uri in before {
        *left.entry(uri.as_str()).or_default() += 1;
    }
    after
        .iter()
        .filter(|u| match left.get_mut(u.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}
