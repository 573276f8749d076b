//! What the SDK tests share: a real OpenIRP server on loopback with its sandbox test-data API.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use openirp_client::{Credentials, NicClient};
use openirp_server::Config;
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    pub pem: String,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("data"));
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.durable = false;
        adjust(&mut config);
        let state = openirp_server::open(config).await.unwrap();
        let listener = openirp_server::bind(&state).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(openirp_server::serve(state, listener, async {
            let _ = stopped.await;
        }));
        let pem = NicClient::fetch_auth_public_key(&base).await.unwrap();
        Server {
            base,
            http: reqwest::Client::new(),
            pem,
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    /// A sandbox taxpayer's credentials.
    pub async fn taxpayer(&self, state_code: &str) -> Credentials {
        let tp = self
            .post("/sandbox/v1/taxpayers", json!({"state_code": state_code}))
            .await;
        let text = |k: &str| tp[k].as_str().unwrap().to_owned();
        Credentials {
            client_id: text("client_id"),
            client_secret: text("client_secret"),
            username: text("username"),
            password: text("password"),
            gstin: text("gstin"),
        }
    }

    /// A client with the defaults (session renewal on).
    pub fn client(&self, creds: Credentials) -> NicClient {
        NicClient::new(&self.base, &self.pem, creds).unwrap()
    }

    /// A client that manages its own session.
    pub fn managed(&self, creds: Credentials) -> NicClient {
        NicClient::new(&self.base, &self.pem, creds)
            .unwrap()
            .with_session_renewal(true)
    }

    pub async fn advance_clock(&self, seconds: i64) {
        self.post("/sandbox/v1/clock", json!({"advance_seconds": seconds}))
            .await;
    }

    pub async fn drop_next_generate_response(&self) {
        self.post(
            "/sandbox/v1/faults",
            json!({"drop_next_generate_response": true}),
        )
        .await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn today() -> String {
    let now = chrono::Utc::now().timestamp();
    openirp_model::time::format_doc_date(openirp_model::time::ist_date(now))
}
