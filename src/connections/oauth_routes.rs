//! OAuth linking routes: start (`POST /v1/connections/{platform}`), the platform's return
//! (`GET …/callback`) and the sign-in that finishes a return no credential vouches for
//! (`POST …/callback`). See [`super::oauth_link`] for why a return needs proof.

use askama::Template;
use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    oauth::provider,
    oauth_link::{self, AuthorizeResponse, Callback, Outcome, Proof, BROWSER_COOKIE},
    ConnectionDto,
};
use crate::{
    app::AppState,
    auth::{extractor::ClientAddr, service::verify_login, AuthUser, MaybeAuthUser},
    error::{ApiError, ErrorEnvelope},
    http::{
        api_errors::NeedsAuth,
        extract::{ApiPath, ApiQuery},
    },
    platforms::Platform,
};

/// The pages' CSP: the shared one, but the sign-in form may post to us.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; img-src https: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Routes of OAuth linking.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(link_start)).routes(routes!(callback_return, callback_sign_in))
}

/// Starts linking an account by OAuth (`spotify`, `youtube`): open `authorize_url` within 10
/// minutes. The browser that comes back must show it is yours: the cookie this answer sets (when
/// you start from that browser), your bearer token, or your password on the page it shows.
/// Last.fm is linked with `PUT /v1/connections/lastfm`.
#[utoipa::path(post, path = "/v1/connections/{platform}", tag = "connections",
    params(("platform" = Platform, Path, description = "spotify or youtube")), security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "Where to send the browser", body = AuthorizeResponse), NeedsAuth,
        (status = 400, description = "Not a platform name", body = ErrorEnvelope),
        (status = 422, description = "This platform is not linked this way", body = ErrorEnvelope),
        (status = 503, description = "Linking is not configured here", body = ErrorEnvelope)))]
async fn link_start(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(platform): ApiPath<Platform>,
) -> Result<Response, ApiError> {
    if platform == Platform::Lastfm {
        return Err(ApiError::invalid(
            "link_with_put",
            "link Last.fm with PUT /v1/connections/lastfm and {\"username\": …}",
        ));
    }
    let started = oauth_link::start(&state, &caller.user, platform).await?;
    let secure = provider(&state, platform)?.redirect_uri.starts_with("https:");
    let cookie = format!(
        "{BROWSER_COOKIE}={}; Path=/v1/connections/; Max-Age=600; HttpOnly; SameSite=Lax{}",
        started.browser_secret,
        if secure { "; Secure" } else { "" }
    );
    let mut response = Json(started.response).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(ApiError::internal)?);
    Ok(response)
}

fn browser_secret(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(name, value)| (name == BROWSER_COOKIE).then_some(value))
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

/// Where the platform returns the browser. It links when the request shows it comes from the
/// user who started (that user's bearer token, or the cookie of the browser that started);
/// otherwise a browser gets a page naming the sharify account that started, asking for its
/// password, and an API client gets 401 `link_needs_sign_in`; the attempt is kept meanwhile.
#[utoipa::path(get, path = "/v1/connections/{platform}/callback", tag = "connections",
    params(("platform" = Platform, Path, description = "spotify or youtube"), Callback),
    responses((status = 200, description = "The linked account (for a browser, `Accept: text/html`, a page naming both accounts, or the sign-in that finishes)",
            content((ConnectionDto = "application/json"), (String = "text/html"))),
        (status = 400, description = "Unknown, expired or used state; declined; bad code", body = ErrorEnvelope),
        (status = 401, description = "Nothing shows the caller started this link: send the token, or sign in on the page", body = ErrorEnvelope),
        (status = 403, description = "The state belongs to another user", body = ErrorEnvelope),
        (status = 422, description = "The platform refuses this account (allow-list, Premium)", body = ErrorEnvelope),
        (status = 502, description = "The platform failed; nothing was linked", body = ErrorEnvelope),
        (status = 503, description = "Linking is not configured here", body = ErrorEnvelope)))]
async fn callback_return(
    State(state): State<AppState>,
    caller: MaybeAuthUser,
    ApiPath(platform): ApiPath<Platform>,
    ApiQuery(query): ApiQuery<Callback>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (state_param, code) = (query.state.clone().unwrap_or_default(), query.code.clone().unwrap_or_default());
    let proof = Proof { user: caller.0.as_ref().map(|c| &c.user), browser_secret: browser_secret(&headers) };
    let outcome = oauth_link::callback(&state, platform, query, proof).await?;
    answer(outcome, platform, wants_html(&headers), &state_param, &code)
}

/// Finishes a link the return could not vouch for: the starter's username and password, with
/// the `state` and `code` the page carries (a form post).
#[utoipa::path(post, path = "/v1/connections/{platform}/callback", tag = "connections",
    params(("platform" = Platform, Path, description = "spotify or youtube")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "state, code, username, password"),
    responses((status = 200, description = "A page naming both accounts", content_type = "text/html", body = String),
        (status = 400, description = "Unknown, expired or used state; bad code; a field missing", body = ErrorEnvelope),
        (status = 401, description = "Wrong username or password", body = ErrorEnvelope),
        (status = 403, description = "Another user started this link", body = ErrorEnvelope),
        (status = 429, description = "Too many failed sign-ins", body = ErrorEnvelope)))]
async fn callback_sign_in(
    State(state): State<AppState>,
    ApiPath(platform): ApiPath<Platform>,
    addr: ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let field = |name: &str| {
        url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    let missing = |what: &str| ApiError::bad_request("invalid_form", format!("the form has no {what}"));
    let (username, password) = (field("username").ok_or_else(|| missing("username"))?, field("password"));
    let user =
        verify_login(&state, &username, &password.ok_or_else(|| missing("password"))?, addr.0.as_deref()).await?;
    let query = Callback { code: field("code"), state: field("state"), error: None, scope: None };
    let outcome =
        oauth_link::callback(&state, platform, query, Proof { user: Some(&user), browser_secret: None }).await?;
    // A form post comes from the page: it gets a page, whatever it accepts.
    answer(outcome, platform, true, "", "")
}

/// The page a browser sees once an account is linked: both accounts named.
#[derive(Template)]
#[template(path = "linked.html")]
struct LinkedPage<'a> {
    platform: &'a str,
    name: &'a str,
    username: &'a str,
}

/// The page that asks the starter's password before linking.
#[derive(Template)]
#[template(path = "link_sign_in.html")]
struct SignInPage<'a> {
    platform: &'a str,
    platform_path: &'a str,
    starter: &'a str,
    state: &'a str,
    code: &'a str,
}

fn page(status: StatusCode, body: String) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    crate::sharing::page::secure(&mut response);
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn answer(
    outcome: Outcome,
    platform: Platform,
    html: bool,
    state_param: &str,
    code: &str,
) -> Result<Response, ApiError> {
    let label = platform.label();
    match outcome {
        Outcome::Linked { connection, .. } if !html => Ok(Json(connection).into_response()),
        Outcome::Linked { connection, username } => {
            let name = connection.display_name.clone().or(connection.account_id.clone()).unwrap_or_default();
            let body = LinkedPage { platform: label, name: &name, username: &username }
                .render()
                .map_err(ApiError::internal)?;
            Ok(page(StatusCode::OK, body))
        }
        Outcome::NeedsSignIn { starter } if !html => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "link_needs_sign_in",
            format!(
                "this {label} link was started by sharify user {starter}: send that user's bearer token with this \
                 callback, or open it in a browser and sign in as {starter}"
            ),
        )),
        Outcome::NeedsSignIn { starter } => {
            let path = super::platform_name(platform);
            let body = SignInPage { platform: label, platform_path: path, starter: &starter, state: state_param, code }
                .render()
                .map_err(ApiError::internal)?;
            Ok(page(StatusCode::OK, body))
        }
    }
}
