//! Reading an uploaded playlist file from a multipart form.

use axum::extract::Multipart;

use crate::{
    error::ApiError,
    formats::{
        export::ExportFormat,
        import::{self, CsvHeader, ParsedFile},
    },
};

/// What the import form sent.
#[derive(Default)]
pub struct ImportForm {
    /// The session's form token.
    pub csrf: String,
    /// The file's name and bytes.
    pub file: Option<(String, Vec<u8>)>,
    /// A platform link, instead of a file.
    pub link: String,
}

/// Reads the form, refusing a file over `max_bytes`.
pub async fn read_form(mut multipart: Multipart, max_bytes: usize) -> Result<ImportForm, ApiError> {
    let mut form = ImportForm::default();
    let bad = |e: axum::extract::multipart::MultipartError| ApiError::bad_request("invalid_form", e.body_text());
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "csrf" => form.csrf = field.text().await.map_err(bad)?,
            "link" => form.link = field.text().await.map_err(bad)?.trim().to_owned(),
            "file" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if bytes.len() + chunk.len() > max_bytes {
                        return Err(ApiError::new(
                            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                            "file_too_large",
                            format!("the file is larger than the import limit of {max_bytes} bytes"),
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if !name.is_empty() || !bytes.is_empty() {
                    form.file = Some((name, bytes));
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// The format a file's name says (browsers' media types for playlists vary too much to trust).
fn format_of_name(name: &str) -> Option<ExportFormat> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" => Some(ExportFormat::Csv),
        "m3u" | "m3u8" => Some(ExportFormat::M3u8),
        "xspf" => Some(ExportFormat::Xspf),
        "jspf" | "json" => Some(ExportFormat::Jspf),
        _ => None,
    }
}

/// Parses an uploaded file (off the async workers: it is CPU work); a file that does not name
/// its playlist gives it the file's name.
pub async fn parse_upload(name: String, bytes: Vec<u8>) -> Result<ParsedFile, ApiError> {
    let format = format_of_name(&name);
    let mut parsed = tokio::task::spawn_blocking(move || import::parse(&bytes, format, None, CsvHeader::default()))
        .await
        .map_err(ApiError::internal)??;
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem).trim();
    if parsed.name.as_deref().is_none_or(|n| n.trim().is_empty()) && !stem.is_empty() {
        parsed.name = Some(stem.to_owned());
    }
    Ok(parsed)
}
