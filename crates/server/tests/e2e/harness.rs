//! A real server on a loopback port, and NIC clients that talk to it exactly as an ERP does.
//!
//! The suite is compiled twice: as `e2e`, where every server keeps its data in a real SQLite file in
//! a temporary directory, and as `e2e_postgres`, where every server works in a fresh schema of the
//! test PostgreSQL (see `openirp_testdb`). The test binary's root names its [`Backend`].

use openirp_client::{ClientError, Credentials, NicClient};
use openirp_server::Config;
use openirp_testdb::PgSchema;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Where the servers of this test binary keep their records.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[allow(dead_code)] // each binary makes one of them
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestServer {
    pub base: String,
    pub data_dir: PathBuf,
    pub http: reqwest::Client,
    // Declared after the server's handles so the server stops before its storage goes.
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    storage: Storage,
}

/// What a server's records live in: its data directory (kept for a restart) and, on PostgreSQL,
/// its schema.
#[derive(Clone)]
pub struct Storage {
    pub data_dir: PathBuf,
    _dir: Arc<tempfile::TempDir>,
    schema: Option<Arc<PgSchema>>,
}

impl Storage {
    /// A fresh data directory and, on the PostgreSQL run, a fresh schema.
    async fn fresh() -> Storage {
        let dir = tempfile::tempdir().expect("temp dir");
        let schema = match crate::BACKEND {
            Backend::Sqlite => None,
            Backend::Postgres => Some(Arc::new(PgSchema::fresh().await.expect(
                "this suite was built for PostgreSQL but OPENIRP_TEST_DATABASE_URL is not set",
            ))),
        };
        Storage {
            data_dir: dir.path().join("data"),
            _dir: Arc::new(dir),
            schema,
        }
    }

    /// The SQLite file, when the records are in one.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.schema
            .is_none()
            .then(|| self.data_dir.join("openirp.db"))
    }

    /// Everything the store holds, as text: the SQLite file and its WAL, or every row of every
    /// table of the schema. For checks of what a thief of the database would read.
    pub async fn everything_stored(&self) -> String {
        if let Some(schema) = &self.schema {
            return schema.all_rows_as_text().await;
        }
        let db = self.data_dir.join("openirp.db");
        let mut bytes = std::fs::read(&db).expect("the SQLite file");
        bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// A server again on these records (a restart).
    pub async fn restart(&self, adjust: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_on(self.clone(), adjust).await
    }

    /// A restart that may be refused.
    pub async fn try_restart(
        &self,
        adjust: impl FnOnce(&mut Config),
    ) -> Result<TestServer, openirp_server::StartError> {
        TestServer::try_start_on(self.clone(), adjust).await
    }
}

/// Copies the three key files of `from`'s key folder into `to`'s (created mode 0700).
pub fn copy_keys(from: &std::path::Path, to: &std::path::Path) {
    use std::os::unix::fs::DirBuilderExt;
    let (source, target) = (from.join("keys"), to.join("keys"));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&target)
        .expect("key folder");
    for entry in std::fs::read_dir(&source).expect("the source key folder") {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), target.join(entry.file_name())).expect("key copied");
    }
}

impl TestServer {
    /// A sandbox server with default settings.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server whose configuration `adjust` may change.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start_on(Storage::fresh().await, adjust).await
    }

    /// A second node beside `other`: a data directory of its own holding a copy of `other`'s key
    /// folder, on the same records (the caller points it at the same database, if any).
    #[allow(dead_code)] // used by postgres.rs, which e2e_postgres leaves out
    pub async fn start_beside(other: &TestServer, adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        copy_keys(&other.data_dir, &data_dir);
        let storage = Storage {
            data_dir,
            _dir: Arc::new(dir),
            schema: other.storage.schema.clone(),
        };
        Self::start_on(storage, adjust).await
    }

    async fn start_on(storage: Storage, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::try_start_on(storage, adjust)
            .await
            .expect("server opens")
    }

    async fn try_start_on(
        storage: Storage,
        adjust: impl FnOnce(&mut Config),
    ) -> Result<Self, openirp_server::StartError> {
        let mut config = Config::new(&storage.data_dir);
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.database_url = storage.schema.as_ref().map(|s| s.url().to_string());
        adjust(&mut config);
        let state = openirp_server::open(config).await?;
        let listener = openirp_server::bind(&state).await.expect("server binds");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(openirp_server::serve(state, listener, async {
            let _ = stopped.await;
        }));
        Ok(TestServer {
            base,
            data_dir: storage.data_dir.clone(),
            http: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
            storage,
        })
    }

    /// Stops gracefully (the store is flushed and closed) and hands back its storage, kept as long
    /// as the caller holds it.
    pub async fn stop(mut self) -> Storage {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server ran");
        }
        self.storage.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A complete sandbox taxpayer (GSTIN, client id/secret, user/password).
    pub async fn new_taxpayer(&self, state_code: &str) -> Taxpayer {
        let res = self
            .http
            .post(self.url("/sandbox/v1/taxpayers"))
            .json(&json!({"state_code": state_code}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "taxpayer creation");
        let v: Value = res.json().await.unwrap();
        Taxpayer {
            gstin: v["gstin"].as_str().unwrap().to_string(),
            client_id: v["client_id"].as_str().unwrap().to_string(),
            client_secret: v["client_secret"].as_str().unwrap().to_string(),
            username: v["username"].as_str().unwrap().to_string(),
            password: v["password"].as_str().unwrap().to_string(),
        }
    }

    /// The published login-encryption key.
    pub async fn auth_public_key(&self) -> String {
        NicClient::fetch_auth_public_key(&self.base)
            .await
            .expect("public key")
    }

    /// An unauthenticated NIC client for `tp`.
    pub async fn client(&self, tp: &Taxpayer) -> NicClient {
        // Raw protocol: these tests watch the server's token errors, so the client must not renew.
        NicClient::new(&self.base, &self.auth_public_key().await, tp.credentials())
            .unwrap()
            .with_session_renewal(false)
    }

    /// A NIC client for `tp` that has logged in.
    pub async fn logged_in(&self, tp: &Taxpayer) -> NicClient {
        let mut c = self.client(tp).await;
        c.authenticate(false).await.expect("login");
        c
    }

    /// Moves the server clock (sandbox API).
    pub async fn advance_clock(&self, seconds: i64) {
        let res = self
            .http
            .post(self.url("/sandbox/v1/clock"))
            .json(&json!({"advance_seconds": seconds}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }

    /// Adds a GSTIN master record (sandbox API).
    pub async fn put_gstin(&self, body: Value) -> reqwest::Response {
        self.http
            .post(self.url("/sandbox/v1/gstins"))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// GET `path` and parse the JSON answer.
    pub async fn get_json(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The signing key from the JWKS, as the independent `jsonwebtoken` crate reads it, and the JWK.
    pub async fn jwks_key(&self) -> (jsonwebtoken::DecodingKey, Value) {
        let jwks = self.get_json("/.well-known/jwks.json").await;
        let jwk = jwks["keys"][0].clone();
        let key = jsonwebtoken::DecodingKey::from_rsa_components(
            jwk["n"].as_str().unwrap(),
            jwk["e"].as_str().unwrap(),
        )
        .unwrap();
        (key, jwk)
    }

    pub async fn signing_cert(&self) -> String {
        self.http
            .get(self.url("/keys/signing-cert.pem"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

#[derive(Clone, Debug)]
pub struct Taxpayer {
    pub gstin: String,
    pub client_id: String,
    pub client_secret: String,
    pub username: String,
    pub password: String,
}

impl Taxpayer {
    pub fn credentials(&self) -> Credentials {
        Credentials {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            gstin: self.gstin.clone(),
        }
    }
}

/// Today in IST as dd/mm/yyyy.
pub fn today() -> String {
    let now = chrono::Utc::now().timestamp();
    openirp_model::time::format_doc_date(openirp_model::time::ist_date(now))
}

/// NIC's sample invoice (reference §5.19) with the seller replaced by `seller` and dated today.
pub fn nic_sample(seller: &str, doc_no: &str) -> String {
    include_str!("../fixtures/nic-sample-invoice.json")
        .replace("{{DOC_DATE}}", &today())
        .replace("37ARZPT4384Q1MT", seller)
        .replace("\"DOC/001\"", &format!("\"{doc_no}\""))
}

/// A small valid intra-state (same state as seller and POS) goods invoice, written as raw JSON so that
/// its number lexemes are exactly these.
pub fn intra_state_invoice(seller: &str, buyer: &str, state: &str, doc_no: &str) -> String {
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},
        "DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},
        "SellerDtls":{{"Gstin":"{seller}","LglNm":"Seller Ltd","Addr1":"Main Road","Loc":"Bengaluru","Pin":560001,"Stcd":"{state}"}},
        "BuyerDtls":{{"Gstin":"{buyer}","LglNm":"Buyer Ltd","Pos":"{state}","Addr1":"MG Road","Loc":"Bengaluru","Pin":560001,"Stcd":"{state}"}},
        "ItemList":[
          {{"SlNo":"1","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":500.0,"TotAmt":1000.0,"AssAmt":1000.0,"GstRt":18,"CgstAmt":90.00,"SgstAmt":90.00,"TotItemVal":1180.0}},
          {{"SlNo":"2","IsServc":"Y","HsnCd":"998314","UnitPrice":2500,"TotAmt":2500,"AssAmt":2500,"GstRt":18,"CgstAmt":225,"SgstAmt":225,"TotItemVal":2950}}],
        "ValDtls":{{"AssVal":3500.0,"CgstVal":315,"SgstVal":315,"TotInvVal":4130.00}}}}"#,
        date = today()
    )
}

/// The NIC codes of a failed call.
pub fn codes(err: &ClientError) -> Vec<String> {
    match err {
        ClientError::Nic { errors, .. } => errors.iter().map(|e| e.code.clone()).collect(),
        other => panic!("expected a NIC error, got {other:?}"),
    }
}

/// A raw NIC call with explicit headers, for the error paths a well-behaved client never takes.
pub async fn raw_post(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    body: String,
) -> Value {
    let mut req = server
        .http
        .post(server.url(path))
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    assert_eq!(
        res.status(),
        200,
        "NIC answers business errors with HTTP 200"
    );
    res.json().await.unwrap()
}

/// A raw GET with explicit headers.
pub async fn raw_get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Value {
    let mut req = server.http.get(server.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The first error code of a raw envelope.
pub fn first_code(envelope: &Value) -> &str {
    assert_eq!(envelope["Status"], 0, "{envelope}");
    envelope["ErrorDetails"][0]["ErrorCode"].as_str().unwrap()
}

/// The session headers of a logged-in client, to build raw calls.
pub fn session_headers(tp: &Taxpayer, client: &NicClient) -> Vec<(String, String)> {
    let s = client.session().unwrap();
    vec![
        ("client_id".into(), tp.client_id.clone()),
        ("client_secret".into(), tp.client_secret.clone()),
        ("gstin".into(), tp.gstin.clone()),
        ("user_name".into(), tp.username.clone()),
        ("authtoken".into(), s.auth_token.clone()),
    ]
}

pub fn as_refs(h: &[(String, String)]) -> Vec<(&str, &str)> {
    h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// RS256 with no registered claims required: NIC's JWS carry only `data` and `iss`.
pub fn nic_jwt_validation() -> jsonwebtoken::Validation {
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    v.validate_aud = false;
    v
}
