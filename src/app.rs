//! `AppState` and the server lifecycle: open the store, migrate, bind, serve, drain.

mod background;
mod deps;
mod signals;

pub use signals::shutdown_signal;

use std::{
    future::Future,
    net::SocketAddr,
    sync::{atomic::AtomicBool, atomic::Ordering, Arc},
    time::Duration,
};

use tokio::{net::TcpListener, sync::Notify};

use crate::{
    auth::{
        cache::CredentialCache,
        password::{hash_slots, Passwords},
        throttle::{LoginThrottle, SignupThrottle},
    },
    config::Config,
    http::{
        build_router,
        rate_limit::{AnonymousRateLimiter, UserRateLimiter},
    },
    lastfm::LastfmClient,
    metrics::Metrics,
    playlists::{bodies::PlaylistBodies, live::LivePlaylists, locks::WriteLocks},
    quotas::replicas::Quotas,
    sharing::{page_cache::SharePages, visits::VisitCounts},
    storage::{instrumented::InstrumentedStore, open_store, Store},
    tracks::{budget::UpstreamBudget, service::TrackService},
};

/// Shared state handed to every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The loaded configuration.
    pub config: Arc<Config>,
    /// The store (embedded or MongoDB).
    pub store: Arc<dyn Store>,
    /// Password hashing.
    pub passwords: Arc<Passwords>,
    /// Failed-login throttle.
    pub throttle: Arc<LoginThrottle>,
    /// Sign-ups per client address.
    pub signups: Arc<SignupThrottle>,
    /// Limits shared across replicas: reconciliation, live replicas, job leases.
    pub quotas: Arc<Quotas>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<ipnet::IpNet>>,
    /// Per-playlist write serialisation within this process.
    pub write_locks: Arc<WriteLocks>,
    /// Set once shutdown begins (readiness turns false).
    pub shutting_down: Arc<AtomicBool>,
    /// Track lookups (cache + Last.fm).
    pub tracks: Arc<TrackService>,
    /// Wakes the pending-enrichment job early.
    pub enrichment_wakeup: Arc<Notify>,
    /// Wakes the platform-links job early.
    pub links_wakeup: Arc<Notify>,
    /// Woken after a playlist write, so its webhooks are delivered soon.
    pub webhooks_wakeup: Arc<Notify>,
    /// The HTTP client of webhook deliveries, built on first use.
    pub webhook_client: Arc<std::sync::OnceLock<reqwest::Client>>,
    /// Seals linked accounts' tokens (`None` without `connections.token_key`).
    pub token_cipher: Option<Arc<crate::connections::cipher::TokenCipher>>,
    /// Token refreshes in this process, one at a time per connection.
    pub refresh_locks: Arc<WriteLocks>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Per-user request quota for authenticated routes.
    pub user_limiter: Arc<UserRateLimiter>,
    /// Each user's share of direct Last.fm calls, and those answers' cache.
    pub upstream_budget: Arc<UpstreamBudget>,
    /// Share-link visits not yet added to the store.
    pub visits: Arc<VisitCounts>,
    /// Per-address request quota for requests without credentials.
    pub anonymous_limiter: Arc<AnonymousRateLimiter>,
    /// Recently verified tokens and Basic credentials.
    pub credentials: Arc<CredentialCache>,
    /// Prebuilt playlist bodies, reused until the playlist's version changes.
    pub playlist_bodies: Arc<PlaylistBodies>,
    /// Current playlists, shared by reads and writes (checked against the store revision).
    pub live: Arc<LivePlaylists>,
    /// Rendered public pages, reused until the playlist's version changes.
    pub share_pages: Arc<SharePages>,
    /// Music platform connectors (import by link).
    pub platforms: Arc<crate::platforms::import::Platforms>,
}

impl AppState {
    /// Builds the state around an opened store (and the Last.fm client when a key is configured).
    pub fn new(config: Config, store: Arc<dyn Store>) -> Self {
        let metrics = Metrics::new();
        let store: Arc<dyn Store> = Arc::new(InstrumentedStore::new(store, metrics.clone()));
        let client = LastfmClient::from_config(&config.lastfm, metrics.clone()).unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot build the Last.fm client; enrichment is off");
            None
        });
        let tracks = Arc::new(TrackService::with_accept_threshold(
            client,
            store.clone(),
            &config.lastfm,
            metrics.clone(),
            config.matching.accept_threshold,
        ));
        let quotas = Quotas::new(
            store.backend_name() != "embedded",
            Duration::from_millis(config.ratelimit.sync_ms),
            metrics.clone(),
        );
        let user_limiter = Arc::new(UserRateLimiter::new(&quotas, config.ratelimit.per_minute, config.ratelimit.burst));
        let anonymous_limiter = Arc::new(AnonymousRateLimiter::new(
            &quotas,
            config.ratelimit.anonymous_per_minute,
            config.ratelimit.anonymous_burst,
        ));
        let upstream_budget = Arc::new(UpstreamBudget::new(&quotas, config.lastfm.per_user_per_minute));
        let auth = &config.auth;
        let throttle = LoginThrottle::new(
            &quotas,
            store.clone(),
            Duration::from_secs(auth.failure_window_secs),
            auth.max_failures_per_user,
            auth.max_failures_per_ip,
        );
        let trusted_proxies = Arc::new(config.http.proxies().unwrap_or_default());
        let passwords =
            Arc::new(Passwords::new(hash_slots(auth.hash_concurrency), Duration::from_millis(auth.hash_queue_ms)));
        let signups = SignupThrottle::new(&quotas, store.clone(), auth.signups_per_hour_per_ip);
        let credentials = CredentialCache::new(
            Duration::from_secs(auth.token_cache_secs),
            Duration::from_secs(auth.basic_cache_secs),
        );
        let platforms = Arc::new(crate::platforms::import::Platforms::from_config(&config, store.clone()));
        // A malformed key stops `Server::bind` first; here it only leaves linking off.
        let token_cipher = crate::connections::cipher::TokenCipher::from_config(&config.connections)
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "token key unusable: accounts cannot be linked");
                None
            })
            .map(Arc::new);
        Self {
            platforms,
            credentials: Arc::new(credentials),
            playlist_bodies: Arc::new(PlaylistBodies::default()),
            live: Arc::new(LivePlaylists::default()),
            share_pages: Arc::new(SharePages::default()),
            config: Arc::new(config),
            store,
            passwords,
            throttle: Arc::new(throttle),
            signups: Arc::new(signups),
            quotas: Arc::new(quotas),
            trusted_proxies,
            write_locks: Arc::new(WriteLocks::default()),
            shutting_down: Arc::new(AtomicBool::new(false)),
            tracks,
            enrichment_wakeup: Arc::new(Notify::new()),
            links_wakeup: Arc::new(Notify::new()),
            webhooks_wakeup: Arc::new(Notify::new()),
            webhook_client: Arc::default(),
            token_cipher,
            refresh_locks: Arc::new(WriteLocks::default()),
            metrics,
            user_limiter,
            anonymous_limiter,
            visits: Arc::default(),
            upstream_budget,
        }
    }
}

/// A bound, not yet serving, server.
pub struct Server {
    listener: TcpListener,
    admin: TcpListener,
    state: AppState,
}

impl Server {
    /// Opens and migrates the store, then binds the listener.
    pub async fn bind(config: Config) -> anyhow::Result<Self> {
        let store = open_store(&config).await?;
        Self::bind_with_store(config, store).await
    }

    /// Like [`Server::bind`] with an already opened store.
    pub async fn bind_with_store(config: Config, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        crate::connections::cipher::TokenCipher::from_config(&config.connections)?;
        store.migrate().await.map_err(|e| anyhow::anyhow!("store migration failed: {e}"))?;
        let listener = TcpListener::bind(config.http.bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {} (SHARIFY_HTTP__BIND): {e}", config.http.bind))?;
        let admin = TcpListener::bind(config.admin.bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {} (SHARIFY_ADMIN__BIND): {e}", config.admin.bind))?;
        Ok(Self { listener, admin, state: AppState::new(config, store) })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The admin listener's address.
    pub fn admin_addr(&self) -> std::io::Result<SocketAddr> {
        self.admin.local_addr()
    }

    /// The state handlers see.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves; then readiness turns false, the listener closes after
    /// `shutdown.delay_secs`, in-flight requests get up to `shutdown.drain_secs`, jobs stop.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let state = self.state.clone();
        if !state.tracks.enabled() {
            tracing::warn!("no Last.fm API key (SHARIFY_LASTFM__API_KEY): items are saved unenriched");
        }
        let state_after = state.clone();
        let jobs = background::spawn(&state);
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let delay = Duration::from_secs(state.config.shutdown.delay_secs);
        let drain = Duration::from_secs(state.config.shutdown.drain_secs);
        let flag = state.shutting_down.clone();
        tokio::spawn(async move {
            shutdown.await;
            flag.store(true, Ordering::SeqCst);
            tracing::info!(
                delay_secs = delay.as_secs(),
                "shutdown requested: not ready; closing the listener after the delay"
            );
            tokio::time::sleep(delay).await;
            let _ = stop_tx.send(true);
        });
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let admin =
            axum::serve(self.admin, admin_router(state.clone())).with_graceful_shutdown(stopped(stop_rx.clone()));
        let admin = tokio::spawn(async move { admin.await });
        tracing::info!(
            addr = %self.listener.local_addr()?,
            admin = %state.config.admin.bind,
            backend = state.store.backend_name(),
            "sharify listening"
        );
        let server =
            axum::serve(self.listener, build_router(state).into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(stopped(stop_rx.clone()));
        let deadline = async move {
            stopped(stop_rx).await;
            tokio::time::sleep(drain).await;
        };
        tokio::select! {
            result = server => result?,
            () = deadline => tracing::warn!(drain_secs = drain.as_secs(), "drain deadline reached; exiting with requests in flight"),
        }
        for job in jobs {
            job.abort();
        }
        state_after.visits.flush(&*state_after.store).await;
        admin.abort();
        tracing::info!("sharify stopped");
        Ok(())
    }
}

/// The admin router: metrics and probes.
fn admin_router(state: AppState) -> axum::Router {
    use axum::{http::header, routing::get};
    axum::Router::new()
        .route(
            "/metrics",
            get(|axum::extract::State(s): axum::extract::State<AppState>| async move {
                ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render())
            }),
        )
        .merge(crate::http::health::probe_routes())
        .with_state(state)
}
