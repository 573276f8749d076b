//! `openirp gstr1` through the real binary against a real server in this process: the month's JSON
//! and one CSV per non-empty section beside it, with the registered invoice under b2b.

use serde_json::{Value, json};
use std::process::Output;

struct Server {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
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
    async fn taxpayer(&self, state_code: &str) -> Value {
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
    async fn register(&self, seller: &Value, buyer: &str, doc_no: &str) -> String {
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
        let invoice = format!(
            r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},
            "DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},
            "SellerDtls":{{"Gstin":"{seller}","LglNm":"Seller Private Limited","Addr1":"1 MG Road","Loc":"Bengaluru","Pin":560001,"Stcd":"29"}},
            "BuyerDtls":{{"Gstin":"{buyer}","LglNm":"Buyer Private Limited","Pos":"27","Addr1":"Fort","Loc":"Mumbai","Pin":400001,"Stcd":"27"}},
            "ItemList":[{{"SlNo":"1","PrdDesc":"Laptop","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":500.0,
              "TotAmt":1000.0,"AssAmt":1000.0,"GstRt":18,"IgstAmt":180.0,"TotItemVal":1180.0}}],
            "ValDtls":{{"AssVal":1000.0,"IgstVal":180.0,"TotInvVal":1180.0}}}}"#,
            seller = field("gstin"),
            date = today()
        );
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
struct Cli {
    env: Vec<(String, String)>,
    home: tempfile::TempDir,
}

impl Cli {
    fn new(server: &Server, tp: &Value) -> Cli {
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

    async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openirp"));
        cmd.args(args).envs(self.env.iter().map(|(k, v)| (k, v)));
        tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
            .await
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn today() -> String {
    openirp_model::time::format_doc_date(openirp_model::time::ist_date(
        chrono::Utc::now().timestamp(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_month_is_written_as_json_and_section_csvs() {
    let server = Server::start().await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("27").await;
    let buyer_gstin = buyer["gstin"].as_str().unwrap();
    let gstin = seller["gstin"].as_str().unwrap();
    let cli = Cli::new(&server, &seller);
    server.register(&seller, buyer_gstin, "CLI/G1/1").await;
    server.register(&seller, buyer_gstin, "CLI/G1/2").await;

    let d = today();
    let period = format!("{}{}", &d[3..5], &d[6..10]);
    let out = cli.home.path().join("returns").join("nov.json");
    let run = cli
        .run(&["gstr1", "--period", &period, "--out", out.to_str().unwrap()])
        .await;
    assert!(run.status.success(), "{}", stderr(&run));
    let text = stdout(&run);
    assert!(
        text.contains(&format!("GSTR-1 of {gstin} for {period}")),
        "{text}"
    );

    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(json["gstin"], gstin);
    assert_eq!(json["fp"], period.as_str());
    let b2b = cli.home.path().join("returns").join("nov-b2b.csv");
    let csv = std::fs::read_to_string(&b2b).unwrap();
    assert!(
        csv.contains(buyer_gstin) && csv.contains("CLI/G1/1") && csv.contains("CLI/G1/2"),
        "{csv}"
    );
    let b2b_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("b2b "))
        .unwrap_or_else(|| panic!("no b2b line: {text}"));
    assert!(
        b2b_line.contains(" 2 ") && b2b_line.contains("nov-b2b.csv"),
        "{b2b_line}"
    );
    // Only non-empty sections get a file: no credit notes were issued.
    assert!(
        !cli.home
            .path()
            .join("returns")
            .join("nov-cdnr.csv")
            .exists()
    );
    for listed in text.lines().filter_map(|l| l.split_whitespace().last()) {
        if listed.ends_with(".csv") {
            assert!(std::path::Path::new(listed).exists(), "{listed}");
        }
    }

    let report = cli
        .run(&[
            "gstr1",
            "--period",
            &period,
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ])
        .await;
    assert!(report.status.success(), "{}", stderr(&report));
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    let files = report["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["section"] == "b2b" && f["count"] == 2),
        "{report}"
    );

    // A bad period is refused before any call; a month without invoices writes only the JSON.
    let bad = cli.run(&["gstr1", "--period", "132026"]).await;
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("--period"), "{}", stderr(&bad));
    let empty = cli.home.path().join("empty.json");
    let run = cli
        .run(&[
            "gstr1",
            "--period",
            "012018",
            "--out",
            empty.to_str().unwrap(),
        ])
        .await;
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(empty.exists());
    assert!(!cli.home.path().join("empty-b2b.csv").exists());
    // Another taxpayer's GSTIN is refused (the SDK test checks the IRP's 403 itself).
    let foreign = cli
        .run(&[
            "gstr1",
            "--period",
            &period,
            "--gstin",
            buyer_gstin,
            "--out",
            empty.to_str().unwrap(),
        ])
        .await;
    assert_eq!(foreign.status.code(), Some(1));
}
