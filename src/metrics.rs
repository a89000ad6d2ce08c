//! Prometheus metrics, in a registry owned by the app state (no process-global state, so tests
//! can build many apps).

use prometheus::{IntCounterVec, Opts, Registry};

/// The app's metrics.
#[derive(Clone)]
pub struct Metrics {
    /// Where every metric is registered.
    pub registry: Registry,
    /// Calls to the legacy API, by route.
    pub legacy_requests: IntCounterVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Self {
        let registry = Registry::new();
        let legacy_requests =
            IntCounterVec::new(Opts::new("legacy_requests_total", "Calls to the deprecated legacy API"), &["route"])
                .expect("valid metric definition");
        registry.register(Box::new(legacy_requests.clone())).expect("metric registered once");
        Self { registry, legacy_requests }
    }

    /// The registry in the Prometheus text format.
    pub fn render(&self) -> String {
        prometheus::TextEncoder::new().encode_to_string(&self.registry.gather()).unwrap_or_default()
    }
}
