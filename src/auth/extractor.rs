//! `AuthUser` / `MaybeAuthUser`: Bearer tokens or HTTP Basic, resolved once per request.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts},
};
use base64::{engine::general_purpose::STANDARD, Engine as _};

use super::{deps::AuthDeps, service};
use crate::{error::ApiError, http::rate_limit::RateSlot, users::model::User};

/// The signed-in caller.
#[derive(Clone, Debug)]
pub struct AuthUser {
    /// The account.
    pub user: User,
    /// Hash of the bearer token used, when a token was used (not Basic).
    pub token_hash: Option<String>,
}

/// The caller if credentials were sent; invalid credentials are still a 401.
#[derive(Clone, Debug)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

/// The client's address: the peer, or, when the peer is a trusted proxy, the right-most
/// `X-Forwarded-For` address that is not itself a trusted proxy (every proxy appends the address
/// it saw, so the entries left of the last trusted hop can be forged by the client).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub Option<String>);

/// The client address of a request from `peer` carrying `forwarded` (`X-Forwarded-For` values).
pub fn client_address<'a>(
    peer: Option<std::net::IpAddr>,
    forwarded: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &[ipnet::IpNet],
) -> Option<std::net::IpAddr> {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    for hop in forwarded.rev().flat_map(|v| v.rsplit(',')).map(str::trim).filter(|h| !h.is_empty()) {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return Some(ip),
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

impl<S: AuthDeps> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        let forwarded: Vec<&str> = forwarded.collect();
        Ok(Self(client_address(peer, forwarded.into_iter(), state.trusted_proxies()).map(|ip| ip.to_string())))
    }
}

impl<S: AuthDeps> FromRequestParts<S> for MaybeAuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<MaybeAuthUser>() {
            return Ok(cached.clone());
        }
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self(None));
        };
        let value = value.to_str().map_err(|_| malformed())?.trim();
        let (scheme, credentials) = value.split_once(' ').ok_or_else(malformed)?;
        let credentials = credentials.trim();
        let user = if scheme.eq_ignore_ascii_case("bearer") {
            service::authenticate_token(state, credentials).await?
        } else if scheme.eq_ignore_ascii_case("basic") {
            let decoded = STANDARD.decode(credentials).map_err(|_| malformed())?;
            let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
            let (username, password) = decoded.split_once(':').ok_or_else(malformed)?;
            let addr = ClientAddr::from_request_parts(parts, state).await?;
            let user = service::verify_login(state, username, password, addr.0.as_deref()).await?;
            AuthUser { user, token_hash: None }
        } else {
            return Err(ApiError::unauthorized("unsupported authorization scheme; use Bearer or Basic"));
        };
        let slot = parts.extensions.get::<RateSlot>().cloned();
        match state.user_limiter().check(&user.user.id) {
            Ok(info) => slot.iter().for_each(|s| s.set(info)),
            Err((error, info)) => {
                slot.iter().for_each(|s| s.set(info));
                return Err(error);
            }
        }
        let resolved = Self(Some(user));
        parts.extensions.insert(resolved.clone());
        Ok(resolved)
    }
}

impl<S: AuthDeps> FromRequestParts<S> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        MaybeAuthUser::from_request_parts(parts, state)
            .await?
            .0
            .ok_or_else(|| ApiError::unauthorized("authentication required: send a Bearer token or Basic credentials"))
    }
}

fn malformed() -> ApiError {
    ApiError::unauthorized("malformed Authorization header")
}

#[cfg(test)]
mod tests {
    use super::client_address;

    #[test]
    fn only_a_trusted_peer_is_believed_and_then_the_right_most_untrusted_hop_is_the_client() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "35.191.0.0/16".parse().unwrap()];
        let ip = |s: &str| Some(s.parse().unwrap());
        let from = |peer: &str, xff: &[&'static str]| client_address(ip(peer), xff.iter().copied(), &trusted);
        assert_eq!(from("203.0.113.9", &["1.2.3.4"]), ip("203.0.113.9"), "an untrusted peer's header is ignored");
        assert_eq!(
            from("10.1.2.3", &["6.6.6.6, 198.51.100.7, 35.191.4.4"]),
            ip("198.51.100.7"),
            "spoofed left part skipped"
        );
        assert_eq!(from("10.1.2.3", &["6.6.6.6", "198.51.100.7"]), ip("198.51.100.7"), "several headers read in order");
        assert_eq!(from("10.1.2.3", &["35.191.4.4"]), ip("10.1.2.3"), "only proxies: the peer");
        assert_eq!(from("10.1.2.3", &["not-an-ip"]), ip("10.1.2.3"));
        assert_eq!(from("10.1.2.3", &[]), ip("10.1.2.3"));
    }
}
