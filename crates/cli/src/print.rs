//! `openirp print`: an e-invoice as an A4 PDF with its signed QR code, from the IRP (by IRN) or from
//! a saved Generate/Get IRN answer (`--from`). The signature is checked first.

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct PrintArgs {
    /// The IRN to fetch from the IRP (not needed with --from).
    #[arg(required_unless_present = "from")]
    pub irn: Option<String>,
    /// Where to write the PDF.
    #[arg(long)]
    pub pdf: PathBuf,
    /// A NIC Generate/Get IRN answer (JSON with SignedInvoice and SignedQRCode) instead of fetching.
    #[arg(long, conflicts_with = "irn")]
    pub from: Option<PathBuf>,
    /// The IRP's signing certificate (PEM). Default: the profile's, else {url}/keys/signing-cert.pem.
    #[arg(long)]
    pub cert: Option<PathBuf>,
    /// Print even without checking the signatures (for a document from an unknown IRP).
    #[arg(long)]
    pub no_verify: bool,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(args: PrintArgs) -> anyhow::Result<ExitCode> {
    let response = load_response(&args)?;
    let (Some(signed_invoice), Some(signed_qr)) = crate::verify::signed_fields(&response) else {
        bail!("the answer has no SignedInvoice and SignedQRCode");
    };
    if args.no_verify {
        eprintln!("warning: --no-verify: the signatures were NOT checked");
    } else if let Err(why) = verify_both(&args, &signed_invoice, &signed_qr)? {
        eprintln!("error: {why}; refusing to print (use --no-verify to print anyway)");
        return Ok(ExitCode::from(1));
    }
    if response["Status"].as_str() == Some("CNL") {
        eprintln!("warning: this IRN is CANCELLED");
    }
    let view = openirp_print::InvoiceView::from_signed(&signed_invoice, &signed_qr)?;
    let pdf = openirp_print::invoice_pdf(&view)?;
    std::fs::write(&args.pdf, &pdf).with_context(|| format!("writing {}", args.pdf.display()))?;
    println!(
        "wrote {} (IRN {}, {} items)",
        args.pdf.display(),
        view.irn,
        view.items.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn load_response(args: &PrintArgs) -> anyhow::Result<Value> {
    if let Some(path) = &args.from {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()));
    }
    let irn = args.irn.as_deref().unwrap_or_default();
    if !crate::qr::is_irn(irn) {
        bail!("{irn} is not an IRN (64 hex characters)");
    }
    crate::qr::fetch_irn(&args.profile, irn)
}

/// Ok(Err(reason)) when a signature does not verify; Err when no certificate can be had.
fn verify_both(
    args: &PrintArgs,
    signed_invoice: &str,
    signed_qr: &str,
) -> anyhow::Result<Result<(), String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let pem = runtime.block_on(crate::verify::signing_cert_pem(
        &args.profile,
        args.cert.as_deref(),
    ))?;
    for (label, jws) in [
        ("SignedInvoice", signed_invoice),
        ("SignedQRCode", signed_qr),
    ] {
        if let Err(why) = crate::verify::verify_with_pem(jws, &pem) {
            return Ok(Err(format!("{label}: {why}")));
        }
    }
    Ok(Ok(()))
}
