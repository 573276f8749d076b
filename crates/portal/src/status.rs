//! `/status` and `/status.json`: version, mode, uptime, store health with its latency, the signing key
//! id, and the error rate of the server's answers (API and portal) over the last 15 minutes.

use crate::state::PortalState;
use crate::web::{Chrome, Visitor, render};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How many minutes the error rate looks back.
pub const WINDOW_MINUTES: usize = 15;

/// Answers counted in one minute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub total: u64,
    pub client_errors: u64,
    pub server_errors: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.total += other.total;
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    /// Minutes since `RequestStats::origin`; a bucket whose minute is stale counts as empty.
    minute: u64,
    counts: Counts,
}

/// Counts of answers by class: totals since start, and a ring of per-minute buckets for the
/// recent rate. One short lock per answer is cheap next to rendering a page.
pub struct RequestStats {
    pub total: AtomicU64,
    pub client_errors: AtomicU64,
    pub server_errors: AtomicU64,
    origin: Instant,
    ring: Mutex<[Bucket; WINDOW_MINUTES]>,
}

impl Default for RequestStats {
    fn default() -> Self {
        RequestStats {
            total: AtomicU64::new(0),
            client_errors: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
            origin: Instant::now(),
            ring: Mutex::new([Bucket::default(); WINDOW_MINUTES]),
        }
    }
}

impl RequestStats {
    /// Counts one answer.
    pub fn record(&self, status: StatusCode) {
        self.record_at(status, self.origin.elapsed());
    }

    /// Counts one answer given `at` after the stats began (tests pass their own time).
    pub fn record_at(&self, status: StatusCode, at: Duration) {
        let client = status.is_client_error();
        let server = status.is_server_error();
        self.total.fetch_add(1, Ordering::Relaxed);
        if client {
            self.client_errors.fetch_add(1, Ordering::Relaxed);
        } else if server {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
        let minute = at.as_secs() / 60;
        // A poisoned lock only means another thread panicked mid-count: the numbers are still usable.
        let mut ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        let slot = &mut ring[(minute % WINDOW_MINUTES as u64) as usize];
        if slot.minute != minute {
            *slot = Bucket {
                minute,
                counts: Counts::default(),
            };
        }
        slot.counts.total += 1;
        slot.counts.client_errors += u64::from(client);
        slot.counts.server_errors += u64::from(server);
    }

    /// The counts of the last [`WINDOW_MINUTES`] minutes, oldest first (the last is the current minute).
    pub fn per_minute(&self) -> Vec<Counts> {
        self.per_minute_at(self.origin.elapsed())
    }

    /// [`Self::per_minute`] as of `at` after the stats began.
    pub fn per_minute_at(&self, at: Duration) -> Vec<Counts> {
        let now = at.as_secs() / 60;
        let ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        (0..WINDOW_MINUTES as u64)
            .rev()
            .map(|back| {
                let Some(minute) = now.checked_sub(back) else {
                    return Counts::default();
                };
                let bucket = ring[(minute % WINDOW_MINUTES as u64) as usize];
                if bucket.minute == minute {
                    bucket.counts
                } else {
                    Counts::default()
                }
            })
            .collect()
    }

    /// The counts of the whole window.
    pub fn recent(&self) -> Counts {
        let mut sum = Counts::default();
        for c in self.per_minute() {
            sum.add(&c);
        }
        sum
    }
}

/// In front of the whole server (NIC API, portal, docs): counts every answer by class for the
/// status page's error rate.
pub async fn count_answers(
    axum::extract::State(portal): axum::extract::State<PortalState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    portal.stats.record(response.status());
    response
}

/// The status routes.
pub fn routes() -> Router<PortalState> {
    Router::new()
        .route("/status", get(page))
        .route("/status.json", get(json))
}

#[derive(Serialize)]
struct StoreHealth {
    ok: bool,
    /// "ok" or the reason it is not.
    state: String,
    latency_ms: f64,
}

#[derive(Serialize)]
struct RecentRequests {
    window_minutes: usize,
    total: u64,
    client_errors: u64,
    server_errors: u64,
    /// Share of answers that were 4xx, in per cent.
    client_error_rate: f64,
    /// Share of answers that were 5xx, in per cent.
    server_error_rate: f64,
    per_minute: Vec<Counts>,
}

#[derive(Serialize)]
struct Report {
    status: &'static str,
    version: &'static str,
    mode: &'static str,
    uptime_seconds: u64,
    uptime: String,
    store: StoreHealth,
    signing_kid: String,
    requests: RecentRequests,
    since_start: Counts,
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// "2 d 3 h 4 min" style uptime.
fn human_duration(secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) => format!("{m} min {s} s"),
        (0, _, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h {m} min"),
    }
}

async fn report(portal: &PortalState) -> Report {
    let started = Instant::now();
    let ping = portal.app.store.ping().await;
    let latency_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    let store = match ping {
        Ok(()) => StoreHealth {
            ok: true,
            state: "ok".into(),
            latency_ms,
        },
        Err(e) => {
            tracing::warn!(error = %e, "store ping failed");
            StoreHealth {
                ok: false,
                state: "unavailable".into(),
                latency_ms,
            }
        }
    };
    let recent = portal.stats.recent();
    let uptime = portal.started.elapsed().as_secs();
    Report {
        status: if store.ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        mode: portal.app.config.mode.as_str(),
        uptime_seconds: uptime,
        uptime: human_duration(uptime),
        store,
        signing_kid: portal.app.keys.signing.kid().to_string(),
        requests: RecentRequests {
            window_minutes: WINDOW_MINUTES,
            total: recent.total,
            client_errors: recent.client_errors,
            server_errors: recent.server_errors,
            client_error_rate: percent(recent.client_errors, recent.total),
            server_error_rate: percent(recent.server_errors, recent.total),
            per_minute: portal.stats.per_minute(),
        },
        since_start: Counts {
            total: portal.stats.total.load(Ordering::Relaxed),
            client_errors: portal.stats.client_errors.load(Ordering::Relaxed),
            server_errors: portal.stats.server_errors.load(Ordering::Relaxed),
        },
    }
}

/// A monitor reads the HTTP code: 503 when the store does not answer.
fn http_status(report: &Report) -> StatusCode {
    if report.store.ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// `GET /status.json`.
async fn json(State(portal): State<PortalState>) -> Response {
    let report = report(&portal).await;
    (http_status(&report), Json(report)).into_response()
}

/// One bar of the per-minute chart.
struct Minute {
    label: String,
    total: u64,
    client_errors: u64,
    server_errors: u64,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    chrome: Chrome,
    report: Report,
    minutes: Vec<Minute>,
}

/// `GET /status`.
async fn page(State(portal): State<PortalState>, visitor: Visitor) -> Response {
    let report = report(&portal).await;
    let count = report.requests.per_minute.len();
    let minutes = report
        .requests
        .per_minute
        .iter()
        .enumerate()
        .map(|(i, c)| Minute {
            label: match count - 1 - i {
                0 => "now".to_string(),
                n => format!("−{n} min"),
            },
            total: c.total,
            client_errors: c.client_errors,
            server_errors: c.server_errors,
        })
        .collect();
    let code = http_status(&report);
    let mut response = render(&StatusPage {
        chrome: Chrome::new(&portal, &visitor, "Status"),
        report,
        minutes,
    });
    if response.status() == StatusCode::OK {
        *response.status_mut() = code;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: u64) -> Duration {
        Duration::from_secs(minutes * 60 + 5)
    }

    #[test]
    fn counts_fall_out_of_the_window() {
        let stats = RequestStats::default();
        stats.record_at(StatusCode::OK, at(0));
        stats.record_at(StatusCode::NOT_FOUND, at(0));
        stats.record_at(StatusCode::INTERNAL_SERVER_ERROR, at(3));
        let now = stats.per_minute_at(at(3));
        assert_eq!(now.len(), WINDOW_MINUTES);
        let sum = now.iter().fold(Counts::default(), |mut a, c| {
            a.add(c);
            a
        });
        assert_eq!((sum.total, sum.client_errors, sum.server_errors), (3, 1, 1));
        assert_eq!(now[WINDOW_MINUTES - 1].server_errors, 1);
        // Fifteen minutes on, minute 0 has left the window and its slot is reused.
        stats.record_at(StatusCode::OK, at(15));
        let later = stats.per_minute_at(at(15));
        let total: u64 = later.iter().map(|c| c.total).sum();
        assert_eq!(total, 2);
        assert_eq!(stats.total.load(Ordering::Relaxed), 4);
    }

    #[test]
    fn durations_read_plainly() {
        assert_eq!(human_duration(42), "42 s");
        assert_eq!(human_duration(3 * 3600 + 120), "3 h 2 min");
        assert_eq!(human_duration(2 * 86_400 + 60), "2 d 0 h 1 min");
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(0, 0), 0.0);
    }
}
