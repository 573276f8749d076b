//! What the tests of a node's survival share: real `openirp serve` processes, sandbox parties, the
//! Generate IRN load a test drives at a node, and the check that afterwards every acknowledged IRN is
//! whole and every unanswered document is whole or absent.

// Each test file uses a different part of this module.
#![allow(dead_code)]

use crate::support::{inter_state_invoice, today};
use openirp_client::{ClientError, Credentials, NicClient, verify_signed};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Concurrent checks after a run.
const CHECK_TASKS: usize = 16;

/// The binary, with none of the machine's `OPENIRP_*` configuration.
pub fn openirp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openirp"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("OPENIRP_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// One `openirp serve` process. Dropping it kills it, so a failed assertion leaves no server behind.
pub struct Node {
    pub child: Child,
    pub base: String,
}

impl Node {
    /// Starts the binary on a free port over `data_dir` (and `database`, if any) and waits until
    /// `/readyz` answers 200. Its output is appended to `log`.
    pub async fn start(data_dir: &Path, database: Option<&str>, log: &Path) -> Node {
        // A port found free can be taken by someone else before the server binds it: try a few.
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let out = OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .unwrap();
            let mut cmd = openirp();
            cmd.arg("serve")
                .arg("--listen")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--data-dir")
                .arg(data_dir)
                .env("OPENIRP_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out);
            if let Some(url) = database {
                cmd.arg("--database").arg(url);
            }
            let mut node = Node {
                child: cmd.spawn().expect("the binary starts"),
                base: format!("http://127.0.0.1:{port}"),
            };
            if node.wait_ready(log).await {
                return node;
            }
        }
        panic!(
            "the node did not start three times; its log:\n{}",
            log_tail(log)
        );
    }

    /// `true` once `/readyz` says 200; `false` if the process exited (a lost port race).
    pub async fn wait_ready(&mut self, log: &Path) -> bool {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                eprintln!("node exited before ready ({status}):\n{}", log_tail(log));
                return false;
            }
            if let Ok(res) = http.get(format!("{}/readyz", self.base)).send().await
                && res.status() == 200
            {
                return true;
            }
            assert!(
                Instant::now() < deadline,
                "the node was not ready in 30 s; its log:\n{}",
                log_tail(log)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, as a service manager stops a node; the process is left to finish.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill(1) runs");
        assert!(sent.success(), "SIGTERM sent");
    }

    /// The exit status, waiting at most `limit` for it.
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the node still runs {limit:?} after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix), and reap it.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL sent");
        self.child.wait().expect("the node reaped");
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let start = text.len().saturating_sub(4000);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    text[start..].to_string()
}

/// The seller and buyer of the run, and the document date.
pub struct Parties {
    pub creds: Credentials,
    pub buyer: String,
    pub date: String,
}

impl Parties {
    pub fn invoice(&self, doc_no: &str) -> Vec<u8> {
        inter_state_invoice(&self.creds.gstin, &self.buyer, doc_no, &self.date).into_bytes()
    }

    /// A client logged in at `base` (a fresh connection pool for each node process).
    pub async fn client(&self, base: &str) -> Arc<NicClient> {
        let pem = NicClient::fetch_auth_public_key(base)
            .await
            .expect("auth public key");
        let client = NicClient::new(base, &pem, self.creds.clone()).unwrap();
        client.login(false).await.expect("login");
        Arc::new(client)
    }
}

/// A sandbox seller in Karnataka and buyer in Maharashtra on the node at `base`.
pub async fn parties(base: &str) -> Parties {
    let seller = sandbox_taxpayer(base, "29").await;
    let buyer = sandbox_taxpayer(base, "27").await;
    let field = |k: &str| seller[k].as_str().unwrap().to_string();
    Parties {
        creds: Credentials {
            client_id: field("client_id"),
            client_secret: field("client_secret"),
            username: field("username"),
            password: field("password"),
            gstin: field("gstin"),
        },
        buyer: buyer["gstin"].as_str().unwrap().to_string(),
        date: today(),
    }
}

pub async fn sandbox_taxpayer(base: &str, state_code: &str) -> Value {
    let res = reqwest::Client::new()
        .post(format!("{base}/sandbox/v1/taxpayers"))
        .json(&json!({"state_code": state_code}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// A Generate IRN the client got a Status-1 answer for.
#[derive(Clone)]
pub struct Acked {
    pub doc: String,
    pub irn: String,
    pub ack_no: i64,
    pub signed_invoice: String,
}

/// What the load saw, over all rounds.
#[derive(Default)]
pub struct Ledger {
    pub acked: Vec<Acked>,
    /// Sent, no answer: the node died with the request in flight (or before it was read).
    pub unanswered: Vec<String>,
    pub transport_errors: usize,
    /// Answers that were not Status 1 (none are expected for fresh document numbers).
    pub refused: Vec<String>,
}

/// What a load task does after a transport error (no HTTP answer).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AfterTransportError {
    /// The node is gone (killed): the task ends.
    Stop,
    /// The node lives on (its database failed over): the task sends on after a short pause.
    Continue,
}

/// Generate IRN load: `tasks` clients sending fresh documents `<tag>/<n>` until stopped, every
/// outcome written to the ledger.
pub struct Load {
    stop: Arc<AtomicBool>,
    tasks: tokio::task::JoinSet<()>,
}

impl Load {
    pub fn start(
        client: Arc<NicClient>,
        parties: Arc<Parties>,
        ledger: Arc<Mutex<Ledger>>,
        tag: &str,
        tasks: usize,
        after: AfterTransportError,
    ) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicU64::new(0));
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..tasks {
            let (client, stop, next) = (client.clone(), stop.clone(), next.clone());
            let (parties, ledger, tag) = (parties.clone(), ledger.clone(), tag.to_string());
            set.spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let doc = format!("{tag}/{}", next.fetch_add(1, Ordering::SeqCst));
                    let result = client.generate_irn(&parties.invoice(&doc)).await;
                    let transport = matches!(result, Err(ClientError::Http(_)));
                    ledger.lock().unwrap().record(doc, result);
                    if transport {
                        match after {
                            AfterTransportError::Stop => break,
                            AfterTransportError::Continue => {
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                        }
                    }
                }
            });
        }
        Load { stop, tasks: set }
    }

    /// Stops the load and waits (at most `within`) for the requests in flight.
    pub async fn stop(mut self, within: Duration) {
        self.stop.store(true, Ordering::SeqCst);
        tokio::time::timeout(within, async {
            while let Some(joined) = self.tasks.join_next().await {
                joined.expect("a load task panicked");
            }
        })
        .await
        .expect("the load stops in time");
    }
}

impl Ledger {
    /// Writes down one Generate IRN outcome.
    pub fn record(&mut self, doc: String, result: Result<Value, ClientError>) {
        match result {
            Ok(data) => self.acked.push(Acked {
                irn: data["Irn"].as_str().expect("Irn").to_string(),
                ack_no: data["AckNo"].as_i64().expect("AckNo"),
                signed_invoice: data["SignedInvoice"]
                    .as_str()
                    .expect("SignedInvoice")
                    .to_string(),
                doc,
            }),
            Err(ClientError::Http(_)) => {
                self.transport_errors += 1;
                self.unanswered.push(doc);
            }
            Err(other) => {
                self.refused.push(format!("{doc}: {other}"));
                self.unanswered.push(doc);
            }
        }
    }
}

pub struct Summary {
    pub recovered: usize,
    pub absent: usize,
    pub ack_nos: usize,
}

/// What one check found for an unanswered document.
pub enum Unanswered {
    /// Fully registered before the kill: its IRN and AckNo.
    Recovered(String, i64),
    /// Never registered; the resend registered it with this AckNo.
    Absent(i64),
}

pub async fn verify(node: &Node, parties: &Arc<Parties>, ledger: &Ledger) -> Summary {
    let client = parties.client(&node.base).await;
    let cert: Arc<str> = reqwest::get(format!("{}/keys/signing-cert.pem", node.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .into();
    let mut failures = Vec::new();

    // No IRN and no document acknowledged twice.
    let mut irns = HashSet::new();
    let mut docs = HashSet::new();
    for a in &ledger.acked {
        if !irns.insert(a.irn.as_str()) {
            failures.push(format!("IRN {} acknowledged twice", a.irn));
        }
        if !docs.insert(a.doc.as_str()) {
            failures.push(format!("document {} acknowledged twice", a.doc));
        }
    }

    // Every acknowledged IRN: the same SignedInvoice, byte for byte, by IRN and by document.
    let acked_checks = concurrently(ledger.acked.clone(), {
        let (client, cert, parties) = (client.clone(), cert.clone(), parties.clone());
        move |a: Acked| {
            let (client, cert, parties) = (client.clone(), cert.clone(), parties.clone());
            async move {
                check_acked(&client, &cert, &parties.date, &a)
                    .await
                    .map_err(|e| vec![e])
            }
        }
    })
    .await;
    for result in acked_checks {
        if let Err(mut e) = result {
            failures.append(&mut e);
        }
    }

    // Every unanswered document: whole or absent, and a resend agrees.
    let unanswered_checks = concurrently(ledger.unanswered.clone(), {
        let (client, cert, parties) = (client.clone(), cert.clone(), parties.clone());
        move |doc: String| {
            let (client, cert, parties) = (client.clone(), cert.clone(), parties.clone());
            async move {
                check_unanswered(&client, &cert, &parties, &doc)
                    .await
                    .map_err(|e| vec![e])
            }
        }
    })
    .await;

    // No AckNo twice, among the acknowledged, the recovered and the ones registered on resend.
    let mut ack_nos: HashMap<i64, String> = HashMap::new();
    let mut note = |ack_no: i64, what: String, failures: &mut Vec<String>| {
        if let Some(earlier) = ack_nos.insert(ack_no, what.clone()) {
            failures.push(format!("AckNo {ack_no} repeats: {earlier} and {what}"));
        }
    };
    for a in &ledger.acked {
        note(a.ack_no, format!("IRN {}", a.irn), &mut failures);
    }
    let (mut recovered, mut absent) = (0, 0);
    for (doc, result) in ledger.unanswered.iter().zip(unanswered_checks) {
        match result {
            Ok(Unanswered::Recovered(irn, ack_no)) => {
                recovered += 1;
                note(
                    ack_no,
                    format!("recovered IRN {irn} of {doc}"),
                    &mut failures,
                );
            }
            Ok(Unanswered::Absent(ack_no)) => {
                absent += 1;
                note(ack_no, format!("resent {doc}"), &mut failures);
            }
            Err(mut e) => failures.append(&mut e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, the first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    Summary {
        recovered,
        absent,
        ack_nos: ack_nos.len(),
    }
}

pub async fn check_acked(
    client: &NicClient,
    cert: &str,
    date: &str,
    a: &Acked,
) -> Result<(), String> {
    let by_irn = client
        .get_irn(&a.irn)
        .await
        .map_err(|e| format!("acknowledged IRN {} ({}) lost: {e}", a.irn, a.doc))?;
    if by_irn["SignedInvoice"].as_str() != Some(a.signed_invoice.as_str()) {
        return Err(format!(
            "IRN {} ({}): SignedInvoice differs from the one acknowledged",
            a.irn, a.doc
        ));
    }
    if by_irn["AckNo"].as_i64() != Some(a.ack_no) {
        return Err(format!(
            "IRN {}: AckNo {} now, {} acknowledged",
            a.irn, by_irn["AckNo"], a.ack_no
        ));
    }
    let by_doc = client
        .get_irn_by_doc("INV", &a.doc, date)
        .await
        .map_err(|e| format!("acknowledged {} not found by document: {e}", a.doc))?;
    if by_doc["Irn"].as_str() != Some(a.irn.as_str()) {
        return Err(format!(
            "{}: IRN {} by document, {} acknowledged",
            a.doc, by_doc["Irn"], a.irn
        ));
    }
    let signed = verify_signed(&a.signed_invoice, cert)
        .map_err(|e| format!("IRN {}: SignedInvoice does not verify: {e}", a.irn))?;
    if signed["Irn"].as_str() != Some(a.irn.as_str()) {
        return Err(format!("IRN {}: signed for {}", a.irn, signed["Irn"]));
    }
    Ok(())
}

pub async fn check_unanswered(
    client: &NicClient,
    cert: &str,
    parties: &Parties,
    doc: &str,
) -> Result<Unanswered, String> {
    let found = match client.get_irn_by_doc("INV", doc, &parties.date).await {
        Ok(data) => {
            let irn = data["Irn"].as_str().unwrap_or_default().to_string();
            let ack_no = data["AckNo"]
                .as_i64()
                .ok_or_else(|| format!("{doc}: registered without an AckNo: {data}"))?;
            let jws = data["SignedInvoice"]
                .as_str()
                .ok_or_else(|| format!("{doc}: registered without a SignedInvoice: {data}"))?;
            let signed = verify_signed(jws, cert)
                .map_err(|e| format!("{doc}: half-written, SignedInvoice does not verify: {e}"))?;
            if signed["Irn"].as_str() != Some(irn.as_str())
                || signed["DocDtls"]["No"].as_str() != Some(doc)
            {
                return Err(format!(
                    "{doc}: IRN {irn} signs {} for document {}",
                    signed["Irn"], signed["DocDtls"]["No"]
                ));
            }
            let by_irn = client
                .get_irn(&irn)
                .await
                .map_err(|e| format!("{doc}: IRN {irn} found by document, not by IRN: {e}"))?;
            if by_irn["SignedInvoice"].as_str() != Some(jws) {
                return Err(format!("{doc}: IRN {irn} by IRN and by document differ"));
            }
            Some((irn, ack_no))
        }
        Err(e) if e.nic_codes() == ["2148"] => None,
        Err(e) => return Err(format!("{doc}: neither registered nor absent: {e}")),
    };

    let resend = client.generate_irn(&parties.invoice(doc)).await;
    match (found, resend) {
        (Some((irn, ack_no)), Err(e)) if e.has_nic_code("2150") => match e.duplicate_irn_info() {
            Some(dup) if dup.irn == irn => Ok(Unanswered::Recovered(irn, ack_no)),
            other => Err(format!(
                "{doc}: resend's 2150 names {:?}, get by document {irn}",
                other.map(|d| d.irn)
            )),
        },
        (Some((irn, _)), other) => Err(format!(
            "{doc}: registered as {irn}, but a resend answered {:?}",
            other.map(|d| d["Irn"].clone())
        )),
        (None, Ok(data)) => data["AckNo"]
            .as_i64()
            .map(Unanswered::Absent)
            .ok_or_else(|| format!("{doc}: resend registered without an AckNo: {data}")),
        (None, Err(e)) => Err(format!("{doc}: absent (2148), but a resend answered {e}")),
    }
}

/// Runs `f` over `items` on `CHECK_TASKS` tasks and returns the results in the order of `items`.
pub async fn concurrently<T, R, F, Fut>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = R> + Send,
{
    let queue = Arc::new(Mutex::new(
        items.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..CHECK_TASKS {
        let (queue, f) = (queue.clone(), f.clone());
        tasks.spawn(async move {
            let mut done = Vec::new();
            loop {
                let item = queue.lock().unwrap().pop();
                let Some((i, item)) = item else {
                    return done;
                };
                done.push((i, f(item).await));
            }
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.expect("a check task panicked"));
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}
