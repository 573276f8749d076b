//! A real OpenIRP server (NIC API + portal) on a loopback port over a real SQLite file, and a small
//! cookie-keeping browser that fills in the CSRF field the way a page's form would.
#![allow(dead_code)]

use openirp_client::{Credentials, NicClient};
use openirp_portal::messaging::Messenger;
use openirp_portal::{Portal, PortalSettings};
use openirp_server::{Config, Mode, Shared};
use reqwest::StatusCode;
use std::collections::HashMap;
use tokio::sync::oneshot;

pub struct TestPortal {
    pub base: String,
    pub app: Shared,
    /// A plain HTTP client that does not follow redirects.
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestPortal {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestPortal {
    pub async fn sandbox() -> Self {
        Self::start(Mode::Sandbox).await
    }

    pub async fn production() -> Self {
        Self::start(Mode::Production).await
    }

    /// A server in `mode`. Messages always go to the outbox table, so tests can read the OTPs.
    pub async fn start(mode: Mode) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(dir.path().join("data"));
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.mode = mode;
        config.durable = false;
        let app = openirp_server::open(config).await.expect("server opens");
        let portal = Portal::new(
            app.clone(),
            PortalSettings::default(),
            Messenger::outbox(app.store.clone()),
        );
        let listener = openirp_server::bind(&app).await.expect("binds");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = openirp_portal::app(portal);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(openirp_server::serve_app(
            app.clone(),
            router,
            listener,
            async {
                let _ = stopped.await;
            },
        ));
        TestPortal {
            base,
            app,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            _dir: dir,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            csrf: None,
        }
    }

    /// The newest OTP sent by SMS to `mobile`.
    pub async fn latest_otp(&self, mobile: &str) -> String {
        let messages = self.app.store.list_outbox(Some(mobile), 10).await.unwrap();
        let sms = messages
            .iter()
            .find(|m| m.channel == "SMS" && m.body.contains("one-time password"))
            .expect("an OTP message in the outbox");
        sms.body[..6].to_string()
    }

    /// A NIC client with these credentials, talking to this server over HTTP.
    pub async fn nic_client(&self, creds: Credentials) -> NicClient {
        let pem = NicClient::fetch_auth_public_key(&self.base).await.unwrap();
        // These tests watch the server end tokens (1005), so the client must not renew by itself.
        NicClient::new(&self.base, &pem, creds)
            .unwrap()
            .with_session_renewal(false)
    }
}

/// A page's answer.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    /// The text of the element with `id` (first occurrence), for pages the portal renders.
    pub fn by_id(&self, id: &str) -> Option<String> {
        let marker = format!("id=\"{id}\"");
        let at = self.body.find(&marker)?;
        let open_end = at + self.body[at..].find('>')? + 1;
        let close = open_end + self.body[open_end..].find('<')?;
        Some(html_unescape(self.body[open_end..close].trim()))
    }

    /// The value of the hidden input `name`.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let at = self.body.find(&marker)? + marker.len();
        let end = at + self.body[at..].find('"')?;
        Some(self.body[at..end].to_string())
    }
}

fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

/// Keeps cookies and the page's CSRF token like a browser does.
pub struct Browser {
    pub base: String,
    http: reqwest::Client,
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        for value in res.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if text.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = res.status();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let body = res.text().await.unwrap();
        let page = Page {
            status,
            location,
            body,
        };
        if let Some(token) = page.hidden("csrf") {
            self.csrf = Some(token);
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    /// Posts a form with the current page's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self
            .csrf
            .clone()
            .expect("a page with a form was loaded first");
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, &[]).await
    }

    /// Posts exactly these fields and extra headers.
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        self.finish(res).await
    }
}

/// Client id and secret of a completed registration.
pub struct Registered {
    pub client_id: String,
    pub client_secret: String,
}

/// Registers through the portal pages: form → OTP from the outbox → credentials page (sandbox).
pub async fn register(
    portal: &TestPortal,
    browser: &mut Browser,
    category: &str,
    identifier: &str,
    name: &str,
    mobile: &str,
) -> Page {
    browser.get("/register").await;
    let sent = browser
        .post(
            "/register",
            &[
                ("category", category),
                ("identifier", identifier),
                ("name", name),
                ("mobile", mobile),
                ("email", "dev@example.com"),
            ],
        )
        .await;
    assert_eq!(sent.status, 200, "registration form: {}", sent.body);
    let otp_id = sent.hidden("otp_id").expect("OTP form");
    let code = portal.latest_otp(mobile).await;
    browser
        .post("/register/verify", &[("otp_id", &otp_id), ("code", &code)])
        .await
}

/// A sandbox registration that must succeed.
pub async fn register_ok(
    portal: &TestPortal,
    browser: &mut Browser,
    category: &str,
    identifier: &str,
    name: &str,
    mobile: &str,
) -> Registered {
    let page = register(portal, browser, category, identifier, name, mobile).await;
    assert_eq!(page.status, 200, "{}", page.body);
    Registered {
        client_id: page.by_id("client-id").expect("client id shown"),
        client_secret: page.by_id("client-secret").expect("secret shown"),
    }
}

/// The signed-in developer's first listed GSTIN after minting one in `state`.
pub async fn mint_gstin(browser: &mut Browser, state: &str) -> String {
    browser.get("/workspace").await;
    let done = browser
        .post("/workspace/gstins", &[("state_code", state)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = browser.get("/workspace").await;
    gstins_on(&page)
        .into_iter()
        .find(|g| g.starts_with(state))
        .expect("minted GSTIN listed")
}

/// GSTINs listed on a workspace page.
pub fn gstins_on(page: &Page) -> Vec<String> {
    page.body
        .match_indices("<code class=\"gstin\">")
        .map(|(at, m)| page.body[at + m.len()..at + m.len() + 15].to_string())
        .collect()
}

/// Creates an API user with a generated password; returns (username, password).
pub async fn create_user(browser: &mut Browser, gstin: &str) -> (String, String) {
    browser.get("/workspace").await;
    let page = browser
        .post(
            "/workspace/users",
            &[("gstin", gstin), ("username", ""), ("password", "")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    (
        page.by_id("new-username").unwrap(),
        page.by_id("new-password").unwrap(),
    )
}
