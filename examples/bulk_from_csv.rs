//! Registers every document of a bulk CSV (default: this crate's sample) and keeps the ledger beside
//! it, as `openirp generate` does (without its offline rule check and concurrency, to stay short).
//!
//! ```text
//! cargo run -p openirp-examples --example bulk_from_csv -- my-invoices.csv
//! ```
//! Uses the `OPENIRP_*` variables of examples/README.md, which also says how to adapt the sample
//! (seller GSTIN, today's date, buyers in the sandbox master).

use openirp_bulk::{Issue, Ledger, LedgerPaths, Outcome, Status};
use openirp_client::{ClientError, Credentials, NicClient};
use std::path::PathBuf;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../crates/bulk/samples/invoices.csv"
            ))
        },
        PathBuf::from,
    );
    let var = |k: &str| std::env::var(k).map_err(|_| format!("set {k} (see examples/README.md)"));
    let base = var("OPENIRP_URL")?;
    let creds = Credentials {
        client_id: var("OPENIRP_CLIENT_ID")?,
        client_secret: var("OPENIRP_CLIENT_SECRET")?,
        username: var("OPENIRP_USERNAME")?,
        password: var("OPENIRP_PASSWORD")?,
        gstin: var("OPENIRP_GSTIN")?.to_ascii_uppercase(),
    };
    let pem = NicClient::fetch_auth_public_key(&base).await?;
    let mut client = NicClient::new(&base, &pem, creds)?;
    client.authenticate(false).await?;

    let mut ledger = Ledger::open(LedgerPaths::for_input(&path, None))?;
    let mut outcomes = Vec::new();
    for doc in openirp_bulk::read_documents(&path)? {
        let source = format!("rows {:?}", doc.rows);
        let outcome = match (&doc.json, ledger.registered(&doc.key)) {
            (_, Some(earlier)) => Outcome {
                status: Status::AlreadyRegistered,
                ..earlier.clone()
            },
            (Err(errors), None) => {
                let mut o = Outcome::new(&doc.key, Status::Invalid, &source);
                o.errors = errors
                    .iter()
                    .map(|e| Issue {
                        code: "ROW".into(),
                        message: e.to_string(),
                    })
                    .collect();
                o
            }
            (Ok(json), None) => {
                let o = send(&client, json, &doc.key, &source).await;
                ledger.record(std::slice::from_ref(&o))?;
                o
            }
        };
        println!(
            "{} {:<18} {}",
            doc.key,
            outcome.status.as_str(),
            outcome.irn.as_deref().unwrap_or("")
        );
        outcomes.push(outcome);
    }
    ledger.write_results(&outcomes)?;
    println!("results: {}", ledger.paths().results_csv.display());
    Ok(())
}

async fn send(client: &NicClient, json: &str, key: &openirp_bulk::DocKey, source: &str) -> Outcome {
    match client.generate_irn(json.as_bytes()).await {
        Ok(data) => {
            let mut o = Outcome::new(key, Status::Registered, source);
            o.irn = data["Irn"].as_str().map(str::to_string);
            o.ack_no = Some(data["AckNo"].to_string());
            o.ack_dt = data["AckDt"].as_str().map(str::to_string);
            o
        }
        Err(e) => {
            let mut o = Outcome::new(key, Status::Failed, source);
            o.errors = match e {
                ClientError::Nic { errors, .. } => errors
                    .into_iter()
                    .map(|e| Issue {
                        code: e.code,
                        message: e.message,
                    })
                    .collect(),
                other => vec![Issue {
                    code: "CLIENT".into(),
                    message: other.to_string(),
                }],
            };
            o
        }
    }
}
