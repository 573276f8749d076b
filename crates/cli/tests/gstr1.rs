//! `openirp gstr1` through the real binary against a real server in this process: the month's JSON
//! and one CSV per non-empty section beside it, with the registered invoice under b2b.

mod support;

use serde_json::Value;
use support::{Cli, Server, stderr, stdout, today};

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
