//! What every page shares: its layout data, the headers it is answered with, and errors as pages.

use askama::Template;
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

use super::assets::{ICON_SVG, SCRIPT_JS, STYLE};
use crate::{error::ApiError, http::errors::KeepBody};

/// The pages' Content-Security-Policy: scripts and styles only from this service, no inline
/// script or style, forms only to this service, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What the layout shows around every page.
pub struct Chrome {
    /// The page's title (before " · sharify").
    pub title: String,
    /// The signed-in person's display name, if any.
    pub signed_in: Option<String>,
    /// The form token of the session (empty when signed out).
    pub csrf: String,
    /// The stylesheet's address.
    pub style: &'static str,
    /// The script's address.
    pub script: &'static str,
    /// The icon's address.
    pub icon: &'static str,
    /// A message at the top of the page: what just happened, or why it did not.
    pub notice: Option<Notice>,
}

/// A message at the top of a page.
pub struct Notice {
    /// `ok` or `error` (also said in words: never colour alone).
    pub kind: &'static str,
    /// What happened.
    pub text: String,
}

impl Chrome {
    /// The layout of a page titled `title`.
    pub fn new(title: impl Into<String>, signed_in: Option<(&str, &str)>) -> Self {
        let (signed_in, csrf) = match signed_in {
            Some((name, csrf)) => (Some(name.to_owned()), csrf.to_owned()),
            None => (None, String::new()),
        };
        Self {
            title: title.into(),
            signed_in,
            csrf,
            style: &STYLE.path,
            script: &SCRIPT_JS.path,
            icon: &ICON_SVG.path,
            notice: None,
        }
    }

    /// The same layout with a message on top.
    pub fn with_notice(mut self, kind: &'static str, text: impl Into<String>) -> Self {
        self.notice = Some(Notice { kind, text: text.into() });
        self
    }

    /// The same layout with `notice` (`ok` or `error`, and its text) on top, if there is one.
    pub fn with_any_notice(self, notice: Option<(&'static str, String)>) -> Self {
        match notice {
            Some((kind, text)) => self.with_notice(kind, text),
            None => self,
        }
    }
}

/// Answers a rendered page with `status` and the pages' headers.
pub fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => {
            let mut response = (status, body).into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            response.extensions_mut().insert(KeepBody);
            response
        }
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// Lets the page's forms also lead to `origins` (a form whose answer redirects the browser to a
/// platform's consent page: browsers hold redirects of a form to `form-action` too).
pub fn allow_form_action(response: &mut Response, origins: &[String]) {
    if origins.is_empty() {
        return;
    }
    let policy =
        CONTENT_SECURITY_POLICY.replace("form-action 'self'", &format!("form-action 'self' {}", origins.join(" ")));
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// An error page: what went wrong, in words, and a way back.
#[derive(Template)]
#[template(path = "web/error.html")]
pub struct ErrorPage {
    /// The layout.
    pub chrome: Chrome,
    /// The HTTP status, e.g. 404.
    pub status: u16,
    /// What went wrong.
    pub message: String,
}

/// A service error shown as a page (a 401 goes to the sign-in page instead).
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if self.0.status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/app/sign-in").into_response();
        }
        let page = ErrorPage {
            chrome: Chrome::new("Something went wrong", None),
            status: self.0.status.as_u16(),
            message: self.0.message.clone(),
        };
        let mut response = html(self.0.status, &page);
        if let Some(secs) = self.0.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// What a form came to, for its page: done, or refused with a status and the reason to show.
pub enum Outcome<T> {
    /// Done; what it did.
    Done(T),
    /// Not done: the status to answer and why, in words.
    Refused(StatusCode, String),
}

/// Sorts a service's answer to a form: done, refused (any 4xx, shown on the page; a stale
/// version said in words), or an error page for the rest.
pub fn outcome<T>(done: Result<T, ApiError>) -> Result<Outcome<T>, PageError> {
    match done {
        Ok(value) => Ok(Outcome::Done(value)),
        Err(e) if e.code == "version_mismatch" => Ok(Outcome::Refused(
            StatusCode::CONFLICT,
            "the playlist changed while you were looking at it, so nothing was done; this is how it is now".into(),
        )),
        Err(e) if e.status.is_client_error() => Ok(Outcome::Refused(e.status, e.message)),
        Err(e) => Err(e.into()),
    }
}

/// A redirect after a form (303: the browser follows it with a GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
