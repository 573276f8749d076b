//! The documentation, downloads and status pages over a real server on a loopback port: the OpenAPI
//! description matches the routes, Swagger UI is served from the binary, the Postman collection follows
//! the description, every guide page renders, search finds what it should, and the samples validate.

use openirp_server::Mode;
use serde_json::{Value, json};

mod harness;

/// A portal and server on one loopback port.
struct Server {
    base: String,
    http: reqwest::Client,
    _portal: harness::TestPortal,
}

impl Server {
    async fn start(mode: Mode) -> Server {
        let portal = harness::TestPortal::start(mode).await;
        Server {
            base: portal.base.clone(),
            http: portal.http.clone(),
            _portal: portal,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    async fn text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    async fn json(&self, path: &str) -> Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        res.json().await.expect("JSON")
    }
}

/// A concrete path for a templated one.
fn concrete(path: &str) -> String {
    path.replace(
        "{irn}",
        "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7",
    )
    .replace("{gstin}", "29AWGPV7107B1Z1")
}

/// The NIC paths of nic-irp-api.md §1.3 that this server implements, in the router's spelling.
const NIC_PATHS: &[(&str, &str)] = &[
    ("post", "/eivital/v1.04/auth"),
    ("post", "/eivital/v1.03/auth"),
    ("get", "/eivital/v1.04/master/gstin/{gstin}"),
    ("get", "/eivital/v1.04/master/syncgstin/{gstin}"),
    ("post", "/eicore/v1.03/invoice"),
    ("post", "/eicore/v1.03/invoice/cancel"),
    ("post", "/eicore/v1.03/cancel"),
    ("get", "/eicore/v1.03/invoice/irn/{irn}"),
    ("get", "/eicore/v1.03/invoice/irnbydocdetails"),
    ("get", "/eicore/v1.03/invoice/rejectedirns"),
    ("get", "/eivital/v1.04/heartbeat/ping"),
];

#[tokio::test]
async fn openapi_describes_every_route_and_every_route_answers() {
    let server = Server::start(Mode::Sandbox).await;
    let doc = server.json("/api-docs/openapi.json").await;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "openapi version: {}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], "/");
    let paths = doc["paths"].as_object().expect("paths");
    for (method, path) in NIC_PATHS {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} is not described"
        );
    }
    for path in [
        "/keys/auth-public.pem",
        "/api/v1/validate",
        "/api/v1/errors",
        "/sandbox/v1/taxpayers",
        "/sandbox/v1/clock",
    ] {
        assert!(paths.contains_key(path), "{path} is not described");
    }
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations += 1;
            assert!(op["summary"].is_string(), "{method} {path} has no summary");
            assert!(
                op["responses"].is_object(),
                "{method} {path} has no responses"
            );
            let url = server.url(&concrete(path));
            let request = match method.as_str() {
                "get" => server.http.get(&url),
                "post" => server.http.post(&url).body("{}"),
                other => panic!("unexpected method {other}"),
            };
            let res = request.send().await.expect("request");
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            assert!(
                !(status == 404 && body.contains("no such endpoint")),
                "{method} {path} is described but not routed"
            );
            assert!(status != 405, "{method} {path}: method not allowed");
        }
    }
    assert!(operations >= 26, "only {operations} operations");

    // Production describes no sandbox paths.
    let production = Server::start(Mode::Production).await;
    let doc = production.json("/api-docs/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.keys().all(|p| !p.starts_with("/sandbox/")));
    assert!(paths.contains_key("/eicore/v1.03/invoice"));
}

#[tokio::test]
async fn swagger_ui_and_postman_are_served_from_the_binary() {
    let server = Server::start(Mode::Sandbox).await;
    for path in ["/api-docs/", "/api-docs"] {
        let (status, html) = server.text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("swagger-ui"), "{path} is not Swagger UI");
        assert!(html.contains("/api-docs/swagger-ui-bundle.js"));
    }
    let res = server.get("/api-docs/swagger-ui-bundle.js").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .contains("javascript")
    );
    assert!(res.bytes().await.expect("script").len() > 100_000);
    let (status, init) = server.text("/api-docs/swagger-initializer.js").await;
    assert_eq!(status, 200);
    assert!(init.contains("/api-docs/openapi.json"));

    let doc = server.json("/api-docs/openapi.json").await;
    let operations: usize = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .map(|item| item.as_object().map_or(0, |m| m.len()))
        .sum();
    let collection = server
        .json("/downloads/openirp.postman_collection.json")
        .await;
    assert!(
        collection["info"]["schema"]
            .as_str()
            .is_some_and(|s| s.contains("v2.1.0"))
    );
    let requests: Vec<Value> = collection["item"]
        .as_array()
        .expect("folders")
        .iter()
        .flat_map(|f| f["item"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(requests.len(), operations);
    let variables: Vec<&str> = collection["variable"]
        .as_array()
        .expect("variables")
        .iter()
        .filter_map(|v| v["key"].as_str())
        .collect();
    for v in [
        "baseUrl",
        "client_id",
        "client_secret",
        "gstin",
        "user_name",
        "auth_token",
    ] {
        assert!(variables.contains(&v), "variable {v}");
    }
    let generate = requests
        .iter()
        .find(|r| r["name"] == "Generate IRN")
        .expect("Generate IRN request");
    assert_eq!(generate["request"]["method"], "POST");
    let headers = generate["request"]["header"].to_string();
    assert!(headers.contains("{{auth_token}}") && headers.contains("{{gstin}}"));
}

#[tokio::test]
async fn guide_pages_render_and_search_finds_them() {
    let server = Server::start(Mode::Sandbox).await;
    let (status, index) = server.text("/docs").await;
    assert_eq!(status, 200);
    let links: Vec<String> = index
        .split("href=\"/docs/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| format!("/docs/{s}"))
        .filter(|s| !s.contains('#') && !s.contains('?'))
        .collect();
    assert!(links.len() >= 9, "index links: {links:?}");
    for path in links.iter().map(String::as_str).chain(["/downloads"]) {
        let (status, html) = server.text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("<h1"), "{path} has no heading");
    }
    let (status, _) = server.text("/docs/no-such-page").await;
    assert_eq!(status, 404);

    let (_, errors) = server.text("/docs/errors").await;
    for code in [
        "id=\"e2150\"",
        "id=\"e1005\"",
        "id=\"e2189\"",
        "Duplicate IRN",
    ] {
        assert!(errors.contains(code), "errors page lacks {code}");
    }
    let (_, masters) = server.text("/docs/masters").await;
    assert!(masters.contains("Karnataka") && masters.contains("EXPWP"));

    let (status, found) = server.text("/docs/search?q=appkey").await;
    assert_eq!(status, 200);
    assert!(found.contains("href=\"/docs/authentication\""));
    assert!(found.contains("AppKey"));
    let (_, found) = server.text("/docs/search?q=2150").await;
    assert!(found.contains("href=\"/docs/errors#e2150\""));
    let (status, short) = server.text("/docs/search?q=a").await;
    assert_eq!(status, 200);
    assert!(short.contains("at least two characters"));
    let (status, nothing) = server.text("/docs/search?q=zzqqxxyy").await;
    assert_eq!(status, 200);
    assert!(nothing.contains("Nothing matched"));
    let (status, _) = server.text("/docs/search").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn downloads_and_samples_validate() {
    let server = Server::start(Mode::Sandbox).await;
    let (_, page) = server.text("/downloads").await;
    for link in [
        "/keys/auth-public.pem",
        "/keys/signing-cert.pem",
        "/.well-known/jwks.json",
        "/api/v1/schema/inv-01.json",
        "/downloads/openirp.postman_collection.json",
    ] {
        assert!(page.contains(link), "downloads page lacks {link}");
        assert_eq!(server.get(link).await.status(), 200, "{link}");
    }
    let taxpayer: Value = server
        .http
        .post(server.url("/sandbox/v1/taxpayers"))
        .json(&json!({"state_code": "29"}))
        .send()
        .await
        .expect("taxpayer")
        .json()
        .await
        .expect("taxpayer JSON");
    let gstin = taxpayer["gstin"].as_str().expect("gstin");
    for name in ["b2b-intra-state", "b2b-inter-state", "export"] {
        let path = format!("/downloads/samples/{name}.json");
        assert!(page.contains(&path), "downloads page lacks {path}");
        let (status, text) = server.text(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!text.contains("{{"), "{path} still has a placeholder");
        let body = text.replace("29AAAAA0000A1ZY", gstin);
        let verdict: Value = server
            .http
            .post(server.url("/api/v1/validate"))
            .header("Gstin", gstin)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("validate")
            .json()
            .await
            .expect("verdict");
        assert_eq!(verdict["valid"], true, "{name}: {verdict}");
    }
    assert_eq!(
        server.get("/downloads/samples/nothing.json").await.status(),
        404
    );
}

#[tokio::test]
async fn status_reports_health_and_recent_errors() {
    let server = Server::start(Mode::Sandbox).await;
    // One portal 404 and two 404s from the server's own fallback, all counted in the window.
    assert_eq!(server.get("/docs/no-such-page").await.status(), 404);
    assert_eq!(server.get("/api/v1/no-such-thing").await.status(), 404);
    assert_eq!(server.get("/eicore/v1.03/nothing").await.status(), 404);
    let (status, html) = server.text("/status").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"store\""));
    assert!(html.contains(">ok<"), "store is not shown ok");
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
    let report = server.json("/status.json").await;
    assert_eq!(report["status"], "ok");
    assert_eq!(report["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(report["mode"], "sandbox");
    assert!(report["uptime_seconds"].is_u64());
    assert_eq!(report["store"]["ok"], true);
    assert_eq!(report["store"]["state"], "ok");
    assert!(report["store"]["latency_ms"].is_number());
    assert_eq!(report["requests"]["window_minutes"], 15);
    assert_eq!(
        report["requests"]["per_minute"].as_array().map(Vec::len),
        Some(15)
    );
    assert!(report["requests"]["client_errors"].as_u64() >= Some(3));
    assert!(report["requests"]["total"].as_u64() >= Some(4));
    assert!(
        report["signing_kid"]
            .as_str()
            .is_some_and(|k| k.len() == 40)
    );
}
