//! Every configuration key with its env var, default and meaning (drives `--help`).

/// One documented configuration key: its env var, default and meaning (drives `--help`).
pub struct ConfigKey {
    /// Environment variable name.
    pub env: &'static str,
    /// Default value, as text.
    pub default: &'static str,
    /// What it does.
    pub help: &'static str,
}

/// Every configuration key; `sharify --help` prints this table.
pub const CONFIG_KEYS: &[ConfigKey] = &[
    ConfigKey { env: "SHARIFY_HTTP__BIND", default: "0.0.0.0:8080", help: "address the API listens on" },
    ConfigKey { env: "SHARIFY_HTTP__BODY_LIMIT_BYTES", default: "1048576", help: "largest request body (413 beyond)" },
    ConfigKey {
        env: "SHARIFY_HTTP__REQUEST_TIMEOUT_SECS",
        default: "30",
        help: "request handling time limit (408 beyond)",
    },
    ConfigKey {
        env: "SHARIFY_HTTP__TRUSTED_PROXIES",
        default: "(none)",
        help: "comma-separated CIDRs of trusted proxies; X-Forwarded-For is read only from them",
    },
    ConfigKey {
        env: "SHARIFY_HTTP__PUBLIC_URL",
        default: "(the request's Host)",
        help: "the address people reach the service at (https://sharify.example.com); share links are given under it",
    },
    ConfigKey { env: "SHARIFY_STORE__DATA_DIR", default: "./data", help: "directory of the embedded store" },
    ConfigKey {
        env: "SHARIFY_MONGO__URI",
        default: "(unset)",
        help: "MongoDB connection string; when set, MongoDB is the store",
    },
    ConfigKey { env: "SHARIFY_MONGO__DATABASE", default: "sharify", help: "MongoDB database name" },
    ConfigKey { env: "SHARIFY_AUTH__TOKEN_TTL_DAYS", default: "30", help: "bearer token lifetime in days" },
    ConfigKey {
        env: "SHARIFY_AUTH__MAX_FAILURES_PER_USER",
        default: "10",
        help: "failed logins per username per window before 429",
    },
    ConfigKey {
        env: "SHARIFY_AUTH__MAX_FAILURES_PER_IP",
        default: "50",
        help: "failed logins per client address per window before 429",
    },
    ConfigKey { env: "SHARIFY_AUTH__FAILURE_WINDOW_SECS", default: "900", help: "failed-login window in seconds" },
    ConfigKey {
        env: "SHARIFY_AUTH__HASH_CONCURRENCY",
        default: "0",
        help: "password hashes (19 MiB each) at once; 0 = a quarter of the memory limit / 20 MiB",
    },
    ConfigKey {
        env: "SHARIFY_AUTH__HASH_QUEUE_MS",
        default: "2000",
        help: "how long a login or sign-up waits for a hashing slot before 503 + Retry-After",
    },
    ConfigKey {
        env: "SHARIFY_AUTH__SIGNUPS_PER_HOUR_PER_IP",
        default: "30",
        help: "accounts one client address may create per hour (429 beyond)",
    },
    ConfigKey {
        env: "SHARIFY_AUTH__TOKEN_CACHE_SECS",
        default: "10",
        help: "seconds a verified token is trusted without a store read (revocation bound on other replicas)",
    },
    ConfigKey {
        env: "SHARIFY_AUTH__BASIC_CACHE_SECS",
        default: "60",
        help: "seconds verified Basic credentials are trusted without hashing again (0 = never)",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__API_KEY",
        default: "(unset)",
        help: "Last.fm API key (secret); unset = no enrichment, items saved unenriched",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__BASE_URL",
        default: "https://ws.audioscrobbler.com/2.0/",
        help: "Last.fm API root",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__RATE_PER_SEC",
        default: "5",
        help: "Last.fm requests/s for this process (replicas multiply it)",
    },
    ConfigKey { env: "SHARIFY_LASTFM__BURST", default: "5", help: "Last.fm requests allowed in a burst" },
    ConfigKey { env: "SHARIFY_LASTFM__MAX_IN_FLIGHT", default: "8", help: "most concurrent Last.fm requests" },
    ConfigKey {
        env: "SHARIFY_LASTFM__ENRICH_BUDGET_MS",
        default: "3000",
        help: "how long an add waits for enrichment before saving items pending",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__MAX_ATTEMPTS",
        default: "3",
        help: "attempts per Last.fm call (retries on codes 8/11/16/29, 5xx, transport errors)",
    },
    ConfigKey { env: "SHARIFY_LASTFM__RETRY_BASE_MS", default: "250", help: "exponential backoff base (full jitter)" },
    ConfigKey { env: "SHARIFY_LASTFM__TIMEOUT_MS", default: "10000", help: "Last.fm request timeout" },
    ConfigKey { env: "SHARIFY_LASTFM__CONNECT_TIMEOUT_MS", default: "3000", help: "Last.fm connect timeout" },
    ConfigKey {
        env: "SHARIFY_LASTFM__BREAKER_FAILURES",
        default: "5",
        help: "consecutive failures that pause Last.fm calls",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__BREAKER_COOLDOWN_MS",
        default: "30000",
        help: "pause before one probe call is let through",
    },
    ConfigKey { env: "SHARIFY_LASTFM__FOUND_TTL_DAYS", default: "30", help: "freshness of cached tracks" },
    ConfigKey {
        env: "SHARIFY_LASTFM__NOT_FOUND_TTL_HOURS",
        default: "24",
        help: "freshness of cached not-found answers",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__PENDING_RETRY_MS",
        default: "30000",
        help: "how often pending items are retried",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__PENDING_NOTIFY_AFTER_SECS",
        default: "600",
        help: "how long a playlist's items may stay pending before its owner gets a notification",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__PER_USER_PER_MINUTE",
        default: "30",
        help: "Last.fm calls one user may cause per minute directly (search, legacy /song); repeats are cached",
    },
    ConfigKey {
        env: "SHARIFY_LASTFM__CONTACT_URL",
        default: "https://github.com/sharify/sharify",
        help: "contact URL in the User-Agent",
    },
    ConfigKey {
        env: "SHARIFY_RATELIMIT__PER_MINUTE",
        default: "1200",
        help: "requests per minute per signed-in user (RateLimit-* headers; 429 beyond)",
    },
    ConfigKey { env: "SHARIFY_RATELIMIT__BURST", default: "300", help: "requests a signed-in user may make at once" },
    ConfigKey {
        env: "SHARIFY_RATELIMIT__ANONYMOUS_PER_MINUTE",
        default: "600",
        help: "requests per minute per client address without credentials (RateLimit-* headers; 429 beyond)",
    },
    ConfigKey {
        env: "SHARIFY_RATELIMIT__ANONYMOUS_BURST",
        default: "120",
        help: "requests one address may make at once without credentials",
    },
    ConfigKey {
        env: "SHARIFY_RATELIMIT__SYNC_MS",
        default: "1000",
        help: "how often replicas reconcile shared limits through MongoDB (their overshoot bound)",
    },
    ConfigKey {
        env: "SHARIFY_HISTORY__MAX_BYTES_PER_PLAYLIST",
        default: "33554432",
        help: "bytes one playlist's history may take; the oldest entries before the last 100 versions go first",
    },
    ConfigKey {
        env: "SHARIFY_SHARING__MAX_COLLABORATORS",
        default: "100",
        help: "most collaborators one playlist may have (409 too_many_collaborators beyond)",
    },
    ConfigKey {
        env: "SHARIFY_MATCHING__ACCEPT_THRESHOLD",
        default: "0.85",
        help: "confidence (0-1) at or above which a track match is taken without review",
    },
    ConfigKey {
        env: "SHARIFY_MATCHING__REVIEW_THRESHOLD",
        default: "0.5",
        help: "confidence (0-1) at or above which a doubtful match goes to the review queue (below: unmatched)",
    },
    ConfigKey {
        env: "SHARIFY_IMPORT__MAX_BYTES",
        default: "10485760",
        help: "largest playlist file an import accepts, in bytes (413 beyond)",
    },
    ConfigKey {
        env: "SHARIFY_DEEZER__BASE_URL",
        default: "https://api.deezer.com",
        help: "Deezer API root (public playlists need no credentials)",
    },
    ConfigKey { env: "SHARIFY_DEEZER__ENABLED", default: "true", help: "import Deezer playlists by link" },
    ConfigKey {
        env: "SHARIFY_DEEZER__REQUESTS_PER_5S",
        default: "40",
        help: "Deezer requests per 5 s from this process (Deezer allows 50 per address)",
    },
    ConfigKey {
        env: "SHARIFY_DEEZER__QUOTA_WAIT_MS",
        default: "5000",
        help: "how long Deezer's quota error (no Retry-After) is waited out before a retry",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__BASE_URL",
        default: "https://www.googleapis.com/youtube/v3",
        help: "YouTube Data API root",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__API_KEY",
        default: "(unset)",
        help: "YouTube Data API key (secret youtube-api-key); unset = YouTube links refused with a clear error",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__DAILY_QUOTA_UNITS",
        default: "10000",
        help: "YouTube quota units per Pacific day this deployment may spend (1 per 50 playlist items read)",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__USER_DAILY_QUOTA_UNITS",
        default: "2500",
        help: "of those, what one user's imports, pushes and searches may spend a day (a push inserts a video for 50)",
    },
    ConfigKey { env: "SHARIFY_SPOTIFY__BASE_URL", default: "https://api.spotify.com/v1", help: "Spotify Web API root" },
    ConfigKey {
        env: "SHARIFY_SPOTIFY__ACCOUNTS_URL",
        default: "https://accounts.spotify.com",
        help: "Spotify accounts service root",
    },
    ConfigKey {
        env: "SHARIFY_SPOTIFY__CLIENT_ID",
        default: "(unset)",
        help: "Spotify app client id (secret spotify-client-id)",
    },
    ConfigKey {
        env: "SHARIFY_SPOTIFY__CLIENT_SECRET",
        default: "(unset)",
        help: "Spotify app client secret (secret spotify-client-secret)",
    },
    ConfigKey {
        env: "SHARIFY_APPLEMUSIC__BASE_URL",
        default: "https://api.music.apple.com/v1",
        help: "Apple Music API root",
    },
    ConfigKey { env: "SHARIFY_APPLEMUSIC__TEAM_ID", default: "(unset)", help: "Apple developer team id" },
    ConfigKey { env: "SHARIFY_APPLEMUSIC__KEY_ID", default: "(unset)", help: "MusicKit key id" },
    ConfigKey {
        env: "SHARIFY_APPLEMUSIC__PRIVATE_KEY",
        default: "(unset)",
        help: "MusicKit private key, .p8 PEM (secret applemusic-private-key)",
    },
    ConfigKey {
        env: "SHARIFY_APPLEMUSIC__STOREFRONT",
        default: "us",
        help: "storefront (country) whose catalog is searched for track links",
    },
    ConfigKey {
        env: "SHARIFY_SPOTIFY__REDIRECT_URI",
        default: "(unset)",
        help: "where Spotify returns after account linking (registered in the app; HTTPS or http://127.0.0.1:PORT/...)",
    },
    ConfigKey {
        env: "SHARIFY_SPOTIFY__REQUESTS_PER_SECOND",
        default: "10",
        help: "Spotify calls a second from this deployment (shared among replicas)",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__CLIENT_ID",
        default: "(unset)",
        help: "Google OAuth client id (linking, pushing)",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__CLIENT_SECRET",
        default: "(unset)",
        help: "Google OAuth client secret (secret youtube-client-secret)",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__REDIRECT_URI",
        default: "(unset)",
        help: "where Google returns after linking: https://<host>/v1/connections/youtube/callback",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__OAUTH_URL",
        default: "https://accounts.google.com/o/oauth2/v2/auth",
        help: "Google's authorization page",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__TOKEN_URL",
        default: "https://oauth2.googleapis.com/token",
        help: "Google's token endpoint",
    },
    ConfigKey {
        env: "SHARIFY_YOUTUBE__REVOKE_URL",
        default: "https://oauth2.googleapis.com/revoke",
        help: "Google's token revocation endpoint",
    },
    ConfigKey {
        env: "SHARIFY_CONNECTIONS__TOKEN_KEY",
        default: "(unset)",
        help: "key for linked-account tokens at rest: 32 random bytes, base64 (secret token-key)",
    },
    ConfigKey {
        env: "SHARIFY_CONNECTIONS__PREVIOUS_TOKEN_KEYS",
        default: "(unset)",
        help: "earlier token keys, comma-separated, read until `sharify keys rotate` (secret token-key-previous)",
    },
    ConfigKey {
        env: "SHARIFY_JOBS__IN_PROCESS",
        default: "true",
        help: "run due schedules and background loops here (false when a CronJob runs `sharify jobs run-due`)",
    },
    ConfigKey { env: "SHARIFY_JOBS__TICK_SECS", default: "30", help: "seconds between looks for due schedules" },
    ConfigKey {
        env: "SHARIFY_JOBS__LEASE_SECS",
        default: "60",
        help: "seconds a claimed run's lease lasts (renewed while it runs; taken over after)",
    },
    ConfigKey {
        env: "SHARIFY_JOBS__MIN_INTERVAL_SECS",
        default: "60",
        help: "shortest interval_secs a schedule may have, and the shortest time between two runs of one schedule (run now included)",
    },
    ConfigKey {
        env: "SHARIFY_JOBS__REQUEST_WAIT_MS",
        default: "20000",
        help: "how long a push or an import by link waits for its platform work before answering 202 with a run to follow (GET /v1/push-runs/{id}, GET /v1/import-runs/{id})",
    },
    ConfigKey {
        env: "SHARIFY_JOBS__REINDEX_EVERY_SECS",
        default: "86400",
        help: "seconds between runs of the track-cache re-index (an operator's job: one replica in-process, or jobs run-due)",
    },
    ConfigKey {
        env: "SHARIFY_JOBS__REINDEX_BUDGET",
        default: "200",
        help: "most Last.fm lookups one re-index run makes",
    },
    ConfigKey {
        env: "SHARIFY_JOBS__ARTIST_MATCH_THRESHOLD",
        default: "0.8",
        help: "similarity (0-1) an artist name needs to be resolved by generate",
    },
    ConfigKey {
        env: "SHARIFY_WEBHOOKS__ALLOW_INSECURE_TARGETS",
        default: "false",
        help: "allow http:// and loopback/private webhook targets (local development and tests only)",
    },
    ConfigKey {
        env: "SHARIFY_WEBHOOKS__RETRY_BASE_SECS",
        default: "30",
        help: "seconds before a failed webhook delivery is retried (doubling, at most an hour)",
    },
    ConfigKey {
        env: "SHARIFY_WEBHOOKS__TIMEOUT_SECS",
        default: "10",
        help: "seconds a webhook receiver has to answer",
    },
    ConfigKey {
        env: "SHARIFY_WEBHOOKS__GIVE_UP_HOURS",
        default: "24",
        help: "hours of failed deliveries after which a webhook is disabled",
    },
    ConfigKey { env: "SHARIFY_SEATGEEK__BASE_URL", default: "https://api.seatgeek.com/2", help: "SeatGeek API root" },
    ConfigKey {
        env: "SHARIFY_SEATGEEK__CLIENT_ID",
        default: "(unset)",
        help: "SeatGeek client id for upcoming shows (secret seatgeek-client-id)",
    },
    ConfigKey {
        env: "SHARIFY_ADMIN__BIND",
        default: "0.0.0.0:9090",
        help: "admin listener: /metrics, /healthz, /readyz (keep it private)",
    },
    ConfigKey {
        env: "SHARIFY_SHUTDOWN__DELAY_SECS",
        default: "0",
        help: "on SIGTERM, seconds not-ready before the listener closes",
    },
    ConfigKey {
        env: "SHARIFY_SHUTDOWN__DRAIN_SECS",
        default: "20",
        help: "most seconds in-flight requests get to finish",
    },
    ConfigKey {
        env: "SHARIFY_SECRETS__SOURCE",
        default: "env",
        help: "where secrets come from: env, files or gcp (Secret Manager)",
    },
    ConfigKey {
        env: "SHARIFY_SECRETS__LOAD",
        default: "(none)",
        help: "secrets to load from that source, e.g. mongo-uri,lastfm-api-key (each must exist)",
    },
    ConfigKey {
        env: "SHARIFY_SECRETS__DIR",
        default: "/var/run/secrets/sharify",
        help: "directory of secret files (source files)",
    },
    ConfigKey { env: "SHARIFY_SECRETS__GCP_PROJECT", default: "(unset)", help: "Secret Manager project (source gcp)" },
    ConfigKey { env: "SHARIFY_SECRETS__GCP_VERSION", default: "latest", help: "Secret Manager version (source gcp)" },
    ConfigKey {
        env: "SHARIFY_SECRETS__GCP_ENDPOINT",
        default: "(unset)",
        help: "Secret Manager endpoint override (tests; anonymous credentials)",
    },
    ConfigKey { env: "SHARIFY_LOG__FORMAT", default: "pretty", help: "log format: pretty or json" },
    ConfigKey {
        env: "SHARIFY_LOG__GCP_PROJECT",
        default: "(unset)",
        help: "GCP project for trace links in JSON logs (else GOOGLE_CLOUD_PROJECT)",
    },
    ConfigKey { env: "SHARIFY_LOG__LEVEL", default: "info", help: "log filter, e.g. info or sharify=debug,info" },
];
