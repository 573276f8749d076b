//! Operations: Prometheus metrics at `GET /metrics` and a request id on every request.
//!
//! * [`install`] puts a Prometheus recorder behind the `metrics` facade once per process (tests start
//!   many servers in one process; a second call returns the first handle and never panics).
//! * [`ObserveLayer`] gives every request an id (a sane incoming `X-Request-Id`, else a fresh one),
//!   opens a tracing span carrying it, returns it in the `X-Request-Id` response header, and counts
//!   the request by its **matched route template** (never the raw path: IRNs would explode the label
//!   cardinality; requests no route matched are `route="unmatched"`).
//! * [`spawn_store_pinger`] pings the store every 15 s in the background and records the latency.
//!
//! Metrics:
//! * `openirp_http_requests_total{route,method,status}` and
//!   `openirp_http_request_duration_seconds{route,method,status}` (histogram).
//! * `openirp_irn_generated_total`: IRNs committed by Generate IRN (identical resends replayed with
//!   their first acknowledgement are not counted again).
//! * `openirp_nic_errors_total{code}`: every `ErrorCode` of every `Status` 0 answer, counted where a
//!   failure becomes a response (no body is parsed twice).
//! * `openirp_ewb_generated_total`: e-way bills committed (by IRN, or inside Generate IRN).
//! * `openirp_irn_commit_seconds` (histogram): from handing a new acknowledgement to the store to its
//!   durable commit (the group commit on SQLite, the transaction on PostgreSQL).
//! * `openirp_store_latency_seconds` (histogram), `openirp_store_up` (gauge, 1 or 0) and
//!   `openirp_store_ping_failures_total` from the background ping.
//! * `openirp_store_pool_connections{pool,state="in_use"|"idle"}` and
//!   `openirp_store_pool_max_connections{pool}`, read from the store's pools at each scrape.

use crate::state::Shared;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, header};
use axum::response::{IntoResponse, Response};
use metrics::Label;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tracing::Instrument as _;

/// The request id header, read from the request and always set on the response.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub const HTTP_REQUESTS: &str = "openirp_http_requests_total";
pub const HTTP_DURATION: &str = "openirp_http_request_duration_seconds";
pub const IRN_GENERATED: &str = "openirp_irn_generated_total";
pub const NIC_ERRORS: &str = "openirp_nic_errors_total";
pub const STORE_LATENCY: &str = "openirp_store_latency_seconds";
pub const STORE_UP: &str = "openirp_store_up";
pub const STORE_PING_FAILURES: &str = "openirp_store_ping_failures_total";
pub const EWB_GENERATED: &str = "openirp_ewb_generated_total";
pub const IRN_COMMIT: &str = "openirp_irn_commit_seconds";
pub const POOL_CONNECTIONS: &str = "openirp_store_pool_connections";
pub const POOL_MAX: &str = "openirp_store_pool_max_connections";

/// Histogram buckets in seconds: from a cached read (sub-millisecond) to a stalled store.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into their buckets when nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// How often the background task pings the store, and how long it waits for an answer.
const STORE_PING_EVERY: Duration = Duration::from_secs(15);
const STORE_PING_TIMEOUT: Duration = Duration::from_secs(2);

/// Longest incoming request id accepted as is.
const MAX_REQUEST_ID: usize = 64;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide Prometheus recorder on the first call and returns its handle; later
/// calls return the same handle. If some other recorder was installed first, the handle renders an
/// empty page and a warning is logged: installation never panics.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics stays empty");
        }
        describe();
        // Without a scrape, histogram samples pile up until folded: fold them on a timer. A plain
        // thread, because the tokio runtime that happened to call first may end (tests).
        let upkeep = handle.clone();
        let _ = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_EVERY);
                    upkeep.run_upkeep();
                }
            });
        handle
    })
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template, method and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by route template, method and status."
    );
    describe_counter!(IRN_GENERATED, "IRNs committed by Generate IRN.");
    describe_counter!(
        NIC_ERRORS,
        "NIC error codes sent in Status 0 answers, one per ErrorDetails entry."
    );
    describe_histogram!(
        STORE_LATENCY,
        Unit::Seconds,
        "Round trip of the background store ping (every 15 s)."
    );
    describe_gauge!(STORE_UP, "1 if the last store ping answered, else 0.");
    describe_counter!(STORE_PING_FAILURES, "Store pings that failed or timed out.");
    describe_counter!(EWB_GENERATED, "E-way bills committed.");
    describe_histogram!(
        IRN_COMMIT,
        Unit::Seconds,
        "Time for the store to durably commit a Generate IRN acknowledgement."
    );
    describe_gauge!(
        POOL_CONNECTIONS,
        "Open store connections by pool and state (in_use or idle), at the last scrape."
    );
    describe_gauge!(POOL_MAX, "The most connections each store pool opens.");
}

/// `GET /metrics`: the Prometheus text exposition format.
///
/// Deliberately unauthenticated and outside the NIC IP allow-list, like most Prometheus targets: it
/// holds counts and latencies only (no GSTIN, IRN or credential ever becomes a label). Restrict it at
/// the network edge if the counts themselves are sensitive.
pub async fn render(State(state): State<Shared>) -> Response {
    record_pool_usage(&state);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        install().render(),
    )
        .into_response()
}

/// Sets the pool gauges from the store's pools as they are now.
fn record_pool_usage(state: &Shared) {
    for usage in state.store.pool_usage() {
        let pool = usage.pool;
        metrics::gauge!(POOL_CONNECTIONS, "pool" => pool, "state" => "in_use")
            .set(f64::from(usage.in_use()));
        metrics::gauge!(POOL_CONNECTIONS, "pool" => pool, "state" => "idle")
            .set(f64::from(usage.idle));
        metrics::gauge!(POOL_MAX, "pool" => pool).set(f64::from(usage.max));
    }
}

/// Records how long the store took to commit an acknowledgement.
pub fn irn_commit_took(elapsed: Duration) {
    metrics::histogram!(IRN_COMMIT).record(elapsed.as_secs_f64());
}

/// Counts an e-way bill the store committed.
pub fn ewb_committed() {
    metrics::counter!(EWB_GENERATED).increment(1);
}

/// Counts an IRN when the store committed it (called by Generate IRN with the insert outcome).
pub fn irn_committed(outcome: &openirp_store::InsertOutcome) {
    if matches!(outcome, openirp_store::InsertOutcome::Inserted) {
        metrics::counter!(IRN_GENERATED).increment(1);
    }
}

/// Counts each NIC error code of a `Status` 0 answer.
pub fn nic_errors(errors: &[crate::nic::envelope::ErrorDetail]) {
    for e in errors {
        metrics::counter!(NIC_ERRORS, "code" => e.code.clone()).increment(1);
    }
}

/// The id of one request, also available to handlers as a request extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The incoming `X-Request-Id` if it is sane (1 to 64 visible ASCII characters), else a new id.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        match headers.get(X_REQUEST_ID) {
            Some(v) if is_sane(v.as_bytes()) => RequestId(v.clone()),
            _ => RequestId::generate(),
        }
    }

    /// A new id: 32 hex digits, unique within the process and random-looking across processes.
    pub fn generate() -> Self {
        static SEED: OnceLock<(u64, u64)> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let (hi, lo) = *SEED.get_or_init(|| {
            let clock = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default();
            (
                getrandom::u64().unwrap_or(clock ^ u64::from(std::process::id())),
                getrandom::u64().unwrap_or(clock.rotate_left(32)),
            )
        });
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // splitmix64 is a bijection: distinct counters give distinct ids.
        let text = format!("{hi:016x}{:016x}", splitmix64(lo.wrapping_add(n)));
        RequestId(HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("0")))
    }

    pub fn as_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

fn is_sane(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= MAX_REQUEST_ID && id.iter().all(|b| (0x21..=0x7e).contains(b))
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A bounded method label: the standard methods by name, anything else `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Request id, tracing span and HTTP metrics for every request. Apply it with `Router::layer` so it
/// runs after routing and sees the matched route template.
#[derive(Debug, Clone, Copy, Default)]
pub struct ObserveLayer;

impl<S> tower::Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        install();
        Observe { inner }
    }
}

/// The service of [`ObserveLayer`].
#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
}

impl<S, B> tower::Service<Request<B>> for Observe<S>
where
    S: tower::Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let start = Instant::now();
        let id = RequestId::from_headers(req.headers());
        let route = match req.extensions().get::<MatchedPath>() {
            Some(path) => path.as_str().to_owned(),
            None => "unmatched".to_owned(),
        };
        let method = method_label(req.method());
        let span = tracing::info_span!(
            "http_request",
            request_id = id.as_str(),
            method,
            route = route.as_str()
        );
        req.extensions_mut().insert(id.clone());
        // The service that was polled ready is the one called; a clone stays for the next request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let future = {
            let _entered = span.enter();
            inner.call(req)
        };
        Box::pin(
            async move {
                let mut response = future.await?;
                let status = response.status().as_u16().to_string();
                let labels = vec![
                    Label::new("route", route),
                    Label::new("method", method),
                    Label::new("status", status),
                ];
                metrics::histogram!(HTTP_DURATION, labels.clone())
                    .record(start.elapsed().as_secs_f64());
                metrics::counter!(HTTP_REQUESTS, labels).increment(1);
                response.headers_mut().insert(X_REQUEST_ID, id.0);
                Ok(response)
            }
            .instrument(span),
        )
    }
}

/// Stops the background task it guards when dropped.
#[derive(Debug)]
pub struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Pings the store now and every 15 s, recording `openirp_store_latency_seconds` and
/// `openirp_store_up`, until the returned guard is dropped.
pub fn spawn_store_pinger(state: Shared) -> AbortOnDrop {
    install();
    AbortOnDrop(tokio::spawn(async move {
        let mut every = tokio::time::interval(STORE_PING_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let start = Instant::now();
            let answered = matches!(
                tokio::time::timeout(STORE_PING_TIMEOUT, state.store.ping()).await,
                Ok(Ok(()))
            );
            metrics::histogram!(STORE_LATENCY).record(start.elapsed().as_secs_f64());
            metrics::gauge!(STORE_UP).set(if answered { 1.0 } else { 0.0 });
            if !answered {
                metrics::counter!(STORE_PING_FAILURES).increment(1);
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installing_twice_returns_the_same_recorder() {
        let first = install() as *const PrometheusHandle;
        let second = install() as *const PrometheusHandle;
        assert_eq!(first, second);
        metrics::counter!("openirp_unit_test_total").increment(3);
        assert!(install().render().contains("openirp_unit_test_total 3"));
    }

    #[test]
    fn sane_incoming_ids_are_kept_and_others_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(X_REQUEST_ID, HeaderValue::from_static("abc-123_XYZ"));
        assert_eq!(RequestId::from_headers(&headers).as_str(), "abc-123_XYZ");
        for bad in ["", "has space", &"x".repeat(65)] {
            headers.insert(X_REQUEST_ID, HeaderValue::from_str(bad).unwrap());
            let id = RequestId::from_headers(&headers);
            assert_ne!(id.as_str(), bad);
            assert_eq!(id.as_str().len(), 32);
        }
        headers.insert(
            X_REQUEST_ID,
            HeaderValue::from_str(&"y".repeat(64)).unwrap(),
        );
        assert_eq!(RequestId::from_headers(&headers).as_str(), "y".repeat(64));
        headers.insert(
            X_REQUEST_ID,
            HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        );
        assert_eq!(RequestId::from_headers(&headers).as_str().len(), 32);
    }

    #[test]
    fn generated_ids_differ() {
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| RequestId::generate().as_str().to_string())
            .collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| is_sane(id.as_bytes())));
    }

    #[test]
    fn methods_outside_the_standard_set_share_one_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
