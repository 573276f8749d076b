//! `openirp bench --bulk N`: the CLI's bulk path timed against the same server as the raw generate
//! rate. It writes N invoices to a CSV and runs `openirp generate`'s own code on it in this process:
//! conversion, offline validation, concurrent sending and the fsynced journal, then the results files.

use super::BenchArgs;
use anyhow::{Context as _, bail};
use openirp_bulk::layout::COLUMNS;
use openirp_client::{Credentials, NicClient};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the bulk run measured.
pub struct BulkOutcome {
    documents: usize,
    registered: usize,
    elapsed: Duration,
    concurrency: usize,
}

pub async fn drive(base: &str, n: usize, args: &BenchArgs) -> anyhow::Result<BulkOutcome> {
    let seller = taxpayer(base).await?;
    let buyer = taxpayer(base).await?;
    let dir = tempfile_dir()?;
    let csv = dir.join("bench.csv");
    let date = openirp_model::time::format_doc_date(openirp_model::time::ist_date(
        chrono::Utc::now().timestamp(),
    ));
    write_csv(&csv, &seller, field(&buyer, "gstin"), n, args.items, &date)?;

    let creds = Credentials {
        client_id: field(&seller, "client_id").to_string(),
        client_secret: field(&seller, "client_secret").to_string(),
        username: field(&seller, "username").to_string(),
        password: field(&seller, "password").to_string(),
        gstin: field(&seller, "gstin").to_string(),
    };
    let pem = NicClient::fetch_auth_public_key(base).await?;
    let mut client = NicClient::new(base, &pem, creds.clone())?;
    client.authenticate(false).await?;
    let options = crate::generate::Options {
        results_dir: None,
        concurrency: args.concurrency,
        caller_gstin: creds.gstin.clone(),
        today: openirp_model::time::ist_date(chrono::Utc::now().timestamp()),
        progress: false,
    };
    println!(
        "timing the CLI bulk path on {n} invoices ({} in flight)…",
        args.concurrency
    );
    let start = Instant::now();
    let run = crate::generate::bulk_run(Some(Arc::new(client)), &[csv], &options).await;
    let elapsed = start.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    let summary = run.summary();
    if summary.unreadable_inputs > 0 {
        bail!("the bench CSV could not be read: {:?}", run.unreadable);
    }
    Ok(BulkOutcome {
        documents: summary.documents,
        registered: summary.registered,
        elapsed,
        concurrency: args.concurrency,
    })
}

pub fn print(bulk: &BulkOutcome, server_rate: f64) {
    let rate = bulk.registered as f64 / bulk.elapsed.as_secs_f64();
    println!();
    println!("CLI bulk path (CSV → INV-01 → offline rules → Generate IRN → journal → results)");
    println!(
        "  invoices         {} ({} registered, {} in flight)",
        bulk.documents, bulk.registered, bulk.concurrency
    );
    println!("  elapsed          {:.2} s", bulk.elapsed.as_secs_f64());
    println!("  throughput       {rate:.0} invoices/s");
    println!(
        "  ratio            {:.2}  = bulk invoices/s ÷ server IRN/s",
        rate / server_rate
    );
}

fn field<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_default()
}

async fn taxpayer(base: &str) -> anyhow::Result<Value> {
    Ok(reqwest::Client::new()
        .post(format!("{base}/sandbox/v1/taxpayers"))
        .json(&serde_json::json!({"state_code": "29"}))
        .send()
        .await?
        .error_for_status()
        .context("creating a sandbox taxpayer (is the server in sandbox mode?)")?
        .json()
        .await?)
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("openirp-bench-bulk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).context("creating a temporary folder")?;
    Ok(dir)
}

/// `n` intra-state invoices of `items` lines each, the same documents as the raw bench sends.
fn write_csv(
    path: &Path,
    seller: &Value,
    buyer: &str,
    n: usize,
    items: u16,
    date: &str,
) -> anyhow::Result<()> {
    let mut out = openirp_bulk::layout::header_line();
    out.push('\n');
    let k = u64::from(items);
    let run_id = std::process::id();
    for i in 0..n {
        for item in 1..=items {
            let mut row: HashMap<&str, String> = HashMap::new();
            let doc = [
                ("supply_type", "B2B".to_string()),
                ("doc_type", "INV".to_string()),
                ("doc_no", format!("K{run_id:X}/{i}")),
                ("doc_date", date.to_string()),
                ("seller_gstin", field(seller, "gstin").to_string()),
                ("seller_legal_name", field(seller, "legal_name").to_string()),
                ("seller_addr1", "12 MG Road".to_string()),
                (
                    "seller_location",
                    seller["address"]["loc"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                ),
                ("seller_pin", seller["address"]["pin"].to_string()),
                ("seller_state", "29".to_string()),
                ("buyer_gstin", buyer.to_string()),
                ("buyer_legal_name", "Vikas Exports".to_string()),
                ("buyer_pos", "29".to_string()),
                ("buyer_addr1", "7th block".to_string()),
                ("buyer_location", "Bengaluru".to_string()),
                ("buyer_pin", "560004".to_string()),
                ("buyer_state", "29".to_string()),
                ("total_assessable", format!("{}.00", 100_000 * k)),
                ("total_cgst", format!("{}.00", 9_000 * k)),
                ("total_sgst", format!("{}.00", 9_000 * k)),
                ("total_igst", "0".to_string()),
                ("total_invoice_value", format!("{}.00", 118_000 * k)),
            ];
            let line = [
                ("item_sl_no", item.to_string()),
                ("item_description", format!("Laptop computer model {item}")),
                ("item_is_service", "N".to_string()),
                ("item_hsn", "84713010".to_string()),
                ("item_qty", "2".to_string()),
                ("item_unit", "NOS".to_string()),
                ("item_unit_price", "50000.00".to_string()),
                ("item_total", "100000.00".to_string()),
                ("item_assessable", "100000.00".to_string()),
                ("item_gst_rate", "18".to_string()),
                ("item_igst", "0".to_string()),
                ("item_cgst", "9000.00".to_string()),
                ("item_sgst", "9000.00".to_string()),
                ("item_total_value", "118000.00".to_string()),
            ];
            row.extend(doc);
            row.extend(line);
            let cells: Vec<&str> = COLUMNS
                .iter()
                .map(|c| row.get(c.header).map_or("", String::as_str))
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))
}
