//! The taxpayer commands through the real binary against a real server in this process: bulk
//! registration from CSV and Excel, resuming from the ledger, the 2150 trap, and the single calls.

mod support;

use openirp_bulk::layout::{COLUMNS, Kind};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use support::{Cli, Server, stdout, today};

/// Rows of `n` intra-state documents from `seller` to `buyer`; every third has two items. Documents
/// whose index is in `bad_tax` carry a wrong CGST amount, those in `bad_buyer` a GSTIN with a wrong
/// check character.
struct Batch<'a> {
    seller: &'a Value,
    buyer: &'a str,
    prefix: &'a str,
    n: usize,
}

impl Batch<'_> {
    fn is_bad_tax(i: usize) -> bool {
        i % 37 == 5
    }
    fn is_bad_buyer(i: usize) -> bool {
        i % 53 == 7
    }
    fn is_invalid(i: usize) -> bool {
        Self::is_bad_tax(i) || Self::is_bad_buyer(i)
    }

    fn rows(&self) -> Vec<HashMap<&'static str, String>> {
        let date = today();
        let mut rows = Vec::new();
        for i in 0..self.n {
            let items = if i % 3 == 0 { 2 } else { 1 };
            let buyer = if Self::is_bad_buyer(i) {
                broken_gstin(self.buyer)
            } else {
                self.buyer.to_string()
            };
            let cgst = if Self::is_bad_tax(i) {
                "91.00"
            } else {
                "90.00"
            };
            let total = 1180 * items;
            for item in 1..=items {
                let mut r: HashMap<&'static str, String> = HashMap::new();
                let s = |v: &str| v.to_string();
                for (k, v) in [
                    ("supply_type", s("B2B")),
                    ("doc_type", s("INV")),
                    ("doc_no", format!("{}/{i}", self.prefix)),
                    ("doc_date", date.clone()),
                    ("seller_gstin", s(self.seller["gstin"].as_str().unwrap())),
                    (
                        "seller_legal_name",
                        s(self.seller["legal_name"].as_str().unwrap()),
                    ),
                    ("seller_addr1", s("1 Main Road")),
                    (
                        "seller_location",
                        s(self.seller["address"]["loc"].as_str().unwrap()),
                    ),
                    ("seller_pin", self.seller["address"]["pin"].to_string()),
                    ("seller_state", s("29")),
                    ("buyer_gstin", buyer.clone()),
                    ("buyer_legal_name", s("Buyer Private Limited")),
                    ("buyer_pos", s("29")),
                    ("buyer_addr1", s("7th block")),
                    ("buyer_location", s("Bengaluru")),
                    ("buyer_pin", s("560004")),
                    ("buyer_state", s("29")),
                    ("item_sl_no", item.to_string()),
                    ("item_description", s("Spare part")),
                    ("item_is_service", s("N")),
                    ("item_hsn", s("84713010")),
                    ("item_qty", s("1")),
                    ("item_unit", s("NOS")),
                    ("item_unit_price", s("1000.0")),
                    ("item_total", s("1000.0")),
                    ("item_assessable", s("1000.0")),
                    ("item_gst_rate", s("18")),
                    ("item_igst", s("0")),
                    ("item_cgst", s(cgst)),
                    ("item_sgst", s("90.00")),
                    ("item_total_value", s("1180.00")),
                    ("total_assessable", format!("{}.00", 1000 * items)),
                    ("total_cgst", format!("{}.00", 90 * items)),
                    ("total_sgst", format!("{}.00", 90 * items)),
                    ("total_igst", s("0")),
                    ("total_invoice_value", format!("{total}.00")),
                ] {
                    r.insert(k, v);
                }
                rows.push(r);
            }
        }
        rows
    }

    fn write_csv(&self, path: &Path) {
        let mut text = openirp_bulk::layout::header_line();
        text.push('\n');
        for row in self.rows() {
            let cells: Vec<&str> = COLUMNS
                .iter()
                .map(|c| row.get(c.header).map_or("", String::as_str))
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        std::fs::write(path, text).unwrap();
    }

    fn write_xlsx(&self, path: &Path) {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let ws = workbook.add_worksheet();
        for (c, column) in COLUMNS.iter().enumerate() {
            ws.write_string(0, c as u16, column.header).unwrap();
        }
        for (r, row) in self.rows().iter().enumerate() {
            for (c, column) in COLUMNS.iter().enumerate() {
                let Some(v) = row.get(column.header) else {
                    continue;
                };
                let (r, c) = (r as u32 + 1, c as u16);
                match (column.kind, v.parse::<f64>()) {
                    (Kind::Number, Ok(n)) => ws.write_number(r, c, n).map(|_| ()),
                    _ => ws.write_string(r, c, v).map(|_| ()),
                }
                .unwrap();
            }
        }
        workbook.save(path).unwrap();
    }
}

fn broken_gstin(gstin: &str) -> String {
    let last = if gstin.ends_with('A') { 'B' } else { 'A' };
    format!("{}{last}", &gstin[..14])
}

fn results(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    v["documents"].as_array().unwrap().clone()
}

fn count(docs: &[Value], status: &str) -> usize {
    docs.iter().filter(|d| d["status"] == status).count()
}

fn irns(docs: &[Value]) -> Vec<(String, String, String)> {
    docs.iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
            (s("doc_no"), s("irn"), s("ack_no"))
        })
        .collect()
}

fn with_ext(path: &Path, ext: &str) -> PathBuf {
    PathBuf::from(format!("{}{ext}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_csv_registers_once_and_resumes_from_its_ledger() {
    let server = Server::start().await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("29").await;
    let cli = Cli::new(&server, &seller);
    let csv = cli.home.path().join("invoices.csv");
    let n = 300;
    Batch {
        seller: &seller,
        buyer: buyer["gstin"].as_str().unwrap(),
        prefix: "B",
        n,
    }
    .write_csv(&csv);
    let invalid = (0..n).filter(|i| Batch::is_invalid(*i)).count();
    let results_json = with_ext(&csv, ".results.json");
    let results_csv = with_ext(&csv, ".results.csv");
    let journal = with_ext(&csv, ".journal.jsonl");

    let first = cli
        .run(&["generate", csv.to_str().unwrap(), "--concurrency", "8"])
        .await;
    assert_eq!(
        first.status.code(),
        Some(1),
        "invalid documents make exit code 1: {}",
        stdout(&first)
    );
    let docs = results(&results_json);
    assert_eq!(docs.len(), n);
    assert_eq!(
        count(&docs, "REGISTERED"),
        n - invalid,
        "{}",
        stdout(&first)
    );
    assert_eq!(count(&docs, "INVALID"), invalid);
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(d["doc_no"], format!("B/{i}"), "file order");
        if Batch::is_invalid(i) {
            assert_eq!(d["status"], "INVALID", "{d}");
            assert!(!d["errors"].as_array().unwrap().is_empty());
            assert!(d["irn"].is_null());
        } else {
            assert_eq!(d["irn"].as_str().unwrap().len(), 64);
            assert_eq!(d["ack_no"].as_str().unwrap().len(), 15);
        }
    }
    assert!(
        std::fs::read_to_string(&results_csv)
            .unwrap()
            .lines()
            .count()
            == n + 1
    );
    assert_eq!(
        std::fs::read_to_string(&journal).unwrap().lines().count(),
        n - invalid,
        "one journal line per sent document"
    );
    let registered = irns(&docs);

    // A rerun sends nothing: the ledger knows every registered document.
    let second = cli
        .run(&["generate", csv.to_str().unwrap(), "--format", "json"])
        .await;
    assert_eq!(second.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(report["summary"]["sent"], 0);
    assert_eq!(report["summary"]["already_registered"], n - invalid);
    let docs = results(&results_json);
    assert_eq!(irns(&docs), registered);
    assert!(
        docs.iter()
            .filter(|d| d["status"] == "ALREADY_REGISTERED")
            .all(|d| d["errors"].as_array().unwrap().is_empty())
    );

    // A crash before the results were written: the journal alone is enough.
    std::fs::remove_file(&results_json).unwrap();
    std::fs::remove_file(&results_csv).unwrap();
    let third = cli.run(&["generate", csv.to_str().unwrap()]).await;
    assert!(stdout(&third).contains("; 0 sent"), "{}", stdout(&third));
    assert_eq!(irns(&results(&results_json)), registered);

    // A crash after the IRP committed but before the journal line: the IRP answers 2150 with DUPIRN.
    for path in [&results_json, &results_csv, &journal] {
        std::fs::remove_file(path).unwrap();
    }
    let fourth = cli.run(&["generate", csv.to_str().unwrap()]).await;
    assert_eq!(fourth.status.code(), Some(1));
    let docs = results(&results_json);
    assert_eq!(
        count(&docs, "ALREADY_REGISTERED"),
        n - invalid,
        "{}",
        stdout(&fourth)
    );
    assert_eq!(
        irns(&docs),
        registered,
        "the IRN and AckNo come from DUPIRN"
    );
    for d in docs.iter().filter(|d| d["status"] == "ALREADY_REGISTERED") {
        assert_eq!(d["errors"][0]["code"], "2150", "{d}");
    }

    // The IRP still has the first run's registration.
    let got = cli
        .run(&["get", "--doc", &format!("INV/B/1/{}", today())])
        .await;
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(got["Irn"].as_str().unwrap(), registered[1].1);
    assert_eq!(got["AckNo"].to_string(), registered[1].2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_excel_file_registers_the_same_way_with_results_in_a_folder() {
    let server = Server::start().await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("29").await;
    let cli = Cli::new(&server, &seller);
    let xlsx = cli.home.path().join("invoices.xlsx");
    let n = 300;
    Batch {
        seller: &seller,
        buyer: buyer["gstin"].as_str().unwrap(),
        prefix: "X",
        n,
    }
    .write_xlsx(&xlsx);
    let invalid = (0..n).filter(|i| Batch::is_invalid(*i)).count();
    let out = cli.home.path().join("out");

    let dry = cli
        .run(&[
            "generate",
            xlsx.to_str().unwrap(),
            "--dry-run",
            "--results",
            out.to_str().unwrap(),
        ])
        .await;
    assert_eq!(dry.status.code(), Some(1));
    assert!(
        stdout(&dry).contains(&format!("{} valid (dry run); 0 sent", n - invalid)),
        "{}",
        stdout(&dry)
    );
    assert!(
        !out.join("invoices.xlsx.results.json").exists(),
        "a dry run keeps no ledger"
    );

    let run = cli
        .run(&[
            "generate",
            xlsx.to_str().unwrap(),
            "--results",
            out.to_str().unwrap(),
        ])
        .await;
    assert_eq!(run.status.code(), Some(1));
    let docs = results(&out.join("invoices.xlsx.results.json"));
    assert_eq!(count(&docs, "REGISTERED"), n - invalid, "{}", stdout(&run));
    assert_eq!(count(&docs, "INVALID"), invalid);
    assert!(
        out.join("invoices.xlsx.results.csv").exists()
            && out.join("invoices.xlsx.journal.jsonl").exists()
    );

    let again = cli
        .run(&[
            "generate",
            xlsx.to_str().unwrap(),
            "--results",
            out.to_str().unwrap(),
        ])
        .await;
    assert!(
        stdout(&again).contains(&format!("0 registered, {} already registered", n - invalid)),
        "{}",
        stdout(&again)
    );

    let unreadable = cli
        .run(&[
            "generate",
            cli.home.path().join("missing.csv").to_str().unwrap(),
        ])
        .await;
    assert_eq!(unreadable.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_gstin_generate_json_get_and_cancel_through_the_binary() {
    let server = Server::start().await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("29").await;
    let cli = Cli::new(&server, &seller);

    let login = cli.run(&["login"]).await;
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let shown = stdout(&login);
    assert!(
        shown.contains(seller["username"].as_str().unwrap())
            && shown.contains(seller["gstin"].as_str().unwrap())
    );
    assert!(shown.contains("token expiry"));
    for secret in ["password", "client_secret"] {
        assert!(
            !shown.contains(seller[secret].as_str().unwrap()),
            "{secret} printed"
        );
    }

    let buyer_gstin = buyer["gstin"].as_str().unwrap();
    let gstin = cli.run(&["gstin", buyer_gstin]).await;
    assert!(
        gstin.status.success(),
        "{}",
        String::from_utf8_lossy(&gstin.stderr)
    );
    assert!(stdout(&gstin).contains(buyer_gstin));
    assert_eq!(
        cli.run(&["gstin", "not-a-gstin"]).await.status.code(),
        Some(1)
    );

    // One JSON invoice in a folder, converted from a bulk row.
    let folder = cli.home.path().join("json");
    std::fs::create_dir(&folder).unwrap();
    let csv = cli.home.path().join("one.csv");
    Batch {
        seller: &seller,
        buyer: buyer_gstin,
        prefix: "J",
        n: 2,
    }
    .write_csv(&csv);
    let docs = openirp_bulk::read_documents(&csv).unwrap();
    let json_text = format!(
        "[{}]",
        docs.iter()
            .map(|d| d.json.clone().unwrap())
            .collect::<Vec<_>>()
            .join(",")
    );
    std::fs::write(folder.join("invoices.json"), json_text).unwrap();
    let generated = cli.run(&["generate", folder.to_str().unwrap()]).await;
    assert!(generated.status.success(), "{}", stdout(&generated));
    let docs = results(&folder.join("invoices.json.results.json"));
    assert_eq!(count(&docs, "REGISTERED"), 2);
    let irn = docs[0]["irn"].as_str().unwrap().to_string();

    let saved = cli.home.path().join("einvoice.json");
    let got = cli
        .run(&["get", &irn, "--out", saved.to_str().unwrap()])
        .await;
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(got["Irn"], irn.as_str());
    assert!(
        got["SignedInvoice"]
            .as_str()
            .is_some_and(|s| s.split('.').count() == 3)
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(saved, got);

    let by_doc = cli
        .run(&["get", "--doc", &format!("INV/J/0/{}", today())])
        .await;
    assert!(stdout(&by_doc).contains(&irn));

    let cancel = cli
        .run(&[
            "cancel",
            &irn,
            "--reason",
            "2",
            "--remark",
            "Data entry mistake",
        ])
        .await;
    assert!(
        cancel.status.success(),
        "{}",
        String::from_utf8_lossy(&cancel.stderr)
    );
    let cancelled: Value = serde_json::from_slice(&cancel.stdout).unwrap();
    assert_eq!(cancelled["Irn"], irn.as_str());
    assert!(cancelled["CancelDate"].is_string(), "{cancelled}");
    assert_ne!(
        cli.run(&["cancel", &irn, "--reason", "5", "--remark", "x"])
            .await
            .status
            .code(),
        Some(0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_halfway_resumes_without_sending_twice() {
    let server = Server::start().await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("29").await;
    let cli = Cli::new(&server, &seller);
    let csv = cli.home.path().join("big.csv");
    let n = 300;
    Batch {
        seller: &seller,
        buyer: buyer["gstin"].as_str().unwrap(),
        prefix: "K",
        n,
    }
    .write_csv(&csv);
    let invalid = (0..n).filter(|i| Batch::is_invalid(*i)).count();
    let journal = with_ext(&csv, ".journal.jsonl");

    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openirp"));
    cmd.args(["generate", csv.to_str().unwrap(), "--concurrency", "1"])
        .envs(cli.env.iter().map(|(k, v)| (k, v)))
        .stdout(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let lines = |p: &Path| std::fs::read_to_string(p).map_or(0, |t| t.lines().count());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while lines(&journal) < 20 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
    let journaled = lines(&journal);
    assert!(
        journaled >= 20 && journaled < n - invalid,
        "killed halfway: {journaled} journaled"
    );
    assert!(!with_ext(&csv, ".results.json").exists(), "no results yet");

    let rerun = cli
        .run(&["generate", csv.to_str().unwrap(), "--format", "json"])
        .await;
    let report: Value = serde_json::from_slice(&rerun.stdout).unwrap();
    let summary = &report["summary"];
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["invalid"], invalid);
    let done =
        summary["registered"].as_u64().unwrap() + summary["already_registered"].as_u64().unwrap();
    assert_eq!(done as usize, n - invalid);
    // Only what the journal did not have was sent.
    assert_eq!(
        summary["sent"].as_u64().unwrap() as usize,
        n - invalid - journaled
    );
    // What the server had committed but the journal had not yet written when the run was killed (the
    // request in flight, and outcomes still queued for the journal's next fsync) came back as 2150:
    // recovered with its IRN from DUPIRN, never registered twice, never a failure.
    let docs = results(&with_ext(&csv, ".results.json"));
    let via_2150: Vec<&Value> = docs
        .iter()
        .filter(|d| d["errors"][0]["code"] == "2150")
        .collect();
    for d in via_2150 {
        assert_eq!(d["status"], "ALREADY_REGISTERED", "{d}");
        assert_eq!(d["irn"].as_str().map(str::len), Some(64), "{d}");
    }
}

#[tokio::test]
async fn login_caches_the_token_privately_and_later_commands_reuse_it() {
    let server = Server::start().await;
    let seller = server.taxpayer("29").await;
    let mut cli = Cli::new(&server, &seller);
    let login = cli.run(&["login"]).await;
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    let cache = cli.home.path().join("token.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the token cache holds the session key");
    }
    let cached = std::fs::read_to_string(&cache).unwrap();
    assert!(!cached.contains(seller["password"].as_str().unwrap()));
    // With a wrong password a fresh login would fail (1019): the command works only through the cache.
    for (k, v) in cli.env.iter_mut() {
        if k == "OPENIRP_PASSWORD" {
            *v = "Wrong@1234".to_string();
        }
    }
    let gstin = seller["gstin"].as_str().unwrap();
    let lookup = cli.run(&["gstin", gstin]).await;
    assert!(
        lookup.status.success(),
        "{}",
        String::from_utf8_lossy(&lookup.stderr)
    );
    assert!(stdout(&lookup).contains(gstin));
    // Without the cache the wrong password is what the IRP sees.
    std::fs::remove_file(&cache).unwrap();
    let refused = cli.run(&["gstin", gstin]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("1019"));
}
