//! Prometheus metrics, in a registry owned by the app state (no process-global state, so tests
//! can build many apps). Served on the admin port at `/metrics`.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};
use prometheus::{HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

/// The app's metrics.
#[derive(Clone)]
pub struct Metrics {
    /// Where every metric is registered.
    pub registry: Registry,
    /// HTTP requests by method, route template and status.
    pub http_requests: IntCounterVec,
    /// HTTP request durations by method and route template.
    pub http_duration: HistogramVec,
    /// Calls to the legacy API, by route.
    pub legacy_requests: IntCounterVec,
    /// Last.fm calls by method and outcome (`ok`, `not_found`, `error_<code>`, `outage`, …).
    pub lastfm_calls: IntCounterVec,
    /// Track-cache lookups by result (`memory_hit`, `store_hit`, `stale`, `miss`).
    pub cache_lookups: IntCounterVec,
    /// Lookups that waited on another request's identical upstream call.
    pub coalesced_waits: IntCounter,
    /// Time spent enriching a batch of tracks (within the request budget).
    pub enrichment_duration: HistogramVec,
    /// Store operation durations by operation and backend.
    pub store_duration: HistogramVec,
    /// 1 when this replica runs the background job (holds its lease), else 0.
    pub job_leader: IntGaugeVec,
    /// Reconciliations of the shared limits with the store.
    pub limit_syncs: IntCounter,
    /// Live replicas, as this one last learned.
    pub replicas: IntGauge,
    /// Scheduled runs by job kind and outcome (`succeeded`, `failed`).
    pub job_runs: IntCounterVec,
    /// Scheduled run duration by job kind.
    pub job_duration: HistogramVec,
    /// Items (tracks, listens, links) written by scheduled runs, by job kind.
    pub job_items: IntCounterVec,
    /// Webhook delivery attempts by outcome (`delivered`, `failed`).
    pub webhook_deliveries: IntCounterVec,
    /// Webhook events waiting (as the last pass saw them).
    pub webhook_queue_depth: IntGauge,
    /// Age of the oldest undelivered webhook event, in seconds (last pass).
    pub webhook_oldest_pending_seconds: prometheus::Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    registry.register(Box::new(c.clone())).expect("metric registered once");
    c
}

fn histogram(registry: &Registry, name: &str, help: &str, labels: &[&str], buckets: Vec<f64>) -> HistogramVec {
    let h = HistogramVec::new(HistogramOpts::new(name, help).buckets(buckets), labels).expect("valid metric");
    registry.register(Box::new(h.clone())).expect("metric registered once");
    h
}

impl Metrics {
    /// Creates and registers every metric, plus build info and process metrics.
    pub fn new() -> Self {
        let registry = Registry::new();
        let latency = vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
        let build =
            IntGaugeVec::new(Opts::new("sharify_build_info", "Build information"), &["version"]).expect("valid metric");
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        registry.register(Box::new(build)).expect("metric registered once");
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))
            .expect("process metrics registered once");
        let coalesced_waits = IntCounter::new(
            "track_lookup_coalesced_waits_total",
            "Lookups that shared another request's upstream call",
        )
        .expect("valid metric");
        registry.register(Box::new(coalesced_waits.clone())).expect("metric registered once");
        let job_leader = IntGaugeVec::new(Opts::new("job_leader", "1 when this replica runs the job"), &["job"])
            .expect("valid metric");
        registry.register(Box::new(job_leader.clone())).expect("metric registered once");
        let limit_syncs =
            IntCounter::new("shared_limit_syncs_total", "Reconciliations of the shared limits with the store")
                .expect("valid metric");
        registry.register(Box::new(limit_syncs.clone())).expect("metric registered once");
        let replicas =
            IntGauge::new("replicas_alive", "Live replicas, as this one last learned").expect("valid metric");
        replicas.set(1);
        registry.register(Box::new(replicas.clone())).expect("metric registered once");
        Self {
            job_leader,
            job_runs: counter(
                &registry,
                "job_runs_total",
                "Scheduled runs by job kind and outcome",
                &["kind", "outcome"],
            ),
            job_duration: histogram(
                &registry,
                "job_run_duration_seconds",
                "Scheduled run duration by job kind",
                &["kind"],
                vec![0.01, 0.05, 0.25, 1.0, 5.0, 30.0, 120.0, 600.0],
            ),
            job_items: counter(&registry, "job_items_written_total", "Items written by scheduled runs", &["kind"]),
            webhook_deliveries: counter(
                &registry,
                "webhook_deliveries_total",
                "Webhook delivery attempts",
                &["outcome"],
            ),
            webhook_queue_depth: {
                let g = IntGauge::new("webhook_queue_depth", "Webhook events waiting").expect("valid metric");
                registry.register(Box::new(g.clone())).expect("metric registered once");
                g
            },
            webhook_oldest_pending_seconds: {
                let g = prometheus::Gauge::new(
                    "webhook_oldest_pending_seconds",
                    "Age of the oldest undelivered webhook event",
                )
                .expect("valid metric");
                registry.register(Box::new(g.clone())).expect("metric registered once");
                g
            },
            limit_syncs,
            replicas,
            http_requests: counter(&registry, "http_requests_total", "HTTP requests", &["method", "route", "status"]),
            http_duration: histogram(
                &registry,
                "http_request_duration_seconds",
                "HTTP request duration",
                &["method", "route"],
                latency.clone(),
            ),
            legacy_requests: counter(
                &registry,
                "legacy_requests_total",
                "Calls to the deprecated legacy API",
                &["route"],
            ),
            lastfm_calls: counter(
                &registry,
                "lastfm_calls_total",
                "Last.fm calls by method and outcome",
                &["method", "outcome"],
            ),
            cache_lookups: counter(
                &registry,
                "track_cache_lookups_total",
                "Track cache lookups by result",
                &["result"],
            ),
            coalesced_waits,
            enrichment_duration: histogram(
                &registry,
                "enrichment_duration_seconds",
                "Time spent enriching a batch of tracks",
                &["outcome"],
                latency.clone(),
            ),
            store_duration: histogram(
                &registry,
                "store_operation_duration_seconds",
                "Store operation duration",
                &["operation", "backend"],
                latency,
            ),
            registry,
        }
    }

    /// The registry in the Prometheus text format.
    pub fn render(&self) -> String {
        prometheus::TextEncoder::new().encode_to_string(&self.registry.gather()).unwrap_or_default()
    }
}

/// Middleware: RED metrics labelled by route template (never the raw path).
pub async fn track_requests(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics.http_requests.with_label_values(&[&method, &route, &status]).inc();
    metrics.http_duration.with_label_values(&[&method, &route]).observe(started.elapsed().as_secs_f64());
    response
}
