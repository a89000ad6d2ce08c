//! `http.trusted_proxies`: read as a TOML list or a comma-separated string, parsed as CIDRs.

use serde::Deserialize;

use super::HttpConfig;

/// Reads a list of strings, or one comma-separated string, as one comma-separated string.
pub(super) fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrString {
        List(Vec<String>),
        One(String),
    }
    Ok(match ListOrString::deserialize(d)? {
        ListOrString::List(items) => items.join(","),
        ListOrString::One(s) => s,
    })
}

impl HttpConfig {
    /// The trusted proxies, parsed (an error names the key and the bad entry).
    pub fn proxies(&self) -> Result<Vec<ipnet::IpNet>, String> {
        self.trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ipnet::IpNet>().or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)).map_err(
                    |_| format!("http.trusted_proxies (SHARIFY_HTTP__TRUSTED_PROXIES): `{s}` is not a CIDR or address"),
                )
            })
            .collect()
    }
}
