//! `openirp qr`, `print` and `verify` as a user runs them: the real binary against a real server on a
//! loopback port, with credentials in OPENIRP_* variables. zbarimg and pdftotext (zbar-tools,
//! poppler-utils) are required; CI installs them.

use openirp_client::{Credentials, NicClient};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

struct Server {
    base: String,
    state: openirp_server::Shared,
    _dir: tempfile::TempDir,
}

async fn start_server() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = openirp_server::Config::new(dir.path().join("data"));
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.durable = false;
    let state = openirp_server::open(config).await.expect("server opens");
    let listener = openirp_server::bind(&state).await.expect("server binds");
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(openirp_server::serve(
        state.clone(),
        listener,
        std::future::pending(),
    ));
    Server {
        base,
        state,
        _dir: dir,
    }
}

async fn new_taxpayer(server: &Server) -> Credentials {
    let res = reqwest::Client::new()
        .post(format!("{}/sandbox/v1/taxpayers", server.base))
        .json(&json!({"state_code": "29"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "taxpayer creation");
    let v: Value = res.json().await.unwrap();
    let field = |k: &str| v[k].as_str().unwrap().to_string();
    Credentials {
        client_id: field("client_id"),
        client_secret: field("client_secret"),
        username: field("username"),
        password: field("password"),
        gstin: field("gstin"),
    }
}

/// NIC's sample invoice for this seller (address from the master), registered over the API.
async fn generate(server: &Server, creds: &Credentials) -> Value {
    let key = NicClient::fetch_auth_public_key(&server.base)
        .await
        .unwrap();
    let mut nic = NicClient::new(&server.base, &key, creds.clone()).unwrap();
    nic.authenticate(false).await.expect("login");
    let mut invoice: Value = serde_json::from_str(include_str!(
        "../../server/tests/fixtures/nic-sample-invoice.json"
    ))
    .unwrap();
    let master = server
        .state
        .store
        .get_gstin(&creds.gstin)
        .await
        .unwrap()
        .expect("seller in the master");
    invoice["SellerDtls"]["Gstin"] = json!(creds.gstin);
    invoice["SellerDtls"]["Stcd"] = json!(&creds.gstin[..2]);
    invoice["SellerDtls"]["Pin"] = json!(master.pincode);
    invoice["SellerDtls"]["Loc"] = json!(master.addr_loc);
    invoice["DocDtls"]["No"] = json!("PRINT/1");
    invoice["DocDtls"]["Dt"] = json!(openirp_model::time::format_doc_date(
        openirp_model::time::ist_date(server.state.now())
    ));
    nic.generate_irn(invoice.to_string().as_bytes())
        .await
        .expect("IRN generated")
}

/// Runs `openirp ARGS` with only the OPENIRP_* settings of `creds`, off the async runtime.
async fn openirp(server: &Server, creds: &Credentials, home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openirp"));
    cmd.args(args)
        .env_clear()
        .env("HOME", home)
        .env("OPENIRP_URL", &server.base)
        .env("OPENIRP_CLIENT_ID", &creds.client_id)
        .env("OPENIRP_CLIENT_SECRET", &creds.client_secret)
        .env("OPENIRP_GSTIN", &creds.gstin)
        .env("OPENIRP_USERNAME", &creds.username)
        .env("OPENIRP_PASSWORD", &creds.password)
        .env("OPENIRP_TOKEN_CACHE", home.join("token.json"));
    tokio::task::spawn_blocking(move || cmd.output().expect("the openirp binary runs"))
        .await
        .unwrap()
}

/// Whether zbarimg and poppler's tools are here. Without them the tool tests say SKIPPED and pass,
/// unless `OPENIRP_REQUIRE_TOOLS` is set (as `.ci/run` does), where a missing tool fails the run.
fn tools_present() -> bool {
    let missing: Vec<&str> = ["zbarimg", "pdftoppm", "pdftotext"]
        .into_iter()
        .filter(|tool| Command::new(tool).arg("-v").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_none(),
        "OPENIRP_REQUIRE_TOOLS is set but {missing:?} are missing: apt-get install zbar-tools poppler-utils"
    );
    eprintln!("SKIPPED: {missing:?} not installed (apt-get install zbar-tools poppler-utils)");
    false
}

fn required_tool(tool: &str, args: &[&str]) -> Output {
    Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is required for this test ({e}); install it: apt-get install zbar-tools poppler-utils")
    })
}

fn assert_exit(output: &Output, code: i32, what: &str) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Width from the PNG IHDR chunk.
fn png_width(png: &[u8]) -> u32 {
    u32::from_be_bytes(png[16..20].try_into().unwrap())
}

/// The same JWS with one payload member changed and the original signature.
fn tampered(jws: &str) -> String {
    let mut parts = jws.split('.');
    let (header, payload, signature) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let mut claims: Value =
        serde_json::from_slice(&openirp_crypto::b64url_decode(payload).unwrap()).unwrap();
    claims["iss"] = json!("Forged IRP");
    let forged = openirp_crypto::b64url_encode(claims.to_string().as_bytes());
    format!("{header}.{forged}.{signature}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_print_and_verify_an_irn_from_a_real_server() {
    if !tools_present() {
        return;
    }
    let server = start_server().await;
    let creds = new_taxpayer(&server).await;
    let generated = generate(&server, &creds).await;
    let irn = generated["Irn"].as_str().unwrap().to_string();
    let signed_qr = generated["SignedQRCode"].as_str().unwrap().to_string();
    let signed_invoice = generated["SignedInvoice"].as_str().unwrap().to_string();
    let home = tempfile::tempdir().unwrap();
    let at = |name: &str| home.path().join(name).to_str().unwrap().to_string();

    // qr: a PNG at least 5 cm at 300 dpi that zbarimg reads back to the exact SignedQRCode.
    let out = openirp(
        &server,
        &creds,
        home.path(),
        &["qr", &irn, "--png", &at("qr.png")],
    )
    .await;
    assert_exit(&out, 0, "openirp qr IRN");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(" cm"),
        "size printed"
    );
    let png = std::fs::read(at("qr.png")).unwrap();
    assert!(png_width(&png) >= 591, "{} px wide", png_width(&png));
    let scanned = required_tool("zbarimg", &["--raw", "-q", &at("qr.png")]);
    assert!(scanned.status.success(), "zbarimg: {scanned:?}");
    assert_eq!(
        String::from_utf8(scanned.stdout)
            .unwrap()
            .trim_end_matches('\n'),
        signed_qr
    );

    // print: a PDF whose text holds the IRN.
    let out = openirp(
        &server,
        &creds,
        home.path(),
        &["print", &irn, "--pdf", &at("invoice.pdf")],
    )
    .await;
    assert_exit(&out, 0, "openirp print IRN");
    let text = required_tool("pdftotext", &[&at("invoice.pdf"), "-"]);
    assert!(text.status.success(), "pdftotext: {text:?}");
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(&irn) && text.contains('₹'),
        "PDF text:\n{text}"
    );

    // verify: the QR image, the SignedInvoice string, and a saved response against the JWKS.
    let out = openirp(&server, &creds, home.path(), &["verify", &at("qr.png")]).await;
    assert_exit(&out, 0, "openirp verify PNG");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("signature valid") && stdout.contains(&irn),
        "{stdout}"
    );

    let out = openirp(&server, &creds, home.path(), &["verify", &signed_invoice]).await;
    assert_exit(&out, 0, "openirp verify SignedInvoice");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("\"Irn\": \"{irn}\"")));

    let jwks = reqwest::get(format!("{}/.well-known/jwks.json", server.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(at("jwks.json"), jwks).unwrap();
    std::fs::write(at("response.json"), generated.to_string()).unwrap();
    let out = openirp(
        &server,
        &creds,
        home.path(),
        &["verify", &at("response.json"), "--jwks", &at("jwks.json")],
    )
    .await;
    assert_exit(&out, 0, "openirp verify response --jwks");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("SignedInvoice: signature valid")
            && stdout.contains("SignedQRCode: signature valid")
    );

    // A forged document exits 1; unreadable input exits 2.
    let out = openirp(
        &server,
        &creds,
        home.path(),
        &["verify", &tampered(&signed_invoice)],
    )
    .await;
    assert_exit(&out, 1, "openirp verify of a tampered JWS");
    assert!(String::from_utf8_lossy(&out.stderr).contains("INVALID"));
    std::fs::write(at("noise.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let out = openirp(&server, &creds, home.path(), &["verify", &at("noise.png")]).await;
    assert_exit(&out, 2, "openirp verify of a broken image");

    // print --from needs no IRP (its URL here is unreachable) given the certificate, and refuses a forged answer.
    let cert = reqwest::get(format!("{}/keys/signing-cert.pem", server.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(at("cert.pem"), cert).unwrap();
    let offline = Server {
        base: "http://127.0.0.1:9".into(),
        state: server.state.clone(),
        _dir: tempfile::tempdir().unwrap(),
    };
    let from = [
        "print",
        "--from",
        &at("response.json"),
        "--pdf",
        &at("offline.pdf"),
        "--cert",
        &at("cert.pem"),
    ];
    let out = openirp(&offline, &creds, home.path(), &from).await;
    assert_exit(&out, 0, "openirp print --from");
    let mut forged = generated.clone();
    forged["SignedInvoice"] = json!(tampered(&signed_invoice));
    std::fs::write(at("response.json"), forged.to_string()).unwrap();
    let out = openirp(&offline, &creds, home.path(), &from).await;
    assert_exit(&out, 1, "openirp print of a forged answer");
}
