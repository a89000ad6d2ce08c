//! Logging: human-readable in development; in production one JSON object per line with Google
//! Cloud Logging's field names (`severity`, `message`, `httpRequest`,
//! `logging.googleapis.com/trace`), request and trace ids included.

use std::{fmt, io::IsTerminal};

use serde_json::{Map, Value};
use tracing::{field::Field, Event, Level, Subscriber};
use tracing_subscriber::{
    field::Visit,
    fmt::{
        format::{JsonFields, Writer},
        FmtContext, FormatEvent, FormatFields, FormattedFields,
    },
    registry::LookupSpan,
    EnvFilter,
};

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber; `RUST_LOG` overrides the configured level.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match config.format {
        LogFormat::Json => {
            builder.fmt_fields(JsonFields::new()).event_format(GcpJson::new(config.gcp_project.clone())).try_init()
        }
        // Colour only for a person at a terminal (and not with NO_COLOR): never escape codes in a
        // file or a pipe.
        LogFormat::Pretty => builder
            .compact()
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .try_init(),
    };
}

/// Formats events as Google Cloud Logging structured JSON.
pub struct GcpJson {
    project: Option<String>,
}

impl GcpJson {
    /// With `project`, trace ids become `projects/{project}/traces/{id}` so Cloud Trace links them.
    pub fn new(project: Option<String>) -> Self {
        Self { project: project.or_else(|| std::env::var("GOOGLE_CLOUD_PROJECT").ok()).filter(|p| !p.is_empty()) }
    }

    /// Builds the JSON object for one event from its fields and its spans' fields.
    pub fn object(&self, level: &Level, target: &str, mut fields: Map<String, Value>) -> Value {
        let severity = match *level {
            Level::ERROR => "ERROR",
            Level::WARN => "WARNING",
            Level::INFO => "INFO",
            _ => "DEBUG",
        };
        let mut http = Map::new();
        for (from, to) in [
            ("http.method", "requestMethod"),
            ("http.route", "requestUrl"),
            ("http.status", "status"),
            ("http.user_agent", "userAgent"),
            ("http.remote_ip", "remoteIp"),
            ("http.protocol", "protocol"),
        ] {
            if let Some(v) = fields.remove(from) {
                http.insert(to.into(), v);
            }
        }
        if let Some(latency) = fields.remove("http.latency_s").and_then(|v| v.as_f64()) {
            http.insert("latency".into(), Value::String(format!("{latency:.6}s")));
        }
        let mut out = Map::new();
        out.insert("severity".into(), severity.into());
        out.insert("message".into(), fields.remove("message").unwrap_or_else(|| "".into()));
        out.insert("time".into(), chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true).into());
        out.insert("target".into(), target.into());
        if let Some(Value::String(trace)) = fields.remove("trace_id") {
            let trace = match &self.project {
                Some(p) => format!("projects/{p}/traces/{trace}"),
                None => trace,
            };
            out.insert("logging.googleapis.com/trace".into(), trace.into());
        }
        if let Some(span) = fields.remove("span_id") {
            out.insert("logging.googleapis.com/spanId".into(), span);
        }
        if !http.is_empty() {
            out.insert("httpRequest".into(), Value::Object(http));
        }
        out.extend(fields);
        Value::Object(out)
    }
}

struct Fields<'a>(&'a mut Map<String, Value>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}").into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
}

impl<S, N> FormatEvent<S, N> for GcpJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let mut fields = Map::new();
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                if let Some(formatted) = span.extensions().get::<FormattedFields<N>>() {
                    if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(formatted.as_str()) {
                        fields.extend(o);
                    }
                }
            }
        }
        event.record(&mut Fields(&mut fields));
        let meta = event.metadata();
        writeln!(writer, "{}", self.object(meta.level(), meta.target(), fields))
    }
}

/// The trace and span ids of a request, from `X-Cloud-Trace-Context` (`TRACE/SPAN;o=1`) or W3C
/// `traceparent` (`00-TRACE-SPAN-01`).
pub fn trace_ids(headers: &axum::http::HeaderMap) -> (Option<String>, Option<String>) {
    let hex = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
    };
    if let Some(v) = headers.get("x-cloud-trace-context").and_then(|v| v.to_str().ok()) {
        let (trace, rest) = v.split_once('/').unwrap_or((v, ""));
        let span =
            rest.split(';').next().filter(|s| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()));
        if let Some(trace) = hex(trace, 32) {
            return (Some(trace), span.map(str::to_owned));
        }
    }
    if let Some(v) = headers.get("traceparent").and_then(|v| v.to_str().ok()) {
        let parts: Vec<&str> = v.split('-').collect();
        if let [_, trace, span, _] = parts[..] {
            if let Some(trace) = hex(trace, 32) {
                return (Some(trace), hex(span, 16));
            }
        }
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_come_from_either_header_and_junk_is_ignored() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-cloud-trace-context", "105445AA7843BC8BF206B12000100000/1;o=1".parse().unwrap());
        assert_eq!(trace_ids(&h), (Some("105445aa7843bc8bf206b12000100000".into()), Some("1".into())));
        let mut h = axum::http::HeaderMap::new();
        h.insert("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap());
        assert_eq!(trace_ids(&h), (Some("4bf92f3577b34da6a3ce929d0e0e4736".into()), Some("00f067aa0ba902b7".into())));
        let mut h = axum::http::HeaderMap::new();
        h.insert("traceparent", "garbage\"},{\"x".parse().unwrap());
        assert_eq!(trace_ids(&h), (None, None));
    }

    #[test]
    fn gcp_objects_have_severity_message_http_request_and_trace() {
        let f = GcpJson { project: Some("p1".into()) };
        let mut fields = Map::new();
        fields.insert("message".into(), "request completed".into());
        fields.insert("http.method".into(), "GET".into());
        fields.insert("http.status".into(), 200.into());
        fields.insert("http.latency_s".into(), 0.25.into());
        fields.insert("trace_id".into(), "abc".into());
        let v = f.object(&Level::WARN, "sharify::x", fields);
        assert_eq!(v["severity"], "WARNING");
        assert_eq!(
            v["httpRequest"],
            serde_json::json!({"requestMethod": "GET", "status": 200, "latency": "0.250000s"})
        );
        assert_eq!(v["logging.googleapis.com/trace"], "projects/p1/traces/abc");
    }
}
