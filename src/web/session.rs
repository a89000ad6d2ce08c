//! Web sessions: an HttpOnly, SameSite=Lax cookie (Secure when the service is served over
//! https) holding one of the API's bearer tokens, so a session is revocable like any token
//! (signing out, a password change and account deletion end it). Each session has a form token
//! derived from it, which every state-changing form carries.

use axum::{
    extract::FromRequestParts,
    http::{request::Parts, HeaderValue},
    response::{IntoResponse, Redirect, Response},
};
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::page::PageError;
use crate::{
    auth::{deps::AuthDeps, extractor::AuthUser, service},
    error::ApiError,
    http::rate_limit::RateSlot,
};

pub use crate::http::session_cookie::{token_of, COOKIE};

/// The signed-in person of a page request, and their session's form token.
pub struct WebUser {
    /// The account and the session's token hash.
    pub auth: AuthUser,
    /// The form token every state-changing form of this session carries.
    pub csrf: String,
}

impl WebUser {
    /// Refuses a form whose token is not this session's (a cross-site or stale form).
    pub fn check_form(&self, submitted: &str) -> Result<(), PageError> {
        if bool::from(self.csrf.as_bytes().ct_eq(submitted.as_bytes())) {
            Ok(())
        } else {
            Err(PageError(ApiError::forbidden(
                "this form is out of date or did not come from this site; reload the page and try again",
            )))
        }
    }

    /// The layout's view of this person: their display name and form token.
    pub fn chrome_user(&self) -> Option<(&str, &str)> {
        Some((self.auth.user.display_name.as_str(), self.csrf.as_str()))
    }
}

/// The session's form token: a hash of its secret token, so it cannot be made without it.
pub fn form_token(session_token: &str) -> String {
    let digest = Sha256::digest(format!("sharify web form\0{session_token}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Set-Cookie` that starts a session holding `token` for `days`.
pub fn start(token: &str, days: u32, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((COOKIE, token.to_owned()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(cookie::time::Duration::days(i64::from(days)));
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` that ends the session in this browser.
pub fn end(secure: bool) -> HeaderValue {
    let cookie = Cookie::build((COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(cookie::time::Duration::ZERO);
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Whether cookies must be `Secure`: the service's public address is https.
pub fn secure_cookies(state: &dyn AuthDeps) -> bool {
    state.config().http.public_url.starts_with("https://")
}

/// The signed-in person, if the request carries a live session.
pub struct MaybeWebUser(pub Option<WebUser>);

impl<S: AuthDeps> FromRequestParts<S> for MaybeWebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(token) = token_of(&parts.headers) else { return Ok(Self(None)) };
        let auth = match service::authenticate_token(state, &token).await {
            Ok(auth) => auth,
            Err(e) if e.status == axum::http::StatusCode::UNAUTHORIZED => return Ok(Self(None)),
            Err(e) => return Err(PageError(e).into_response()),
        };
        let slot = parts.extensions.get::<RateSlot>().cloned();
        match state.user_limiter().check(&auth.user.id) {
            Ok(info) => slot.iter().for_each(|s| s.set(info)),
            Err((error, info)) => {
                slot.iter().for_each(|s| s.set(info));
                return Err(PageError(error).into_response());
            }
        }
        Ok(Self(Some(WebUser { auth, csrf: form_token(&token) })))
    }
}

impl<S: AuthDeps> FromRequestParts<S> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match MaybeWebUser::from_request_parts(parts, state).await? {
            MaybeWebUser(Some(user)) => Ok(user),
            MaybeWebUser(None) => Err(Redirect::to("/app/sign-in").into_response()),
        }
    }
}
