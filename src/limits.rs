//! Every input limit in one place.

/// Username length bounds.
pub const USERNAME_LEN: std::ops::RangeInclusive<usize> = 3..=32;
/// Minimum password length, in characters.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest accepted password, in bytes (bounds hashing work).
pub const PASSWORD_MAX_BYTES: usize = 1024;
/// Display name length bounds, in characters.
pub const DISPLAY_NAME_CHARS: std::ops::RangeInclusive<usize> = 1..=100;
/// Playlist name length bounds, in characters.
pub const PLAYLIST_NAME_CHARS: std::ops::RangeInclusive<usize> = 1..=200;
/// Longest playlist description, in characters.
pub const PLAYLIST_DESCRIPTION_MAX_CHARS: usize = 2000;
/// Most tracks accepted in one add request.
pub const ITEMS_BATCH_MAX: usize = 500;
/// Most items one playlist may hold.
pub const ITEMS_PER_PLAYLIST_MAX: usize = 10_000;
/// Largest estimated stored size of one playlist, on every store: MongoDB refuses documents over
/// 16 MiB, and this leaves room for the recent history the document carries and for estimation
/// error, so whatever one store accepts the other does too.
pub const PLAYLIST_MAX_BYTES: usize = 12 * 1024 * 1024;
/// Longest artist, title or album, in characters.
pub const TRACK_FIELD_MAX_CHARS: usize = 500;
/// Largest page size for any listing.
pub const PAGE_LIMIT_MAX: u32 = 100;
/// Page size when none is given.
pub const PAGE_LIMIT_DEFAULT: u32 = 50;
/// Items embedded in a playlist read when `items_limit` is not given.
pub const EMBEDDED_ITEMS_DEFAULT: u32 = 100;
/// Most items embedded in one playlist read (`items_limit`).
pub const EMBEDDED_ITEMS_MAX: u32 = 1000;
