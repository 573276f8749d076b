//! Crash safety of the real binary (issue 7): Generate IRN load from 16 concurrent clients, the node
//! killed with SIGKILL at a random moment, restarted on the same data, several rounds; then every IRN a
//! client got an answer for must come back byte for byte (same SignedInvoice, same AckNo), no AckNo may
//! repeat, and every document sent without an answer must be either fully registered (a SignedInvoice
//! that verifies against the node's certificate, the same IRN on a resend's 2150) or absent (2148, and
//! a resend registers it), never anything in between. On SQLite (durable commits, the default) and on
//! PostgreSQL (`OPENIRP_TEST_DATABASE_URL`; without it the PostgreSQL test says SKIPPED, and fails
//! under `OPENIRP_REQUIRE_TOOLS`, as in CI).
//!
//! The kill moments come from a seed printed at the start; `OPENIRP_CRASH_SEED=<n>` replays one.
//!
//! And the orderly way down: SIGTERM while requests are in flight (held by the sandbox's
//! `generate_delay_ms`) stops new connections at once, answers every request already taken, and exits
//! 0; a restart finds every answered IRN.

mod support;

use openirp_client::{ClientError, Credentials, NicClient, verify_signed};
use openirp_testdb::PgSchema;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::today;

/// Kill-and-restart rounds per backend.
const ROUNDS: usize = 8;
/// Concurrent Generate IRN clients.
const TASKS: usize = 16;
/// The load runs this long (a random point in between) before the SIGKILL.
const KILL_AFTER_MS: (u64, u64) = (150, 900);

/// The two backends one after the other, so neither's load skews the other's kill moments.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_and_duplicates_nothing_on_sqlite() {
    let _serial = SERIAL.lock().await;
    crash_rounds("sqlite", None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_and_duplicates_nothing_on_postgres() {
    let _serial = SERIAL.lock().await;
    let Some(schema) = PgSchema::fresh().await else {
        return;
    };
    crash_rounds("postgres", Some(schema.url())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_every_request_in_flight_on_sqlite() {
    let _serial = SERIAL.lock().await;
    graceful_stop("sqlite", None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_every_request_in_flight_on_postgres() {
    let _serial = SERIAL.lock().await;
    let Some(schema) = PgSchema::fresh().await else {
        return;
    };
    graceful_stop("postgres", Some(schema.url())).await;
}

/// Requests in flight when SIGTERM arrives.
const IN_FLIGHT: usize = 12;
/// How long the sandbox holds each Generate IRN: long enough that all are inside the node when the
/// signal comes, whatever the machine's speed.
const HOLD_MS: u64 = 3_000;

async fn graceful_stop(backend: &str, database: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let log = dir.path().join("node.log");
    let mut node = Node::start(&data_dir, database, &log).await;
    let parties = Arc::new(parties(&node.base).await);
    let client = parties.client(&node.base).await;
    let res = reqwest::Client::new()
        .post(format!("{}/sandbox/v1/faults", node.base))
        .json(&json!({"generate_delay_ms": HOLD_MS}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..IN_FLIGHT {
        let (client, parties) = (client.clone(), parties.clone());
        tasks.spawn(async move {
            let doc = format!("T/{i}");
            let answer = client.generate_irn(&parties.invoice(&doc)).await;
            (doc, answer)
        });
    }
    // Every request has reached the node and sits in the hold when the signal comes.
    tokio::time::sleep(Duration::from_millis(HOLD_MS / 3)).await;
    let signalled = Instant::now();
    node.terminate();

    // New connections are refused while the requests already taken are still being answered.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fresh = reqwest::Client::new()
        .get(format!("{}/healthz", node.base))
        .send()
        .await;
    assert!(
        fresh.as_ref().is_err_and(|e| e.is_connect()),
        "[{backend}] a new connection was accepted after SIGTERM: {fresh:?}"
    );
    assert!(
        tasks.len() == IN_FLIGHT && node.child.try_wait().unwrap().is_none(),
        "[{backend}] the node did not wait for its requests in flight"
    );

    let mut acked = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (doc, answer) = joined.expect("a request task panicked");
        let data = answer.unwrap_or_else(|e| {
            panic!(
                "[{backend}] {doc} was in flight at SIGTERM and got no acknowledgement: {e}\n{}",
                log_tail(&log)
            )
        });
        acked.push(Acked {
            irn: data["Irn"].as_str().expect("Irn").to_string(),
            ack_no: data["AckNo"].as_i64().expect("AckNo"),
            signed_invoice: data["SignedInvoice"].as_str().unwrap().to_string(),
            doc,
        });
    }
    let status = node.wait_exit(Duration::from_secs(20));
    assert!(
        status.success(),
        "[{backend}] the node exited with {status} after SIGTERM:\n{}",
        log_tail(&log)
    );
    eprintln!(
        "[{backend}] SIGTERM with {IN_FLIGHT} requests held for {HOLD_MS} ms: all answered, exit 0 after {} ms",
        signalled.elapsed().as_millis()
    );

    let node = Node::start(&data_dir, database, &log).await;
    let client = parties.client(&node.base).await;
    let cert = reqwest::get(format!("{}/keys/signing-cert.pem", node.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for a in &acked {
        if let Err(e) = check_acked(&client, &cert, &parties.date, a).await {
            panic!("[{backend}] after the restart: {e}");
        }
    }
}

/// splitmix64: enough randomness for kill moments, and replayable from the printed seed.
struct Rng(u64);

impl Rng {
    fn seeded() -> (Rng, u64) {
        let seed = match std::env::var("OPENIRP_CRASH_SEED") {
            Ok(s) => s.trim().parse().expect("OPENIRP_CRASH_SEED is a u64"),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64,
        };
        (Rng(seed), seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// One `openirp serve` process. Dropping it kills it, so a failed assertion leaves no server behind.
struct Node {
    child: Child,
    base: String,
}

impl Node {
    /// Starts the binary on a free port over `data_dir` (and `database`, if any) and waits until
    /// `/readyz` answers 200. Its output is appended to `log`.
    async fn start(data_dir: &Path, database: Option<&str>, log: &Path) -> Node {
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
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_openirp"));
            // Nothing of the machine's OPENIRP_* configuration reaches the node.
            for (key, _) in std::env::vars_os() {
                if key.to_string_lossy().starts_with("OPENIRP_") {
                    cmd.env_remove(key);
                }
            }
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
    async fn wait_ready(&mut self, log: &Path) -> bool {
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
    fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill(1) runs");
        assert!(sent.success(), "SIGTERM sent");
    }

    /// The exit status, waiting at most `limit` for it.
    fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
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
    fn kill(&mut self) {
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

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let start = text.len().saturating_sub(4000);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    text[start..].to_string()
}

/// An inter-state goods invoice from Bengaluru (29) to Mumbai (27), always the same bytes for the same
/// document number: the resend of an unanswered document is exactly what was sent.
fn invoice(seller: &str, buyer: &str, doc_no: &str, date: &str) -> Vec<u8> {
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},
        "DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},
        "SellerDtls":{{"Gstin":"{seller}","LglNm":"Seller Private Limited","Addr1":"1 MG Road","Loc":"Bengaluru","Pin":560001,"Stcd":"29"}},
        "BuyerDtls":{{"Gstin":"{buyer}","LglNm":"Buyer Private Limited","Pos":"27","Addr1":"Fort","Loc":"Mumbai","Pin":400001,"Stcd":"27"}},
        "ItemList":[{{"SlNo":"1","PrdDesc":"Laptop","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":500.0,
          "TotAmt":1000.0,"AssAmt":1000.0,"GstRt":18,"IgstAmt":180.0,"TotItemVal":1180.0}}],
        "ValDtls":{{"AssVal":1000.0,"IgstVal":180.0,"TotInvVal":1180.0}}}}"#
    )
    .into_bytes()
}

/// The seller and buyer of the run, and the document date.
struct Parties {
    creds: Credentials,
    buyer: String,
    date: String,
}

impl Parties {
    fn invoice(&self, doc_no: &str) -> Vec<u8> {
        invoice(&self.creds.gstin, &self.buyer, doc_no, &self.date)
    }

    /// A client logged in at `base` (a fresh connection pool for each node process).
    async fn client(&self, base: &str) -> Arc<NicClient> {
        let pem = NicClient::fetch_auth_public_key(base)
            .await
            .expect("auth public key");
        let client = NicClient::new(base, &pem, self.creds.clone()).unwrap();
        client.login(false).await.expect("login");
        Arc::new(client)
    }
}

/// A sandbox seller in Karnataka and buyer in Maharashtra on the node at `base`.
async fn parties(base: &str) -> Parties {
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

async fn sandbox_taxpayer(base: &str, state_code: &str) -> Value {
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
struct Acked {
    doc: String,
    irn: String,
    ack_no: i64,
    signed_invoice: String,
}

/// What the load saw, over all rounds.
#[derive(Default)]
struct Ledger {
    acked: Vec<Acked>,
    /// Sent, no answer: the node died with the request in flight (or before it was read).
    unanswered: Vec<String>,
    transport_errors: usize,
    /// Answers that were not Status 1 (none are expected for fresh document numbers).
    refused: Vec<String>,
}

async fn crash_rounds(backend: &str, database: Option<&str>) {
    let began = Instant::now();
    let (mut rng, seed) = Rng::seeded();
    eprintln!("[{backend}] seed {seed} (OPENIRP_CRASH_SEED={seed} replays the kill moments)");
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let log = dir.path().join("node.log");

    let mut node = Node::start(&data_dir, database, &log).await;
    let parties = Arc::new(parties(&node.base).await);

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    for round in 1..=ROUNDS {
        let client = parties.client(&node.base).await;
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicU64::new(0));
        let before = {
            let l = ledger.lock().unwrap();
            (l.acked.len(), l.unanswered.len())
        };
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..TASKS {
            let (client, stop, next) = (client.clone(), stop.clone(), next.clone());
            let (parties, ledger) = (parties.clone(), ledger.clone());
            tasks.spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let doc = format!("K{round}/{}", next.fetch_add(1, Ordering::SeqCst));
                    let result = client.generate_irn(&parties.invoice(&doc)).await;
                    let mut l = ledger.lock().unwrap();
                    match result {
                        Ok(data) => l.acked.push(Acked {
                            irn: data["Irn"].as_str().expect("Irn").to_string(),
                            ack_no: data["AckNo"].as_i64().expect("AckNo"),
                            signed_invoice: data["SignedInvoice"]
                                .as_str()
                                .expect("SignedInvoice")
                                .to_string(),
                            doc,
                        }),
                        Err(ClientError::Http(_)) => {
                            // The node is gone: this task's work for the round is over.
                            l.transport_errors += 1;
                            l.unanswered.push(doc);
                            break;
                        }
                        Err(other) => {
                            l.refused.push(format!("{doc}: {other}"));
                            l.unanswered.push(doc);
                        }
                    }
                }
            });
        }
        let kill_after = rng.between(KILL_AFTER_MS.0, KILL_AFTER_MS.1);
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        node.kill();
        stop.store(true, Ordering::SeqCst);
        tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(joined) = tasks.join_next().await {
                joined.expect("a load task panicked");
            }
        })
        .await
        .expect("the load stops within 30 s of the kill");
        {
            let l = ledger.lock().unwrap();
            eprintln!(
                "[{backend}] round {round}: SIGKILL after {kill_after} ms; {} acknowledged, {} unanswered",
                l.acked.len() - before.0,
                l.unanswered.len() - before.1
            );
        }
        // Restart on the same data (a new port: the old one may still hold the dead node's sockets).
        node = Node::start(&data_dir, database, &log).await;
    }

    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    assert!(
        ledger.refused.is_empty(),
        "[{backend}] Generate IRN refused fresh documents: {:?}",
        &ledger.refused[..ledger.refused.len().min(10)]
    );
    assert!(
        !ledger.acked.is_empty(),
        "[{backend}] no Generate IRN was acknowledged in {ROUNDS} rounds: nothing was tested"
    );
    let summary = verify(&node, &parties, &ledger).await;
    eprintln!(
        "[{backend}] SUMMARY rounds {ROUNDS}, acknowledged IRNs {} (all retrievable byte for byte), \
         unanswered documents {} (recovered {}, absent {}), transport errors {}, distinct AckNos {}, \
         {:.1} s, seed {seed}",
        ledger.acked.len(),
        ledger.unanswered.len(),
        summary.recovered,
        summary.absent,
        ledger.transport_errors,
        summary.ack_nos,
        began.elapsed().as_secs_f64()
    );
}

struct Summary {
    recovered: usize,
    absent: usize,
    ack_nos: usize,
}

/// What one check found for an unanswered document.
enum Unanswered {
    /// Fully registered before the kill: its IRN and AckNo.
    Recovered(String, i64),
    /// Never registered; the resend registered it with this AckNo.
    Absent(i64),
}

async fn verify(node: &Node, parties: &Arc<Parties>, ledger: &Ledger) -> Summary {
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

async fn check_acked(client: &NicClient, cert: &str, date: &str, a: &Acked) -> Result<(), String> {
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

async fn check_unanswered(
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

/// Runs `f` over `items` on `TASKS` tasks and returns the results in the order of `items`.
async fn concurrently<T, R, F, Fut>(items: Vec<T>, f: F) -> Vec<R>
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
    for _ in 0..TASKS {
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
