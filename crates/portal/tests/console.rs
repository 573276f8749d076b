//! The Try-it console against a real server on a loopback port: a developer set up directly in the
//! store, a browser played by reqwest (cookies and the CSRF token read from the pages).

use openirp_portal::web::digest_hex;
use openirp_store::{ApiClient, ApiUser, Developer, PortalSession};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

mod harness;

/// A portal and server on one loopback port, as `openirp serve` runs them.
use harness::TestPortal as Site;

/// An active developer with one API user, and the secrets the console asks for.
struct Dev {
    client_id: String,
    client_secret: String,
    username: String,
    password: String,
    gstin: String,
    /// The `openirp_session` cookie value.
    session: String,
}

/// Creates a taxpayer developer in `state` (GSTIN master record, account, client, user, signed-in
/// browser session) directly in the store.
async fn developer(site: &Site, tag: &str, state: u8, pan: &str) -> Dev {
    let store = &site.app.store;
    let now = site.app.now();
    let gstin = openirp_model::gstin::make_gstin(state, pan, 1).expect("valid GSTIN");
    let name = format!("Console Test {tag} Pvt Ltd");
    let record = openirp_server::sandbox::taxpayer_record(&gstin, state, &name, &name);
    store.put_gstin(&record).await.unwrap();

    let id = format!("dev-{tag}");
    store
        .create_developer(&Developer {
            id: id.clone(),
            category: "TAXPAYER".into(),
            pan: pan.into(),
            gstin: Some(gstin.clone()),
            name: name.clone(),
            mobile: "9000000000".into(),
            email: format!("{tag}@example.com"),
            status: "PENDING".into(),
            client_id: None,
            password_hash: None,
            failed_logins: 0,
            locked_until: 0,
            created_at: now,
        })
        .await
        .unwrap();
    let client_id = format!("CONSOLE{}", tag.to_ascii_uppercase());
    let client_secret = format!("Secret-{tag}-0123456789");
    let client = ApiClient {
        client_id: client_id.clone(),
        secret_hash: openirp_server::secrets::hash_secret(&client_secret).unwrap(),
        name: name.clone(),
        pan: Some(pan.into()),
        created_at: now,
        allowed_ips: Vec::new(),
    };
    assert!(
        store
            .activate_developer(&id, "PENDING", &client)
            .await
            .unwrap()
    );

    let username = format!("API_{}", tag.to_ascii_uppercase());
    let password = "Pa$$w0rd#1".to_string();
    let user = ApiUser {
        username: username.clone(),
        gstin: gstin.clone(),
        password_hash: openirp_server::secrets::hash_secret(&password).unwrap(),
        active: true,
        created_at: now,
        owner_client: Some(client_id.clone()),
    };
    store
        .create_user(&user, std::slice::from_ref(&client_id))
        .await
        .unwrap();

    let session = openirp_portal::web::random_hex();
    store
        .create_portal_session(&PortalSession {
            id_hash: digest_hex(&session),
            kind: "DEVELOPER".into(),
            subject: id,
            created_at: now,
            expires_at: now + 3600,
        })
        .await
        .unwrap();
    Dev {
        client_id,
        client_secret,
        username,
        password,
        gstin,
        session,
    }
}

/// A browser: its cookies and the CSRF token of its visitor cookie.
struct Browser {
    cookies: String,
    csrf: String,
}

/// Opens `/console` as `dev` and keeps the visitor cookie and the form's CSRF token, as a browser does.
async fn open_console(site: &Site, dev: &Dev) -> (Browser, String) {
    let session_cookie = format!("openirp_session={}", dev.session);
    let res = site
        .http
        .get(site.url("/console"))
        .header(COOKIE, &session_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let visitor = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("openirp_visitor="))
        .and_then(|v| v.split(';').next())
        .expect("a visitor cookie")
        .to_string();
    let html = res.text().await.unwrap();
    let csrf = attribute_after(&html, "name=\"csrf\" value=\"").expect("a csrf field");
    let browser = Browser {
        cookies: format!("openirp_visitor={visitor}; {session_cookie}"),
        csrf,
    };
    (browser, html)
}

/// The text up to the next `"` after `marker`.
fn attribute_after(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

/// The text content of the element with `id` (no nested elements), unescaped.
fn element_text(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let start = html.find(&marker)?;
    let open_end = start + html[start..].find('>')? + 1;
    let close = open_end + html[open_end..].find('<')?;
    Some(unescape(&html[open_end..close]))
}

/// Undoes the HTML escaping of askama.
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Posts a form as the browser; `csrf` is added unless `with_csrf` is false.
async fn post_form(
    site: &Site,
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    with_csrf: bool,
) -> reqwest::Response {
    let mut pairs: Vec<(&str, &str)> = fields.to_vec();
    if with_csrf {
        pairs.push(("csrf", &browser.csrf));
    }
    let body = serde_urlencoded::to_string(&pairs).unwrap();
    site.http
        .post(site.url(path))
        .header(COOKIE, &browser.cookies)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Posts JSON to a console crypto endpoint with the `X-CSRF-Token` header.
async fn post_json(site: &Site, browser: &Browser, path: &str, body: Value) -> reqwest::Response {
    site.http
        .post(site.url(path))
        .header(COOKIE, &browser.cookies)
        .header("x-csrf-token", &browser.csrf)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// Runs `api` with `request` as `dev`'s user and returns the status and page.
async fn run(
    site: &Site,
    browser: &Browser,
    dev: &Dev,
    api: &str,
    password: &str,
    request: &str,
) -> (StatusCode, String) {
    let res = post_form(
        site,
        browser,
        "/console/run",
        &[
            ("api", api),
            ("user", &dev.username),
            ("password", password),
            ("client_secret", &dev.client_secret),
            ("request", request),
            ("action", "run"),
        ],
        true,
    )
    .await;
    let status = res.status();
    (status, res.text().await.unwrap())
}

/// The PNG of the page's QR image, decoded: (width, height).
fn qr_png_size(html: &str) -> (u32, u32) {
    use base64::Engine as _;
    let b64 = attribute_after(html, "src=\"data:image/png;base64,").expect("a PNG data URL");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("PNG pixels");
    (info.width, info.height)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_irn_shows_every_step_and_a_qr_that_carries_the_irn() {
    let site = Site::sandbox().await;
    // Karnataka: the sample's buyer is moved out of the seller's state.
    let dev = developer(&site, "gen", 29, "AAGCB7383J").await;
    let (browser, page) = open_console(&site, &dev).await;
    assert!(page.contains(&format!("{} — {}", dev.username, dev.gstin)));
    assert!(
        page.contains(&dev.client_id),
        "the client id is shown read-only"
    );

    // The prefilled sample, exactly as the form carries it.
    let sample = element_text(&page, "request").expect("the request box");
    assert!(sample.contains("{{SELLER_GSTIN}}"), "{sample}");
    let (status, html) = run(
        &site,
        &browser,
        &dev,
        "generate_irn",
        &dev.password,
        &sample,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");

    // Step 1: AppKey, masked login JSON, RSA payload, SEK.
    let app_key = element_text(&html, "app-key").unwrap();
    assert_eq!(app_key.len(), 44);
    let login = element_text(&html, "login-json").unwrap();
    assert!(login.contains("\"Password\":\"********\""), "{login}");
    assert_eq!(element_text(&html, "login-rsa").unwrap().len(), 344);
    assert_eq!(element_text(&html, "sek").unwrap().len(), 44);
    // Secrets typed in the form never come back.
    assert!(!html.contains(&dev.password));
    assert!(!html.contains(&dev.client_secret));

    // Step 2: the seller placeholder was filled, the body was encrypted, the answer decrypted.
    let plain = element_text(&html, "plain-json").unwrap();
    assert!(plain.contains(&dev.gstin), "{plain}");
    assert!(!plain.contains("{{SELLER_GSTIN}}"));
    assert!(
        element_text(&html, "encrypted-body")
            .unwrap()
            .starts_with("{\"Data\":\"")
    );
    assert!(html.contains("POST /eicore/v1.03/Invoice HTTP/1.1"));

    // Step 3: IRN, both signatures, the QR image and its IRN.
    let irn = element_text(&html, "irn").expect("the IRN");
    assert_eq!(irn.len(), 64, "{irn}");
    assert!(html.contains(&irn));
    assert!(
        element_text(&html, "SignedInvoice-signature")
            .unwrap()
            .contains("Signature valid")
    );
    assert!(
        element_text(&html, "SignedQRCode-signature")
            .unwrap()
            .contains("Signature valid")
    );
    assert!(!html.contains("Signature INVALID"));
    let (width, height) = qr_png_size(&html);
    assert_eq!(width, height);
    assert!(width >= (21 + 8) * 4, "{width}");
    assert_eq!(width % 4, 0);
    assert_eq!(element_text(&html, "qr-irn").as_deref(), Some(irn.as_str()));
    // The sample's EwbDtls are valid: the e-way bill is made with the IRN.
    assert!(!html.contains("EWBERR"), "{html}");

    // The form below has a fresh document number, so running it again makes a new invoice.
    let again = element_text(&html, "request").unwrap();
    let (status, second) = run(&site, &browser, &dev, "generate_irn", &dev.password, &again).await;
    assert_eq!(status, StatusCode::OK);
    let second_irn = element_text(&second, "irn").expect("a second IRN");
    assert_ne!(second_irn, irn);

    // Sending the same text again is a duplicate: NIC's 2150, shown decoded.
    let (_, duplicate) = run(&site, &browser, &dev, "generate_irn", &dev.password, &again).await;
    assert!(duplicate.contains("2150"), "{duplicate}");

    // Get by IRN shows the same signed documents.
    let request = json!({"Irn": irn}).to_string();
    let (status, got) = run(&site, &browser, &dev, "get_irn", &dev.password, &request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(got.contains(&format!("GET /eicore/v1.03/Invoice/irn/{irn} HTTP/1.1")));
    assert_eq!(element_text(&got, "qr-irn").as_deref(), Some(irn.as_str()));
    assert!(got.contains("Signature valid"));

    // Loading a sample for the get APIs fills in the user's latest invoice.
    let res = post_form(
        &site,
        &browser,
        "/console/run",
        &[
            ("api", "get_irn_by_doc"),
            ("user", &dev.username),
            ("action", "load"),
        ],
        true,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let loaded = element_text(&res.text().await.unwrap(), "request").unwrap();
    let by_doc: Value = serde_json::from_str(&loaded).expect("the sample is JSON");
    assert_eq!(by_doc["DocType"], "INV");
    let (status, html) = run(
        &site,
        &browser,
        &dev,
        "get_irn_by_doc",
        &dev.password,
        &loaded,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        element_text(&html, "irn").as_deref(),
        Some(second_irn.as_str())
    );

    // The sample's EwbDtls made an e-way bill with the IRN: Get e-way bill shows it, and the IRN
    // cannot be cancelled while it is active (2230).
    let request = json!({"Irn": irn}).to_string();
    let (status, html) = run(&site, &browser, &dev, "get_ewb", &dev.password, &request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("GET /eiewb/v1.03/ewaybill/irn/{irn} HTTP/1.1")));
    let decrypted = element_text(&html, "decrypted").unwrap();
    assert!(
        decrypted.contains("EwbNo") && decrypted.contains("ACT"),
        "{decrypted}"
    );
    let request = json!({"Irn": irn, "CnlRsn": "1", "CnlRem": "Wrong entry"}).to_string();
    let (_, html) = run(&site, &browser, &dev, "cancel_irn", &dev.password, &request).await;
    assert!(html.contains("2230"), "{html}");

    // An invoice without EwbDtls cancels: the decrypted answer carries the cancel date.
    let mut plain: Value =
        serde_json::from_str(&element_text(&second, "request").unwrap()).unwrap();
    plain.as_object_mut().unwrap().remove("EwbDtls");
    let (_, third) = run(
        &site,
        &browser,
        &dev,
        "generate_irn",
        &dev.password,
        &plain.to_string(),
    )
    .await;
    let third_irn = element_text(&third, "irn").expect("a third IRN");
    let request = json!({"Irn": third_irn, "CnlRsn": "1", "CnlRem": "Wrong entry"}).to_string();
    let (status, html) = run(&site, &browser, &dev, "cancel_irn", &dev.password, &request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        element_text(&html, "decrypted")
            .unwrap()
            .contains("CancelDate"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_explained_and_foreign_users_refused() {
    let site = Site::sandbox().await;
    let dev = developer(&site, "err", 27, "AAPFU0939F").await;
    let other = developer(&site, "oth", 24, "AAACC1206D").await;
    let (browser, _) = open_console(&site, &dev).await;

    // A wrong password is NIC's answer, shown as the step result.
    let (status, html) = run(&site, &browser, &dev, "auth", "Wrong#Pass1", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("1019"), "{html}");
    assert!(html.contains("Incorrect Password"));
    assert!(!html.contains("Wrong#Pass1"));

    // Authenticate only: a session and no API call.
    let (status, html) = run(&site, &browser, &dev, "auth", &dev.password, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(element_text(&html, "sek").is_some());
    assert!(!html.contains("id=\"step-call\""));

    // Invalid JSON in the request box is explained on the form, nothing is sent.
    let (status, html) = run(
        &site,
        &browser,
        &dev,
        "generate_irn",
        &dev.password,
        "{not json",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("not valid JSON"), "{html}");

    // Another developer's user: refused before anything is sent.
    let res = post_form(
        &site,
        &browser,
        "/console/run",
        &[
            ("api", "auth"),
            ("user", &other.username),
            ("password", &other.password),
            ("client_secret", &other.client_secret),
            ("request", ""),
        ],
        true,
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // No CSRF token: refused by the guard.
    let res = post_form(
        &site,
        &browser,
        "/console/run",
        &[
            ("api", "auth"),
            ("user", &dev.username),
            ("password", &dev.password),
            ("client_secret", &dev.client_secret),
        ],
        false,
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Not signed in: sent to the login page.
    let res = site.http.get(site.url("/console")).send().await.unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()[LOCATION].to_str().unwrap();
    assert!(location.starts_with("/login"), "{location}");

    // A GSTIN lookup answers with the master record.
    let (status, html) = run(
        &site,
        &browser,
        &dev,
        "gstin_details",
        &dev.password,
        r#"{"Gstin": "29AWGPV7107B1Z1"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("VIKAS EXPORTS"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crypto_endpoints_round_trip_and_verify() {
    let site = Site::sandbox().await;
    let dev = developer(&site, "cry", 29, "AAGCB7383J").await;
    let (browser, page) = open_console(&site, &dev).await;

    // AES round trip with a 32-byte key.
    let key = openirp_crypto::b64_encode(&[7u8; 32]);
    let res = post_json(
        &site,
        &browser,
        "/console/api/aes-encrypt",
        json!({"key_b64": key, "plain": "{\"Irn\":\"abc\"}"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let data = res.json::<Value>().await.unwrap()["data_b64"]
        .as_str()
        .unwrap()
        .to_string();
    let res = post_json(
        &site,
        &browser,
        "/console/api/aes-decrypt",
        json!({"key_b64": key, "data_b64": data}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["plain"],
        "{\"Irn\":\"abc\"}"
    );

    // Bad input is a 400 with an explanation, never a crash.
    for (path, body) in [
        (
            "/console/api/aes-encrypt",
            json!({"key_b64": "c2hvcnQ=", "plain": "x"}),
        ),
        (
            "/console/api/aes-decrypt",
            json!({"key_b64": key, "data_b64": "!!"}),
        ),
        ("/console/api/verify-jws", json!({"jws": "not a jws"})),
        ("/console/api/qr", json!({"text": ""})),
        ("/console/api/encrypt-login", json!({"wrong": 1})),
    ] {
        let res = post_json(&site, &browser, path, body).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            res.json::<Value>().await.unwrap()["error"].is_string(),
            "{path}"
        );
    }

    // The login body it builds is accepted by the real auth endpoint.
    let login = format!(
        r#"{{"UserName":"{}","Password":"{}","AppKey":"{key}","ForceRefreshAccessToken":false}}"#,
        dev.username, dev.password
    );
    let res = post_json(
        &site,
        &browser,
        "/console/api/encrypt-login",
        json!({"json": login}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.json::<Value>().await.unwrap()["body"]
        .as_str()
        .unwrap()
        .to_string();
    let auth: Value = site
        .http
        .post(site.url("/eivital/v1.04/auth"))
        .header("client_id", &dev.client_id)
        .header("client_secret", &dev.client_secret)
        .header("Gstin", &dev.gstin)
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(auth["Status"], 1, "{auth}");

    // A SignedInvoice from a real run verifies; tampered, it does not.
    let sample = element_text(&page, "request").unwrap();
    let (_, html) = run(
        &site,
        &browser,
        &dev,
        "generate_irn",
        &dev.password,
        &sample,
    )
    .await;
    let irn = element_text(&html, "irn").expect("an IRN");
    let invoice = site.app.store.get_einvoice(&irn).await.unwrap().unwrap();
    let res = post_json(
        &site,
        &browser,
        "/console/api/verify-jws",
        json!({"jws": invoice.signed_invoice}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let verdict: Value = res.json().await.unwrap();
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["header"]["alg"], "RS256");
    assert_eq!(verdict["data"]["Irn"], irn.as_str());

    let mut segments: Vec<String> = invoice
        .signed_invoice
        .split('.')
        .map(str::to_string)
        .collect();
    let mut payload = openirp_crypto::b64url_decode(&segments[1]).unwrap();
    let at = payload.len() / 2;
    payload[at] = if payload[at] == b'1' { b'2' } else { b'1' };
    segments[1] = openirp_crypto::b64url_encode(&payload);
    let res = post_json(
        &site,
        &browser,
        "/console/api/verify-jws",
        json!({"jws": segments.join(".")}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["valid"], false);

    // A QR image of any text.
    let res = post_json(&site, &browser, "/console/api/qr", json!({"text": irn})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CONTENT_TYPE], "image/png");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[1..4], b"PNG");

    // Without the session the endpoints are not available.
    let res = site
        .http
        .post(site.url("/console/api/qr"))
        .header(COOKIE, browser.cookies.split(';').next().unwrap())
        .header("x-csrf-token", &browser.csrf)
        .header(CONTENT_TYPE, "application/json")
        .body(json!({"text": "x"}).to_string())
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
}
