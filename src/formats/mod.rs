//! Pure import/export codecs (no I/O, no state).

pub mod jspf;
