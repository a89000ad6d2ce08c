//! The OAuth 2.0 providers accounts are linked with, and their token endpoint: Spotify
//! (authorization code with PKCE, a public client) and Google for YouTube (authorization code
//! with PKCE and the client secret, offline access for a refresh token).

use reqwest::Method;
use serde::Deserialize;

use crate::{
    connections::deps::ConnectionDeps,
    error::ApiError,
    platforms::{http::PlatformHttp, Platform, PlatformError},
};

/// Scopes asked of Spotify: read and change the user's playlists, Liked Songs, recent plays.
const SPOTIFY_SCOPES: &str = "playlist-read-private playlist-read-collaborative playlist-modify-public \
                              playlist-modify-private user-library-read user-read-recently-played";
/// Scope asked of Google: manage the user's YouTube playlists.
const YOUTUBE_SCOPES: &str = "https://www.googleapis.com/auth/youtube";

/// One provider, as configured.
pub struct Provider<'a> {
    /// Which platform.
    pub platform: Platform,
    /// The consent page.
    pub authorize_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The app's client id.
    pub client_id: &'a str,
    /// The client secret, for providers that want it.
    pub client_secret: Option<&'a str>,
    /// Where the browser comes back.
    pub redirect_uri: &'a str,
    /// Scopes asked.
    pub scopes: &'static str,
    /// Extra parameters of the consent page.
    pub extra: &'static [(&'static str, &'static str)],
    /// The HTTP client (limits, retries) of the platform.
    pub http: &'a PlatformHttp,
}

/// What the token endpoint grants.
#[derive(Debug, Deserialize)]
pub struct Grant {
    /// The access token.
    pub access_token: String,
    /// A new refresh token, when the provider gives one (keep the old one otherwise).
    pub refresh_token: Option<String>,
    /// Seconds the access token lives.
    pub expires_in: Option<i64>,
    /// Scopes granted, space-separated.
    pub scope: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Why the token endpoint refused.
#[derive(Debug)]
pub enum GrantError {
    /// `invalid_grant`: the code, verifier or refresh token is not (or no longer) accepted.
    Refused(String),
    /// Anything else (the app's configuration, the network), as an answer.
    Other(ApiError),
}

fn not_configured(what: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "linking_not_configured",
        format!("linking is not configured on this server: the operator must set {what}"),
    )
}

/// The provider of `platform`, or 503 naming what is missing (422 when it cannot be linked).
pub fn provider(state: &dyn ConnectionDeps, platform: Platform) -> Result<Provider<'_>, ApiError> {
    let config = &state.config();
    match platform {
        Platform::Spotify => {
            let s = &config.spotify;
            let spotify = state.platforms().spotify.as_ref().ok_or(PlatformError::NotConfigured(Platform::Spotify))?;
            Ok(Provider {
                platform,
                authorize_url: format!("{}/authorize", s.accounts_url.trim_end_matches('/')),
                token_url: format!("{}/api/token", s.accounts_url.trim_end_matches('/')),
                client_id: s
                    .client_id
                    .as_ref()
                    .map(|c| c.expose())
                    .ok_or_else(|| not_configured("SHARIFY_SPOTIFY__CLIENT_ID"))?,
                client_secret: None, // PKCE: a public client
                redirect_uri: s
                    .redirect_uri
                    .as_deref()
                    .ok_or_else(|| not_configured("SHARIFY_SPOTIFY__REDIRECT_URI"))?,
                scopes: SPOTIFY_SCOPES,
                extra: &[],
                http: spotify.http(),
            })
        }
        Platform::Youtube => {
            let y = &config.youtube;
            Ok(Provider {
                platform,
                authorize_url: y.oauth_url.clone(),
                token_url: y.token_url.clone(),
                client_id: y.client_id.as_deref().ok_or_else(|| not_configured("SHARIFY_YOUTUBE__CLIENT_ID"))?,
                client_secret: Some(
                    y.client_secret
                        .as_ref()
                        .map(|c| c.expose())
                        .ok_or_else(|| not_configured("SHARIFY_YOUTUBE__CLIENT_SECRET"))?,
                ),
                redirect_uri: y
                    .redirect_uri
                    .as_deref()
                    .ok_or_else(|| not_configured("SHARIFY_YOUTUBE__REDIRECT_URI"))?,
                scopes: YOUTUBE_SCOPES,
                extra: &[("access_type", "offline"), ("prompt", "consent")],
                http: &state.platforms().youtube_http,
            })
        }
        other => Err(ApiError::invalid(
            "not_linkable",
            format!("{} accounts cannot be linked here; Spotify, YouTube and Last.fm can", other.label()),
        )),
    }
}

impl Provider<'_> {
    /// POSTs `form` (plus the client credentials) to the token endpoint.
    pub async fn grant(&self, form: &[(&str, &str)]) -> Result<Grant, GrantError> {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        form.push(("client_id", self.client_id));
        if let Some(secret) = self.client_secret {
            form.push(("client_secret", secret));
        }
        // Once: a grant is not idempotent (a refresh may rotate the refresh token even when its
        // answer is lost), so a failed POST is not sent again with the same token.
        let answer = self
            .http
            .send_once(&|| self.http.request(Method::POST, &self.token_url).form(&form))
            .await
            .map_err(|e| GrantError::Other(e.into()))?;
        if answer.status.is_success() {
            return serde_json::from_slice(&answer.body)
                .map_err(|e| GrantError::Other(PlatformError::upstream(self.platform, e.to_string()).into()));
        }
        match serde_json::from_slice::<TokenError>(&answer.body) {
            Ok(e) if e.error == "invalid_grant" => Err(GrantError::Refused(e.error_description)),
            Ok(e) if e.error == "invalid_client" || e.error == "unauthorized_client" => {
                Err(GrantError::Other(not_configured(&format!(
                    "a client id and secret {} accepts (it said {})",
                    self.platform.label(),
                    e.error
                ))))
            }
            Ok(e) => Err(GrantError::Other(ApiError::new(
                axum::http::StatusCode::BAD_GATEWAY,
                "link_failed",
                format!("{} refused the link: {} ({})", self.platform.label(), e.error, e.error_description),
            ))),
            Err(_) => Err(GrantError::Other(
                PlatformError::upstream(self.platform, format!("token endpoint: HTTP {}", answer.status)).into(),
            )),
        }
    }

    /// Exchanges an authorization `code` and its PKCE `verifier`.
    pub async fn exchange_code(&self, code: &str, verifier: &str) -> Result<Grant, GrantError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.redirect_uri),
            ("code_verifier", verifier),
        ];
        self.grant(&form).await
    }

    /// Asks for a new access token with `refresh_token`.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Grant, GrantError> {
        self.grant(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)]).await
    }
}
