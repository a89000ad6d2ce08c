//! Tag normalisation: what makes "#Road Trip " and "road  trip" the same tag.

use crate::{error::ApiError, playlists::normalize::normalize_field};

use super::model::{MAX_TAGS, MAX_TAG_CHARS};

/// One tag, normalised: leading `#` dropped, case folded (NFKC), whitespace collapsed.
pub fn normalize_tag(raw: &str) -> Result<String, ApiError> {
    let tag = normalize_field(raw.trim().trim_start_matches('#'));
    let chars = tag.chars().count();
    if chars == 0 || chars > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "invalid_tag",
            format!("a tag is 1-{MAX_TAG_CHARS} printable characters (a leading # is dropped); got {raw:?}"),
        ));
    }
    Ok(tag)
}

/// A playlist's tags, normalised, repeats dropped (first spelling kept), at most [`MAX_TAGS`].
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>, ApiError> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw {
        let tag = normalize_tag(tag)?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "too_many_tags",
            format!("a playlist takes at most {MAX_TAGS} tags of yours; {} given", tags.len()),
        ));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_a_tag_become_one() {
        let tags = normalize_tags(&["#Road Trip ".into(), "road  trip".into(), "ＲＯＡＤ trip".into(), "Chill".into()])
            .unwrap();
        assert_eq!(tags, ["road trip", "chill"]);
    }

    #[test]
    fn empty_long_and_too_many_tags_are_refused() {
        assert_eq!(normalize_tag("  # ").unwrap_err().code, "invalid_tag");
        assert_eq!(normalize_tag(&"x".repeat(51)).unwrap_err().code, "invalid_tag");
        let many: Vec<String> = (0..21).map(|n| format!("t{n}")).collect();
        assert_eq!(normalize_tags(&many).unwrap_err().code, "too_many_tags");
    }
}
