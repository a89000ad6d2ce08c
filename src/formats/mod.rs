//! Import/export codecs (no I/O, no state) and the streamed export.

pub mod artists;
pub mod csv_format;
pub mod export;
pub mod import;
pub mod import_routes;
pub mod import_runs;
pub mod importer;
pub mod jspf;
pub mod m3u;
pub mod routes;
pub mod xspf;
