//! `/metrics` (Prometheus text) and the `X-Request-Id` of every answer. Other tests of this process
//! generate IRNs at the same time, so counters are compared before and after, never absolutely.

use crate::harness::{Backend, TestServer, codes, intra_state_invoice};

/// The value of the sample `name{…}` whose labels include every `labels` pair (0 if absent).
pub fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    page.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = match series.split_once('{') {
                Some((metric, rest)) => (metric, rest),
                None => (series, ""),
            };
            (metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse::<f64>().ok())?
        })
        .sum()
}

pub async fn scrape(server: &TestServer) -> String {
    let res = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    res.text().await.unwrap()
}

const GENERATE: &[(&str, &str)] = &[
    ("route", "/eicore/v1.03/invoice"),
    ("method", "POST"),
    ("status", "200"),
];
const UNMATCHED_404: &[(&str, &str)] = &[("route", "unmatched"), ("status", "404")];

#[tokio::test]
async fn metrics_count_requests_by_route_template_irns_and_nic_errors() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let before = scrape(&server).await;

    let doc = intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "MET/1");
    let irn = client
        .generate_irn(doc.as_bytes())
        .await
        .expect("generated")["Irn"]
        .as_str()
        .unwrap()
        .to_string();
    let err = client.generate_irn(doc.as_bytes()).await.unwrap_err();
    assert_eq!(codes(&err), ["2150"]);
    client.get_irn(&irn).await.expect("found by IRN");
    let missing = server
        .http
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let after = scrape(&server).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    assert!(
        grew("openirp_http_requests_total", GENERATE) >= 2.0,
        "{after}"
    );
    assert!(grew("openirp_irn_generated_total", &[]) >= 1.0, "{after}");
    // Both Generate calls reached the store; the commit time is recorded for each.
    assert!(
        grew("openirp_irn_commit_seconds_count", &[]) >= 2.0,
        "{after}"
    );
    assert!(grew("openirp_nic_errors_total", &[("code", "2150")]) >= 1.0);
    assert!(grew("openirp_http_requests_total", UNMATCHED_404) >= 1.0);
    let by_irn = [
        ("route", "/eicore/v1.03/invoice/irn/{irn}"),
        ("method", "GET"),
    ];
    assert!(
        grew("openirp_http_requests_total", &by_irn) >= 1.0,
        "{after}"
    );
    assert!(grew("openirp_http_request_duration_seconds_count", GENERATE) >= 2.0);
    assert!(after.contains("openirp_http_request_duration_seconds_bucket{"));
    assert!(after.contains("# TYPE openirp_http_requests_total counter"));
    assert!(!after.contains(&irn), "an IRN became a label");
    assert!(
        !after.contains("/no/such/page"),
        "a raw path became a label"
    );
    assert!(!after.contains(&tp.gstin), "a GSTIN became a label");
    server.stop().await;
}

#[tokio::test]
async fn the_store_is_pinged_in_the_background() {
    let server = TestServer::start().await;
    // The first ping runs as the server starts.
    let mut page = String::new();
    for _ in 0..50 {
        page = scrape(&server).await;
        if page.contains("openirp_store_latency_seconds_count") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        sample(&page, "openirp_store_latency_seconds_count", &[]) >= 1.0,
        "{page}"
    );
    assert!(page.contains("openirp_store_up"));
    server.stop().await;
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let server = TestServer::start().await;
    let sent = server
        .http
        .get(server.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(sent.headers()["x-request-id"], "trace-me-42");

    let mut seen = std::collections::HashSet::new();
    for path in ["/healthz", "/healthz", "/no/such/page", "/metrics"] {
        let res = server.http.get(server.url(path)).send().await.unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
        assert!(!id.is_empty());
        assert!(seen.insert(id), "request ids repeat");
    }

    // An id with a space (or longer than 64 characters) is replaced, not echoed.
    for bad in ["two words", &"x".repeat(65)] {
        let res = server
            .http
            .get(server.url("/healthz"))
            .header("x-request-id", bad)
            .send()
            .await
            .unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap();
        assert!(!id.is_empty() && id != bad);
    }
    server.stop().await;
}

#[tokio::test]
async fn store_pools_are_read_at_each_scrape() {
    // The PostgreSQL pool's size is the operator's (--database-pool); SQLite's pools are fixed.
    let server = TestServer::start_with(|c| c.database_pool = 5).await;
    let pools: &[&str] = match crate::BACKEND {
        Backend::Sqlite => &["reader", "writer"],
        Backend::Postgres => &["main"],
    };
    // The gauges are the process's: another test's server may scrape between this server's reading
    // of its pools and the page being rendered. A page of this server's alone comes within a few.
    let mut page = String::new();
    for _ in 0..20 {
        page = scrape(&server).await;
        if pools
            .iter()
            .all(|pool| pool_reading_fits(&page, pool, crate::BACKEND))
        {
            break;
        }
    }
    for pool in pools {
        assert!(
            pool_reading_fits(&page, pool, crate::BACKEND),
            "{pool}: {page}"
        );
    }
    server.stop().await;
}

/// Whether `page` reports `pool` as this test's server has it: open connections within the limit,
/// and on PostgreSQL the configured limit of 5 with the background ping's connection open.
fn pool_reading_fits(page: &str, pool: &str, backend: Backend) -> bool {
    let max = sample(
        page,
        "openirp_store_pool_max_connections",
        &[("pool", pool)],
    );
    let in_use = sample(
        page,
        "openirp_store_pool_connections",
        &[("pool", pool), ("state", "in_use")],
    );
    let idle = sample(
        page,
        "openirp_store_pool_connections",
        &[("pool", pool), ("state", "idle")],
    );
    let within = max >= 1.0 && in_use + idle <= max;
    match backend {
        Backend::Sqlite => within,
        Backend::Postgres => within && max == 5.0 && in_use + idle >= 1.0,
    }
}
