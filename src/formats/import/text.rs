//! Bytes to text: UTF-8 (with or without a BOM) or UTF-16 (as Excel exports it); anything else
//! is refused as binary or an unknown encoding.

use crate::error::ApiError;

fn binary() -> ApiError {
    ApiError::invalid(
        "not_a_text_file",
        "the file is not text (binary, or an encoding other than UTF-8 or UTF-16): export it as CSV, \
         M3U8, XSPF or JSPF",
    )
}

/// Decodes a playlist file.
pub fn decode(body: &[u8]) -> Result<String, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid("empty_file", "the file is empty"));
    }
    let utf16 = match encoding_rs::Encoding::for_bom(body) {
        Some((enc, _)) if enc != encoding_rs::UTF_8 => Some(enc),
        _ => {
            // UTF-16 without a BOM: every other byte of ASCII text is zero.
            let sample = &body[..body.len().min(512)];
            let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
            let half = sample.len() / 2;
            if half >= 4 && zeros_at(1) * 10 >= half * 9 {
                Some(encoding_rs::UTF_16LE)
            } else if half >= 4 && zeros_at(0) * 10 >= half * 9 {
                Some(encoding_rs::UTF_16BE)
            } else {
                None
            }
        }
    };
    let text = match utf16 {
        Some(enc) => {
            let (text, _, had_errors) = enc.decode(body);
            if had_errors {
                return Err(binary());
            }
            text.into_owned()
        }
        None => {
            let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
            String::from_utf8(body.to_vec()).map_err(|_| binary())?
        }
    };
    // Text has no NULs and few control characters besides line breaks and tabs.
    let controls = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')).count();
    if text.contains('\0') || controls * 100 > text.chars().count().max(1) {
        return Err(binary());
    }
    Ok(text.trim_start_matches('\u{feff}').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_utf16_and_binary() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").unwrap(), "a,b");
        let utf16: Vec<u8> = "\u{feff}artist\ttitle\r\nA\tB".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&utf16).unwrap(), "artist\ttitle\r\nA\tB");
        let no_bom: Vec<u8> = "artist,title\nA,B".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&no_bom).unwrap(), "artist,title\nA,B");
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err().code, "not_a_text_file");
        assert_eq!(decode(b"  \n").unwrap_err().code, "empty_file");
    }
}
