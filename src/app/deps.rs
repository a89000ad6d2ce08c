//! The composition root hands each feature what it declared it needs: `AppState` implements the
//! features' needs traits here, and nowhere else does a service see `AppState`.

use std::sync::{atomic::AtomicBool, Arc, OnceLock};

use tokio::sync::Notify;

use super::AppState;
use crate::{
    auth::{
        cache::CredentialCache,
        deps::AuthDeps,
        password::Passwords,
        throttle::{LoginThrottle, SignupThrottle},
    },
    config::Config,
    connections::{cipher::TokenCipher, deps::ConnectionDeps},
    deps::Basics,
    http::rate_limit::UserRateLimiter,
    jobs::deps::ItemsAddedDeps,
    metrics::Metrics,
    platforms::{deps::PlatformDeps, import::Platforms},
    playlists::{bodies::PlaylistBodies, deps::PlaylistDeps, live::LivePlaylists, locks::WriteLocks},
    quotas::replicas::Quotas,
    schedules::deps::RunnerDeps,
    sharing::{links::SharingDeps, visits::VisitCounts},
    storage::Store,
    tracks::{budget::UpstreamBudget, deps::EnrichDeps, service::TrackService},
    webhooks::deliver::DeliveryDeps,
};

impl Basics for AppState {
    fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }
    fn config(&self) -> &Config {
        &self.config
    }
    fn metrics(&self) -> &Metrics {
        &self.metrics
    }
    fn quotas(&self) -> &Quotas {
        &self.quotas
    }
    fn token_cipher(&self) -> &Option<Arc<TokenCipher>> {
        &self.token_cipher
    }
}

impl PlaylistDeps for AppState {
    fn live(&self) -> &LivePlaylists {
        &self.live
    }
    fn write_locks(&self) -> &WriteLocks {
        &self.write_locks
    }
    fn playlist_bodies(&self) -> &PlaylistBodies {
        &self.playlist_bodies
    }
    fn webhooks_wakeup(&self) -> &Notify {
        &self.webhooks_wakeup
    }
}

impl EnrichDeps for AppState {
    fn tracks(&self) -> &Arc<TrackService> {
        &self.tracks
    }
    fn upstream_budget(&self) -> &Arc<UpstreamBudget> {
        &self.upstream_budget
    }
}

impl PlatformDeps for AppState {
    fn platforms(&self) -> &Arc<Platforms> {
        &self.platforms
    }
}

impl ItemsAddedDeps for AppState {
    fn enrichment_wakeup(&self) -> &Notify {
        &self.enrichment_wakeup
    }
    fn links_wakeup(&self) -> &Notify {
        &self.links_wakeup
    }
}

impl ConnectionDeps for AppState {
    fn refresh_locks(&self) -> &WriteLocks {
        &self.refresh_locks
    }
}

impl DeliveryDeps for AppState {
    fn webhook_client(&self) -> &OnceLock<reqwest::Client> {
        &self.webhook_client
    }
}

impl RunnerDeps for AppState {
    fn shutting_down(&self) -> &AtomicBool {
        &self.shutting_down
    }
}

impl AuthDeps for AppState {
    fn passwords(&self) -> &Passwords {
        &self.passwords
    }
    fn throttle(&self) -> &LoginThrottle {
        &self.throttle
    }
    fn signups(&self) -> &SignupThrottle {
        &self.signups
    }
    fn credentials(&self) -> &CredentialCache {
        &self.credentials
    }
    fn user_limiter(&self) -> &UserRateLimiter {
        &self.user_limiter
    }
    fn trusted_proxies(&self) -> &[ipnet::IpNet] {
        &self.trusted_proxies
    }
}

impl SharingDeps for AppState {
    fn visits(&self) -> &VisitCounts {
        &self.visits
    }
}

impl axum::extract::FromRef<AppState> for crate::http::health::Readiness {
    fn from_ref(state: &AppState) -> Self {
        Self {
            shutting_down: state.shutting_down.clone(),
            store: state.store.clone(),
            upstreams: crate::upstreams::report(state.tracks.clone()),
        }
    }
}

impl axum::extract::FromRef<AppState> for crate::runs::Runs {
    fn from_ref(state: &AppState) -> Self {
        Self::of(state)
    }
}
