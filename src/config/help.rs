//! `sharify --help`'s configuration section, from [`CONFIG_KEYS`].

use super::keys::CONFIG_KEYS;

/// Help text listing every configuration key, for `--help`.
pub fn config_help() -> String {
    let mut out = String::from(
        "CONFIGURATION\n  Built-in defaults, then the TOML file given by --config or SHARIFY_CONFIG\n  \
         (sections [http] [store] [mongo] [auth] [lastfm] [ratelimit] [sharing] [history] [matching] [import] [spotify] [deezer] [youtube] [applemusic] [connections] [jobs] [seatgeek] [webhooks] [admin] [shutdown] [secrets] [log]), then these environment variables:\n\n",
    );
    for key in CONFIG_KEYS {
        out.push_str(&format!("  {:<38} default {:<14} {}\n", key.env, key.default, key.help));
    }
    out
}
