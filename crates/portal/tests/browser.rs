//! The whole journey of a GSP and of a taxpayer in real headless Chromium (Debian's `chromium`, driven
//! through `chromedriver`): register → OTP from the outbox → credentials → GSTIN → API user → Try it:
//! Generate IRN → the decoded QR shows the IRN; then the credentials work from a NIC client over HTTP,
//! and a GSP link opens and closes a taxpayer's users to the GSP. Screenshots of the main pages go to
//! `target/tmp/screenshots/`.
//!
//! Without ChromeDriver on the machine the test says so and passes, unless `OPENIRP_REQUIRE_TOOLS` is
//! set, as `.ci/run` does: there a missing browser fails the run.

mod harness;

use fantoccini::{Client, ClientBuilder, Locator};
use harness::TestPortal;
use openirp_client::Credentials;
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The chromedriver process, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver and a headless Chromium session, or None when the machine has no browser (and
/// the run does not require one).
async fn browser() -> Option<(Driver, Client)> {
    let present =
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists();
    if !present {
        assert!(
            std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_none(),
            "OPENIRP_REQUIRE_TOOLS is set but {CHROMEDRIVER} or {CHROMIUM} is missing \
             (apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "SKIPPED: no {CHROMEDRIVER}; install chromium and chromium-driver to run the browser journeys"
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let profile = tempfile::tempdir().unwrap().keep();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let caps = match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!(),
    };
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        let connected = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps.clone())
            .connect(&url)
            .await;
        match connected {
            Ok(client) => return Some((driver, client)),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver did not answer on port {port}");
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn save_screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// The element, waiting up to 30 seconds (a loaded CI machine) for the page that holds it to load.
async fn element(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Waits until `check` holds for the page source.
async fn wait_for_source(c: &Client, what: &str, check: impl Fn(&str) -> bool) {
    for _ in 0..300 {
        if check(&c.source().await.unwrap()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Runs `act` on the element, finding it again if the page was still being replaced when it was first
/// found (a stale element).
async fn on_element<F, Fut, T>(c: &Client, css: &str, act: F) -> T
where
    F: Fn(fantoccini::elements::Element) -> Fut,
    Fut: std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
{
    let mut last = None;
    for _ in 0..20 {
        match act(element(c, css).await).await {
            Ok(value) => return value,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: {last:?}");
}

async fn fill(c: &Client, css: &str, text: &str) {
    on_element(c, css, |e| async move {
        e.clear().await?;
        e.send_keys(text).await
    })
    .await
}

async fn click(c: &Client, css: &str) {
    on_element(c, css, |e| async move { e.click().await }).await
}

async fn text_of(c: &Client, css: &str) -> String {
    on_element(c, css, |e| async move { e.text().await })
        .await
        .trim()
        .to_string()
}

async fn select(c: &Client, css: &str, value: &str) {
    on_element(c, css, |e| async move {
        e.select_by_value(value).await.map(drop)
    })
    .await
}

/// Reads the newest OTP for `mobile` from the sandbox outbox page, in a second tab.
async fn otp_from_outbox(c: &Client, base: &str, mobile: &str) -> String {
    let form_tab = c.window().await.unwrap();
    let tab = c.new_window(true).await.unwrap();
    c.switch_to_window(tab.handle).await.unwrap();
    c.goto(&format!("{base}/sandbox/outbox?to={mobile}"))
        .await
        .unwrap();
    let body = text_of(c, "table .body").await;
    c.close_window().await.unwrap();
    c.switch_to_window(form_tab).await.unwrap();
    let code: String = body.chars().take_while(|ch| ch.is_ascii_digit()).collect();
    assert_eq!(code.len(), 6, "OTP message: {body}");
    code
}

struct Account {
    client_id: String,
    client_secret: String,
}

/// Register → OTP from the outbox → credentials page.
async fn register(
    c: &Client,
    base: &str,
    category: &str,
    identifier: &str,
    name: &str,
    mobile: &str,
    shot: &str,
) -> Account {
    c.goto(&format!("{base}/register")).await.unwrap();
    click(c, &format!("input[name=category][value={category}]")).await;
    fill(c, "#identifier", identifier).await;
    fill(c, "#name", name).await;
    fill(c, "#mobile", mobile).await;
    fill(c, "#email", "dev@example.com").await;
    if !shot.is_empty() {
        save_screenshot(c, &format!("{shot}-1-register")).await;
    }
    click(c, "#register-submit").await;
    // The OTP form shows once the code is stored and sent; only then is it in the outbox.
    element(c, "#code").await;
    let code = otp_from_outbox(c, base, mobile).await;
    fill(c, "#code", &code).await;
    if !shot.is_empty() {
        save_screenshot(c, &format!("{shot}-2-otp")).await;
    }
    click(c, "#otp-submit").await;
    let account = Account {
        client_id: text_of(c, "#client-id").await,
        client_secret: text_of(c, "#client-secret").await,
    };
    if !shot.is_empty() {
        save_screenshot(c, &format!("{shot}-3-credentials")).await;
    }
    account
}

/// Workspace → GSTIN in `state` (generated) → listed GSTIN.
async fn mint_gstin(c: &Client, base: &str, state: &str) -> String {
    c.goto(&format!("{base}/workspace")).await.unwrap();
    select(c, "#state_code", state).await;
    click(c, "#mint-gstin").await;
    let listed = format!("<code class=\"gstin\">{state}");
    wait_for_source(c, "the new GSTIN", |html| html.contains(&listed)).await;
    let html = c.source().await.unwrap();
    let at = html.find(&listed).unwrap() + listed.len() - state.len();
    html[at..at + 15].to_string()
}

/// Workspace → new API user for `gstin` with a generated password.
async fn create_user(c: &Client, base: &str, gstin: &str) -> (String, String) {
    c.goto(&format!("{base}/workspace")).await.unwrap();
    select(c, "#user-gstin", gstin).await;
    click(c, "#create-user").await;
    (
        text_of(c, "#new-username").await,
        text_of(c, "#new-password").await,
    )
}

/// Try it: Generate IRN for `username`; returns (IRN in the response, IRN decoded from the QR).
async fn try_generate_irn(
    c: &Client,
    base: &str,
    account: &Account,
    username: &str,
    password: &str,
    shot: &str,
) -> (String, String) {
    // The console preselects the API and user from the query and loads their sample request.
    c.goto(&format!("{base}/console?api=generate_irn&user={username}"))
        .await
        .unwrap();
    let request = on_element(c, "#request", |e| async move { e.prop("value").await }).await;
    assert!(
        request.is_some_and(|r| r.contains("\"DocDtls\"")),
        "a sample invoice to edit"
    );
    fill(c, "#password", password).await;
    fill(c, "#client_secret", &account.client_secret).await;
    if !shot.is_empty() {
        save_screenshot(c, &format!("{shot}-5-console")).await;
    }
    click(c, "#console-run").await;
    let irn = text_of(c, "#irn").await;
    let qr_irn = text_of(c, "#qr-irn").await;
    if !shot.is_empty() {
        save_screenshot(c, &format!("{shot}-6-console-result")).await;
    }
    (irn, qr_irn)
}

/// The IRN of a Generate IRN made from a NIC client with these credentials over HTTP.
async fn generate_over_api(portal: &TestPortal, creds: Credentials) -> Result<String, String> {
    let mut nic = portal.nic_client(creds.clone()).await;
    nic.authenticate(false).await.map_err(|e| e.to_string())?;
    let mut invoice: serde_json::Value = serde_json::from_str(include_str!(
        "../../server/tests/fixtures/nic-sample-invoice.json"
    ))
    .unwrap();
    invoice["SellerDtls"]["Gstin"] = json!(creds.gstin);
    invoice["SellerDtls"]["Stcd"] = json!(&creds.gstin[..2]);
    let master = portal
        .app
        .store
        .get_gstin(&creds.gstin)
        .await
        .unwrap()
        .expect("seller in the master");
    invoice["SellerDtls"]["Pin"] = json!(master.pincode);
    invoice["SellerDtls"]["Loc"] = json!(master.addr_loc);
    invoice["DocDtls"]["No"] = json!(format!("API/{}", &harness_suffix()));
    invoice["DocDtls"]["Dt"] = json!(openirp_model::time::format_doc_date(
        openirp_model::time::ist_date(portal.app.now())
    ));
    let answer = nic
        .generate_irn(invoice.to_string().as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    Ok(answer["Irn"].as_str().unwrap_or_default().to_string())
}

fn harness_suffix() -> String {
    format!(
        "{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gsp_and_taxpayer_journeys_in_chromium() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let portal = TestPortal::sandbox().await;
    let base = portal.base.clone();

    // The GSP: register with its PAN, make a dummy GSTIN and a user, generate an IRN in the console.
    let gsp = register(
        &c,
        &base,
        "GSP",
        "AAACG5678G",
        "Journey GSP Private Limited",
        "9811111111",
        "gsp",
    )
    .await;
    let gsp_gstin = mint_gstin(&c, &base, "29").await;
    let (gsp_user, gsp_password) = create_user(&c, &base, &gsp_gstin).await;
    c.goto(&format!("{base}/workspace")).await.unwrap();
    save_screenshot(&c, "gsp-4-workspace").await;
    let (irn, qr_irn) = try_generate_irn(&c, &base, &gsp, &gsp_user, &gsp_password, "gsp").await;
    assert_eq!(irn.len(), 64, "an IRN: {irn}");
    assert_eq!(irn, qr_irn, "the decoded QR carries the IRN");
    let verified = text_of(&c, "body").await;
    assert!(
        verified.contains("Signature valid"),
        "signatures verified on the page"
    );
    // The same credentials from a NIC client over HTTP.
    let from_api = generate_over_api(
        &portal,
        Credentials {
            client_id: gsp.client_id.clone(),
            client_secret: gsp.client_secret.clone(),
            username: gsp_user.clone(),
            password: gsp_password.clone(),
            gstin: gsp_gstin.clone(),
        },
    )
    .await
    .expect("the GSP's credentials work over the API");
    assert_eq!(from_api.len(), 64);

    // Log out; the taxpayer registers with its GSTIN in the same browser.
    c.goto(&format!("{base}/workspace")).await.unwrap();
    click(&c, "header form.inline button").await;
    element(&c, "header a[href='/login']").await;
    let taxpayer_gstin = openirp_model::gstin::make_gstin(27, "AAACT5678T", 1).unwrap();
    let taxpayer = register(
        &c,
        &base,
        "TAXPAYER",
        &taxpayer_gstin,
        "",
        "9822222222",
        "taxpayer",
    )
    .await;
    let (tp_user, tp_password) = create_user(&c, &base, &taxpayer_gstin).await;
    // A sister concern of the same PAN in another state is covered by the same client id.
    let sister = mint_gstin(&c, &base, "33").await;
    assert_eq!(&sister[2..12], "AAACT5678T");
    let (irn, qr_irn) =
        try_generate_irn(&c, &base, &taxpayer, &tp_user, &tp_password, "taxpayer").await;
    assert_eq!(irn, qr_irn);
    let tp_creds = |client_id: &str, secret: &str| Credentials {
        client_id: client_id.to_string(),
        client_secret: secret.to_string(),
        username: tp_user.clone(),
        password: tp_password.clone(),
        gstin: taxpayer_gstin.clone(),
    };
    generate_over_api(
        &portal,
        tp_creds(&taxpayer.client_id, &taxpayer.client_secret),
    )
    .await
    .expect("the taxpayer's own client works");

    // Not linked yet: the GSP's client id cannot act for the taxpayer's user (NIC 1018).
    let refused = generate_over_api(&portal, tp_creds(&gsp.client_id, &gsp.client_secret)).await;
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("1018")),
        "{refused:?}"
    );
    // Link the GSP in the workspace: now it can.
    c.goto(&format!("{base}/workspace#gsps")).await.unwrap();
    select(&c, "#gsp_client", &gsp.client_id).await;
    click(&c, "#link-gsp").await;
    wait_for_source(&c, "the GSP link", |html| {
        html.contains("id=\"link-table\"")
    })
    .await;
    save_screenshot(&c, "taxpayer-4-workspace-linked").await;
    generate_over_api(&portal, tp_creds(&gsp.client_id, &gsp.client_secret))
        .await
        .expect("a linked GSP's client works with the taxpayer's user");
    // Unlink: it stops working again.
    c.goto(&format!("{base}/workspace#gsps")).await.unwrap();
    click(&c, "#link-table button").await;
    wait_for_source(&c, "the GSP unlink", |html| {
        !html.contains("id=\"link-table\"")
    })
    .await;
    let refused = generate_over_api(&portal, tp_creds(&gsp.client_id, &gsp.client_secret)).await;
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("1018")),
        "{refused:?}"
    );

    // The main reading pages, on a phone-sized window too.
    for (path, name) in [
        ("/", "home"),
        ("/docs", "docs"),
        ("/api-docs/", "swagger"),
        ("/status", "status"),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        save_screenshot(&c, &format!("page-{name}")).await;
    }
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/workspace")).await.unwrap();
    save_screenshot(&c, "phone-workspace").await;
    c.close().await.unwrap();
}
