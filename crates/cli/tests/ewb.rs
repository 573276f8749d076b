//! `openirp ewb generate|get|cancel` through the real binary against a real server in this process:
//! an e-way bill by road with the distance computed from the PIN codes, get, cancel, the EWB
//! system's refusal of a second cancel, a Part-A slip, 4002 for a second EWB, a raw `--json` request.

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

/// The value of a `Label   value` line of the text output.
fn line_value(text: &str, label: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label} in {text}"))
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_get_cancel_by_road_and_a_part_a_slip() {
    let server = Server::start().await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("27").await;
    let transporter = server.taxpayer("29").await;
    let buyer_gstin = buyer["gstin"].as_str().unwrap();
    let cli = Cli::new(&server, &seller);
    let irn = server.register(&seller, buyer_gstin, "CLI/EWB/1").await;

    let generated = cli
        .run(&["ewb", "generate", "--irn", &irn, "--vehicle", "KA01AB1234"])
        .await;
    assert!(generated.status.success(), "{}", stderr(&generated));
    let text = stdout(&generated);
    let ewb_no = line_value(&text, "EwbNo");
    assert_eq!(ewb_no.len(), 12, "{text}");
    assert!(!line_value(&text, "ValidTill").contains("Part-A"), "{text}");
    assert!(line_value(&text, "Distance").contains("km"), "{text}");

    let got = cli.run(&["ewb", "get", "--irn", &irn]).await;
    assert!(got.status.success(), "{}", stderr(&got));
    let text = stdout(&got);
    assert_eq!(line_value(&text, "EwbNo"), ewb_no);
    assert_eq!(line_value(&text, "Status"), "ACT");
    assert_eq!(
        line_value(&text, "GenGstin"),
        seller["gstin"].as_str().unwrap()
    );
    let got = cli
        .run(&["ewb", "get", "--irn", &irn, "--format", "json"])
        .await;
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(got["EwbNo"].to_string(), ewb_no);

    // One EWB per IRN: the NIC error and exit code 1.
    let again = cli
        .run(&["ewb", "generate", "--irn", &irn, "--vehicle", "KA01AB1234"])
        .await;
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("4002"), "{}", stderr(&again));

    // Cancel: argument checks first, then the EWB system.
    let bad_reason = cli
        .run(&[
            "ewb", "cancel", "--ewb-no", &ewb_no, "--reason", "lost", "--remark", "x",
        ])
        .await;
    assert_eq!(bad_reason.status.code(), Some(2));
    let long = "x".repeat(51);
    let bad_remark = cli
        .run(&[
            "ewb", "cancel", "--ewb-no", &ewb_no, "--reason", "4", "--remark", &long,
        ])
        .await;
    assert_eq!(bad_remark.status.code(), Some(1));
    let cancel = [
        "ewb",
        "cancel",
        "--ewb-no",
        &ewb_no,
        "--reason",
        "order-cancelled",
        "--remark",
        "Order cancelled",
    ];
    let cancelled = cli.run(&cancel).await;
    assert!(cancelled.status.success(), "{}", stderr(&cancelled));
    assert!(
        stdout(&cancelled).contains(&format!("e-way bill {ewb_no} cancelled on ")),
        "{}",
        stdout(&cancelled)
    );
    let text = stdout(&cli.run(&["ewb", "get", "--irn", &irn]).await);
    assert_eq!(line_value(&text, "Status"), "CNL");
    let twice = cli.run(&cancel).await;
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("312")
            && stderr(&twice).contains("not generated by you or cancelled"),
        "{}",
        stderr(&twice)
    );

    // A Part-A slip: only the transporter.
    let irn2 = server.register(&seller, buyer_gstin, "CLI/EWB/2").await;
    let part_a = cli
        .run(&[
            "ewb",
            "generate",
            "--irn",
            &irn2,
            "--transporter-id",
            transporter["gstin"].as_str().unwrap(),
            "--format",
            "json",
        ])
        .await;
    assert!(part_a.status.success(), "{}", stderr(&part_a));
    let part_a: Value = serde_json::from_slice(&part_a.stdout).unwrap();
    assert!(part_a["EwbValidTill"].is_null(), "{part_a}");
    assert_ne!(part_a["EwbNo"].to_string(), ewb_no);
    let text = stdout(&cli.run(&["ewb", "get", "--irn", &irn2]).await);
    assert!(
        line_value(&text, "ValidTill").starts_with("Part-A only"),
        "{text}"
    );

    // The raw request from a file.
    let irn3 = server.register(&seller, buyer_gstin, "CLI/EWB/3").await;
    let file = cli.home.path().join("ewb.json");
    std::fs::write(
        &file,
        json!({"Irn": irn3, "Distance": 990, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R"})
            .to_string(),
    )
    .unwrap();
    let raw = cli
        .run(&["ewb", "generate", "--json", file.to_str().unwrap()])
        .await;
    assert!(raw.status.success(), "{}", stderr(&raw));
    assert!(!stdout(&raw).contains("Distance"), "{}", stdout(&raw));
    assert_eq!(
        cli.run(&[
            "ewb",
            "generate",
            "--json",
            file.to_str().unwrap(),
            "--irn",
            &irn3
        ])
        .await
        .status
        .code(),
        Some(2)
    );
}
