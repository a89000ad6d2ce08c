//! Spotify's consent page (`GET accounts.spotify.com/authorize`) on the platform fakes, as a
//! browser meets it: it checks the request as Spotify does (client id, `response_type=code`,
//! S256 challenge, a redirect URI), then offers Agree (back to the redirect URI with a code and
//! the state) and Cancel (`error=access_denied`). Spotify answers a bad request with an error
//! page, not a redirect.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

use crate::{platform_fakes::Shared, search_fakes::SPOTIFY_CLIENT_ID};

fn page(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

/// The consent page.
pub(crate) async fn authorize(State(s): State<Arc<Shared>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != SPOTIFY_CLIENT_ID {
        return page(StatusCode::BAD_REQUEST, "<h1>INVALID_CLIENT: Invalid client</h1>".into());
    }
    let Ok(mut back) = url::Url::parse(get("redirect_uri")) else {
        return page(StatusCode::BAD_REQUEST, "<h1>INVALID_CLIENT: Invalid redirect URI</h1>".into());
    };
    if get("response_type") != "code" || get("code_challenge_method") != "S256" || get("code_challenge").is_empty() {
        return page(StatusCode::BAD_REQUEST, "<h1>Illegal parameter</h1>".into());
    }
    let code = format!("code-{}", sharify::ids::new_id());
    s.accounts.lock().unwrap().codes.insert(code.clone(), get("code_challenge").to_owned());
    let mut cancel = back.clone();
    cancel.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", get("state"));
    back.query_pairs_mut().append_pair("code", &code).append_pair("state", get("state"));
    page(
        StatusCode::OK,
        format!(
            "<!doctype html><html lang=\"en\"><head><title>Spotify</title></head><body><main>\
             <h1>sharify would like to access your Spotify account</h1><p>Scopes: {}</p>\
             <p><a id=\"agree\" href=\"{}\">Agree</a> <a id=\"cancel\" href=\"{}\">Cancel</a></p></main></body></html>",
            escape(get("scope")),
            escape(back.as_str()),
            escape(cancel.as_str())
        ),
    )
}
