//! Where a webhook may send: https only, and never to loopback, private, link-local (the cloud
//! metadata address among them), shared, multicast or unspecified addresses. Names are checked
//! when the hook is saved and again at every connection, by the HTTP client's own resolver,
//! so a name that later resolves elsewhere (DNS rebinding) is refused too. No redirects are
//! followed. `webhooks.allow_insecure_targets` (local development and tests) lifts all of it.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::error::ApiError;

/// Ranges never connected to.
const FORBIDDEN: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "64:ff9b:1::/48",
    "2001::/32",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// The IPv4 address an IPv6 one carries and reaches: IPv4-mapped `::ffff:a.b.c.d`, the
/// deprecated IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16`.
fn embedded_v4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let s = v6.segments();
    let low = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0, 0, 0, 0, 0, 0, hi, lo] => Some(low(hi, lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(low(hi, lo)),
        [0x2002, hi, lo, ..] => Some(low(hi, lo)),
        _ => None,
    }
}

/// True when `ip` may be connected to: neither it nor an IPv4 address it carries is internal.
pub fn is_public(ip: IpAddr) -> bool {
    let forbidden =
        |ip: IpAddr| FORBIDDEN.iter().filter_map(|r| r.parse::<ipnet::IpNet>().ok()).any(|net| net.contains(&ip));
    match ip {
        IpAddr::V6(v6) => !forbidden(ip) && embedded_v4(v6).is_none_or(|v4| !forbidden(IpAddr::V4(v4))),
        v4 => !forbidden(v4),
    }
}

fn refused(message: String) -> ApiError {
    ApiError::invalid("forbidden_target", message)
}

/// Checks a target URL when a hook is saved: its scheme, and every address its host has now.
pub async fn check(raw: &str, allow_insecure: bool) -> Result<url::Url, ApiError> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| ApiError::invalid("invalid_url", format!("url is not an absolute URL: {e}")))?;
    if raw.len() > 2000 || !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::invalid("invalid_url", "url must be at most 2,000 characters, without credentials"));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure => {}
        _ => return Err(refused("webhook targets must be https:// URLs".into())),
    }
    let host = url.host_str().ok_or_else(|| ApiError::invalid("invalid_url", "url has no host"))?;
    if allow_insecure {
        return Ok(url);
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = match host.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| ApiError::invalid("unresolvable_target", format!("{host} does not resolve")))?
            .collect(),
    };
    if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(refused(format!(
            "{host} is (or resolves to) {}, a loopback, private, link-local or otherwise internal address; \
             webhooks only go to public addresses",
            bad.ip()
        )));
    }
    Ok(url)
}

/// The client's resolver: resolves as usual, then drops internal addresses (none left: an error).
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{} resolves to no public address", name.as_str()).into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client deliveries use: short timeouts, no redirects, and (unless insecure targets are
/// allowed) the public-only resolver.
pub fn client(allow_insecure: bool, timeout: Duration) -> reqwest::Client {
    crate::tls::install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("sharify-webhooks/", env!("CARGO_PKG_VERSION")));
    if !allow_insecure {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder.build().unwrap_or_default()
}

/// At delivery time, an IP literal in the URL never reaches the resolver: checked here.
pub fn literal_allowed(url: &url::Url, allow_insecure: bool) -> bool {
    allow_insecure
        || match url.host() {
            Some(url::Host::Ipv4(ip)) => is_public(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => is_public(IpAddr::V6(ip)),
            _ => true,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "::1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
            "::127.0.0.1",
            "::169.254.169.254",
            "64:ff9b::10.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::",
            "64:ff9b:1::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in
            ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"]
        {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }
}
