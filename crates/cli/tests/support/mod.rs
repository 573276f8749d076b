//! What the CLI tests share: a real server in this process, sandbox taxpayers, an invoice registered
//! through the SDK, and the real binary run with a taxpayer's credentials in its environment.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::process::Output;

pub struct Server {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut config = openirp_server::Config::new(dir.path().join("data"));
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.durable = false;
        let state = openirp_server::open(config).await.expect("server opens");
        let listener = openirp_server::bind(&state).await.expect("server binds");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(openirp_server::serve(state, listener, async {
            let _ = stopped.await;
        }));
        Server {
            base,
            stop: Some(stop),
            _dir: dir,
        }
    }

    /// A sandbox taxpayer of `state_code` (its credentials and GSTIN).
    pub async fn taxpayer(&self, state_code: &str) -> Value {
        let res = reqwest::Client::new()
            .post(format!("{}/sandbox/v1/taxpayers", self.base))
            .json(&json!({"state_code": state_code}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        res.json().await.unwrap()
    }

    /// Registers an inter-state goods invoice from Bengaluru (29, PIN 560001) to Mumbai (27, PIN
    /// 400001) through the SDK and returns its IRN.
    pub async fn register(&self, seller: &Value, buyer: &str, doc_no: &str) -> String {
        let field = |k: &str| seller[k].as_str().unwrap().to_string();
        let pem = openirp_client::NicClient::fetch_auth_public_key(&self.base)
            .await
            .unwrap();
        let creds = openirp_client::Credentials {
            client_id: field("client_id"),
            client_secret: field("client_secret"),
            username: field("username"),
            password: field("password"),
            gstin: field("gstin"),
        };
        let client = openirp_client::NicClient::new(&self.base, &pem, creds).unwrap();
        let invoice = inter_state_invoice(&field("gstin"), buyer, doc_no, &today());
        client.generate(invoice.as_bytes()).await.unwrap().irn
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The binary with the taxpayer's credentials in `OPENIRP_*` and no config file of the machine's.
pub struct Cli {
    pub env: Vec<(String, String)>,
    pub home: tempfile::TempDir,
}

impl Cli {
    pub fn new(server: &Server, tp: &Value) -> Cli {
        let home = tempfile::tempdir().unwrap();
        let field = |k: &str| tp[k].as_str().unwrap().to_string();
        let env = vec![
            ("OPENIRP_URL".to_string(), server.base.clone()),
            ("OPENIRP_CLIENT_ID".to_string(), field("client_id")),
            ("OPENIRP_CLIENT_SECRET".to_string(), field("client_secret")),
            ("OPENIRP_GSTIN".to_string(), field("gstin")),
            ("OPENIRP_USERNAME".to_string(), field("username")),
            ("OPENIRP_PASSWORD".to_string(), field("password")),
            (
                "OPENIRP_TOKEN_CACHE".to_string(),
                home.path().join("token.json").display().to_string(),
            ),
            (
                "XDG_CONFIG_HOME".to_string(),
                home.path().display().to_string(),
            ),
            ("OPENIRP_LOG".to_string(), "warn".to_string()),
        ];
        Cli { env, home }
    }

    pub async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openirp"));
        cmd.args(args).envs(self.env.iter().map(|(k, v)| (k, v)));
        tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
            .await
            .unwrap()
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An inter-state goods invoice from Bengaluru (29, PIN 560001) to Mumbai (27, PIN 400001), always
/// the same text for the same arguments (so a resend is exactly what was sent).
pub fn inter_state_invoice(seller: &str, buyer: &str, doc_no: &str, date: &str) -> String {
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},
        "DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},
        "SellerDtls":{{"Gstin":"{seller}","LglNm":"Seller Private Limited","Addr1":"1 MG Road","Loc":"Bengaluru","Pin":560001,"Stcd":"29"}},
        "BuyerDtls":{{"Gstin":"{buyer}","LglNm":"Buyer Private Limited","Pos":"27","Addr1":"Fort","Loc":"Mumbai","Pin":400001,"Stcd":"27"}},
        "ItemList":[{{"SlNo":"1","PrdDesc":"Laptop","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":500.0,
          "TotAmt":1000.0,"AssAmt":1000.0,"GstRt":18,"IgstAmt":180.0,"TotItemVal":1180.0}}],
        "ValDtls":{{"AssVal":1000.0,"IgstVal":180.0,"TotInvVal":1180.0}}}}"#
    )
}

pub fn today() -> String {
    openirp_model::time::format_doc_date(openirp_model::time::ist_date(
        chrono::Utc::now().timestamp(),
    ))
}
