//! Messaging against real parts: Python's standard-library SMTP server and an HTTP SMS gateway, both
//! on loopback, and a SQLite store in a temporary directory for the sandbox outbox.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use openirp_model::time::FixedClock;
use openirp_portal::messaging::{MessagingConfig, Messenger};
use openirp_portal::{Portal, PortalSettings};
use openirp_server::{Config, Mode};
use openirp_store::{Developer, SqliteStore, Store};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NOW: i64 = 1_750_000_000;
const OTP_SUBJECT: &str = "Your OpenIRP one-time password";
const OTP_BODY: &str = "Your OTP is 482913. It is valid for 10 minutes.";
const SECRET_BODY: &str = "Client secret: cs-7f3a9b1c2d4e5f60 (shown once).";

fn developer() -> Developer {
    Developer {
        id: "dev-1".to_string(),
        category: "GSP".to_string(),
        pan: "AAACB1234C".to_string(),
        gstin: None,
        name: "Bharat GSP Pvt Ltd".to_string(),
        mobile: "9876543210".to_string(),
        email: "dev@example.in".to_string(),
        status: "PENDING".to_string(),
        client_id: None,
        password_hash: None,
        failed_logins: 0,
        locked_until: 0,
        created_at: NOW,
    }
}

// ---- sandbox outbox ----

async fn sqlite_store(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    let path = dir.path().join(SqliteStore::FILE_NAME);
    Arc::new(SqliteStore::open(&path).await.expect("open store"))
}

#[tokio::test]
async fn sandbox_notify_writes_an_sms_and_an_email_row_newest_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = sqlite_store(&dir).await;
    let messenger = Messenger::outbox_with_clock(store.clone(), Arc::new(FixedClock(NOW)));
    assert!(messenger.is_outbox());
    let dev = developer();

    messenger
        .notify(&dev, OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect("first notify");
    messenger
        .notify(&dev, "Your credentials", SECRET_BODY, true)
        .await
        .expect("second notify");

    let all = store.list_outbox(None, 10).await.expect("list");
    let seen: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|m| (m.channel.as_str(), m.recipient.as_str(), m.body.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("EMAIL", "dev@example.in", SECRET_BODY),
            ("SMS", "9876543210", SECRET_BODY),
            ("EMAIL", "dev@example.in", OTP_BODY),
            ("SMS", "9876543210", OTP_BODY),
        ]
    );
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert!(
        all.iter().all(|m| m.created_at == NOW),
        "stamped by the given clock"
    );
    assert_eq!(all[3].subject, OTP_SUBJECT);

    let to_mobile = store
        .list_outbox(Some("9876543210"), 10)
        .await
        .expect("list");
    assert_eq!(to_mobile.len(), 2);
    assert!(to_mobile.iter().all(|m| m.channel == "SMS"));
}

/// Collects every log event's fields as text, so a test can see what would reach the log.
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<String>>>);

struct FieldText(String);

impl tracing::field::Visit for FieldText {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for LogCapture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = FieldText(String::new());
        event.record(&mut text);
        self.0.lock().expect("log lock").push(text.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl LogCapture {
    fn text(&self) -> String {
        self.0.lock().expect("log lock").join("\n")
    }
}

// A current-thread runtime keeps every event of the test on the thread the capture is set on.
#[tokio::test(flavor = "current_thread")]
async fn the_log_shows_otps_in_sandbox_but_never_a_credential_or_a_production_body() {
    let capture = LogCapture::default();
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(capture.clone()));
    let dir = tempfile::tempdir().expect("tempdir");
    let sandbox = Messenger::outbox_with_clock(sqlite_store(&dir).await, Arc::new(FixedClock(NOW)));
    let dev = developer();

    sandbox
        .notify(&dev, OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect("otp");
    sandbox
        .notify(&dev, "Your credentials", SECRET_BODY, true)
        .await
        .expect("secret");
    let log = capture.text();
    assert_eq!(
        log.matches("482913").count(),
        2,
        "the OTP is logged per message: {log}"
    );
    assert!(
        !log.contains("cs-7f3a9b1c2d4e5f60"),
        "a credential reached the log: {log}"
    );
    assert_eq!(
        log.matches("holds a credential: see /sandbox/outbox")
            .count(),
        2,
        "{log}"
    );
    assert!(
        log.contains("dev@example.in") && log.contains("9876543210"),
        "{log}"
    );

    let gateway = Gateway::start(StatusCode::OK).await;
    let live = Messenger::live(MessagingConfig {
        sms_gateway_url: Some(gateway.url.clone()),
        ..MessagingConfig::default()
    })
    .expect("live messenger");
    live.notify(&dev, OTP_SUBJECT, "Your OTP is 771204.", false)
        .await
        .expect("sms");
    let log = capture.text();
    assert!(!log.contains("771204"), "production logged a body: {log}");
    assert!(log.contains("message sent"), "{log}");
}

// ---- production e-mail: Python's SMTP server on loopback ----

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// Python's `smtpd` DebuggingServer, which prints every message it receives; killed on drop.
struct SmtpServer {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let port = free_port();
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-W",
                "ignore::DeprecationWarning",
                "-m",
                "smtpd",
                "-n",
                "-c",
            ])
            .arg("DebuggingServer")
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "this test needs python3 (CPython 3.11, which has the smtpd module) on PATH \
                     to run a real SMTP server; starting it failed: {e}"
                )
            });
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = SmtpServer { child, port, lines };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = self.child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                panic!(
                    "python3 -m smtpd exited ({status}) instead of serving SMTP; it needs \
                     CPython 3.11 or older (smtpd was removed in 3.12). stderr:\n{stderr}"
                );
            }
            assert!(
                Instant::now() < deadline,
                "python3 -m smtpd did not listen on port {} within 15 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next message the server printed, as its header and body lines.
    fn next_message(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut text = String::new();
        let mut inside = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no message reached the SMTP server; got:\n{text}"));
            if line.contains("MESSAGE FOLLOWS") {
                inside = true;
            } else if line.contains("END MESSAGE") {
                return text;
            } else if inside {
                text.push_str(&line);
                text.push('\n');
            }
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn live_email_reaches_a_real_smtp_server() {
    let server = SmtpServer::start();
    let messenger = Messenger::live(MessagingConfig {
        smtp_url: Some(server.url()),
        smtp_from: "OpenIRP <noreply@openirp.test>".to_string(),
        ..MessagingConfig::default()
    })
    .expect("live messenger");
    assert!(!messenger.is_outbox());

    messenger
        .notify(&developer(), OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect("the e-mail is accepted");

    let message = tokio::task::spawn_blocking(move || server.next_message())
        .await
        .expect("reader");
    assert!(message.contains("To: dev@example.in"), "{message}");
    assert!(
        message.contains("From: OpenIRP <noreply@openirp.test>"),
        "{message}"
    );
    assert!(
        message.contains(&format!("Subject: {OTP_SUBJECT}")),
        "{message}"
    );
    assert!(message.contains("Content-Type: text/plain"), "{message}");
    assert!(message.contains(OTP_BODY), "{message}");
}

// ---- production SMS: an HTTP gateway on loopback ----

/// One request the gateway received: its `Authorization` header and JSON body.
type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

struct Gateway {
    url: String,
    seen: Seen,
}

impl Gateway {
    /// A gateway that records each request and answers `status`.
    async fn start(status: StatusCode) -> Gateway {
        let seen = Seen::default();
        let app = Router::new()
            .route("/sms", post(record))
            .with_state((seen.clone(), status));
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind gateway");
        let addr: SocketAddr = listener.local_addr().expect("gateway addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Gateway {
            url: format!("http://{addr}/sms"),
            seen,
        }
    }

    fn requests(&self) -> Vec<(Option<String>, Value)> {
        self.seen.lock().expect("gateway lock").clone()
    }
}

async fn record(
    State((seen, status)): State<(Seen, StatusCode)>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
    seen.lock().expect("gateway lock").push((auth, json));
    status
}

fn sms_only(gateway: &Gateway, token: Option<&str>) -> Messenger {
    Messenger::live(MessagingConfig {
        sms_gateway_url: Some(gateway.url.clone()),
        sms_gateway_token: token.map(str::to_string),
        ..MessagingConfig::default()
    })
    .expect("live messenger")
}

#[tokio::test]
async fn live_sms_posts_json_with_the_bearer_token() {
    let gateway = Gateway::start(StatusCode::OK).await;
    let messenger = sms_only(&gateway, Some("gw-token-123"));

    messenger
        .notify(&developer(), OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect("sent by SMS; e-mail is not configured and so not sent");

    assert_eq!(
        gateway.requests(),
        [(
            Some("Bearer gw-token-123".to_string()),
            json!({"to": "9876543210", "text": OTP_BODY})
        )]
    );
}

#[tokio::test]
async fn live_sms_without_a_token_sends_no_authorization() {
    let gateway = Gateway::start(StatusCode::ACCEPTED).await;
    sms_only(&gateway, None)
        .notify(&developer(), OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect("a 202 counts as sent");
    assert_eq!(gateway.requests()[0].0, None);
}

#[tokio::test]
async fn a_gateway_answering_500_is_a_send_error() {
    let gateway = Gateway::start(StatusCode::INTERNAL_SERVER_ERROR).await;
    let error = sms_only(&gateway, Some("gw-token-123"))
        .notify(&developer(), OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect_err("a 500 is not a sent SMS");
    assert!(error.0.contains("500"), "{error}");
    assert!(!error.0.contains("gw-token-123"), "{error}");
    assert_eq!(gateway.requests().len(), 1);
}

#[tokio::test]
async fn a_failing_email_does_not_stop_the_sms() {
    let gateway = Gateway::start(StatusCode::OK).await;
    // Nothing listens on this port, so the SMTP connection is refused.
    let closed = free_port();
    let messenger = Messenger::live(MessagingConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{closed}")),
        smtp_from: "noreply@openirp.test".to_string(),
        sms_gateway_url: Some(gateway.url.clone()),
        sms_gateway_token: None,
    })
    .expect("live messenger");

    let error = messenger
        .notify(&developer(), OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect_err("the e-mail fails");
    assert!(error.0.contains("dev@example.in"), "{error}");
    assert_eq!(gateway.requests().len(), 1, "the SMS still went out");
}

#[tokio::test]
async fn no_channel_configured_is_a_send_error() {
    let messenger = Messenger::live(MessagingConfig::default()).expect("nothing to check");
    let error = messenger
        .notify(&developer(), OTP_SUBJECT, OTP_BODY, false)
        .await
        .expect_err("nothing can be sent");
    assert!(
        error.0.contains("No message channel is configured"),
        "{error}"
    );
}

#[test]
fn an_smtp_sender_outside_a_runtime_is_an_error_not_a_panic() {
    let result = Messenger::live(MessagingConfig {
        smtp_url: Some("smtp://127.0.0.1:2525".to_string()),
        smtp_from: "noreply@openirp.test".to_string(),
        ..MessagingConfig::default()
    });
    let error = result.err().expect("no runtime, no SMTP pool");
    assert!(error.0.contains("Tokio runtime"), "{error}");
}

#[test]
fn a_messenger_built_in_a_runtime_can_be_dropped_outside_it() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let messenger = runtime.block_on(async {
        Messenger::live(MessagingConfig {
            smtp_url: Some("smtp://127.0.0.1:2525".to_string()),
            smtp_from: "noreply@openirp.test".to_string(),
            ..MessagingConfig::default()
        })
        .expect("live messenger")
    });
    drop(runtime);
    drop(messenger);
}

#[tokio::test]
async fn bad_settings_are_refused_at_start() {
    let with = |smtp: Option<&str>, from: &str, sms: Option<&str>| {
        Messenger::live(MessagingConfig {
            smtp_url: smtp.map(str::to_string),
            smtp_from: from.to_string(),
            sms_gateway_url: sms.map(str::to_string),
            sms_gateway_token: None,
        })
    };
    let from = "noreply@openirp.test";
    assert!(with(Some("ftp://mail.example.in"), from, None).is_err());
    assert!(with(Some("not a url"), from, None).is_err());
    assert!(with(Some("smtp://127.0.0.1:2525"), "not an address", None).is_err());
    assert!(with(None, from, Some("mail.example.in/sms")).is_err());
    assert!(with(None, from, Some("ftp://sms.example.in/")).is_err());
    assert!(
        with(
            Some("smtps://user:pw@mail.example.in"),
            from,
            Some("https://sms.example.in/send")
        )
        .is_ok()
    );

    let secret_url = with(Some("smtp://user:hunter2@/"), from, None);
    if let Err(error) = secret_url {
        assert!(!error.0.contains("hunter2"), "{error}");
    }
}

#[test]
fn the_config_debug_hides_passwords_and_tokens() {
    let config = MessagingConfig {
        smtp_url: Some("smtps://user:hunter2@mail.example.in".to_string()),
        smtp_from: "noreply@openirp.test".to_string(),
        sms_gateway_url: Some("https://sms.example.in/send?key=k-999".to_string()),
        sms_gateway_token: Some("gw-token-123".to_string()),
    };
    let text = format!("{config:?}");
    for secret in ["hunter2", "k-999", "gw-token-123"] {
        assert!(!text.contains(secret), "{text}");
    }
}

// ---- the outbox page, served by the real portal ----

/// The portal over a fresh data directory, listening on loopback: its base URL and store.
async fn start_portal(dir: &tempfile::TempDir, mode: Mode) -> (String, Arc<dyn Store>) {
    let mut config = Config::new(dir.path());
    config.mode = mode;
    config.durable = false;
    let app = openirp_server::open(config)
        .await
        .expect("open server state");
    let messenger = Messenger::for_server(&app, MessagingConfig::default()).expect("messenger");
    let store = app.store.clone();
    let portal = Portal::new(app, PortalSettings::default(), messenger);
    (serve(openirp_portal::routes(portal)).await, store)
}

/// Serves `router` on a loopback port; its base URL.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind portal");
    let addr = listener.local_addr().expect("portal addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

async fn get(url: &str) -> (StatusCode, String) {
    let response = reqwest::get(url).await.expect("GET");
    let status = StatusCode::from_u16(response.status().as_u16()).expect("status");
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn the_outbox_page_lists_messages_newest_first_with_a_recipient_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::new(dir.path());
    config.durable = false;
    let app = openirp_server::open(config)
        .await
        .expect("open server state");
    let messenger = Messenger::for_server(&app, MessagingConfig::default()).expect("messenger");
    assert!(messenger.is_outbox(), "sandbox mode uses the outbox");
    let dev = developer();
    messenger
        .notify(
            &dev,
            OTP_SUBJECT,
            "Your OTP is 482913. <b>not bold</b>",
            false,
        )
        .await
        .expect("notify");
    let portal = Portal::new(app, PortalSettings::default(), messenger);
    let base = serve(openirp_portal::routes(portal)).await;

    let (status, html) = get(&format!("{base}/sandbox/outbox")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("In sandbox mode nothing is really sent"),
        "{html}"
    );
    assert_eq!(html.matches("<tr id=\"msg-").count(), 2, "{html}");
    let email_row = html.find("dev@example.in</td>").expect("e-mail row");
    let sms_row = html.find("9876543210</td>").expect("SMS row");
    assert!(email_row < sms_row, "newest (the e-mail) first");
    assert!(
        html.contains(
            "<td class=\"body\"><pre>Your OTP is 482913. &#60;b&#62;not bold&#60;/b&#62;</pre></td>"
        ) || html.contains(
            "<td class=\"body\"><pre>Your OTP is 482913. &lt;b&gt;not bold&lt;/b&gt;</pre></td>"
        ),
        "the body is escaped, in a <pre>: {html}"
    );

    let (status, html) = get(&format!("{base}/sandbox/outbox?to=9876543210")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<tr id=\"msg-").count(), 1, "{html}");
    assert!(html.contains("<td class=\"channel\">SMS</td>"), "{html}");

    let (status, html) = get(&format!("{base}/sandbox/outbox?to=nobody%40example.in")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"outbox-empty\""), "{html}");
}

#[tokio::test]
async fn there_is_no_outbox_page_in_production() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (base, store) = start_portal(&dir, Mode::Production).await;
    let (status, _) = get(&format!("{base}/sandbox/outbox")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(store.list_outbox(None, 10).await.expect("list").is_empty());
}
