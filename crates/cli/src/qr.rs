//! `openirp qr`: the signed QR code of an IRN (fetched from the IRP) or of a JWS, as a PNG that
//! scans at print size.

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct QrArgs {
    /// An IRN (64 hex characters; its SignedQRCode is fetched) or a SignedQRCode JWS.
    pub input: String,
    /// Where to write the PNG.
    #[arg(long)]
    pub png: PathBuf,
    /// Print resolution, written into the PNG.
    #[arg(long, default_value_t = 300)]
    pub dpi: u32,
    /// Smallest printed side in centimetres (GSTN asks for at least 5).
    #[arg(long, default_value_t = 5.0)]
    pub size_cm: f64,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(args: QrArgs) -> anyhow::Result<ExitCode> {
    let jws = if is_irn(&args.input) {
        let response = fetch_irn(&args.profile, &args.input)?;
        crate::verify::signed_fields(&response)
            .1
            .context("the IRP's answer has no SignedQRCode")?
    } else if args.input.trim().matches('.').count() == 2 {
        args.input.trim().to_string()
    } else {
        bail!(
            "{} is neither an IRN (64 hex characters) nor a JWS",
            args.input
        );
    };
    let image = openirp_print::qr_png_for_print(&jws, args.dpi, args.size_cm)?;
    std::fs::write(&args.png, &image.png)
        .with_context(|| format!("writing {}", args.png.display()))?;
    let cm = image.side_cm().unwrap_or_default();
    println!(
        "wrote {}: {} × {} px, {cm:.2} × {cm:.2} cm at {} dpi",
        args.png.display(),
        image.side_px,
        image.side_px,
        args.dpi
    );
    Ok(ExitCode::SUCCESS)
}

/// 64 hex characters.
pub(crate) fn is_irn(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The IRP's Get IRN answer (AckNo, Irn, SignedInvoice, SignedQRCode, Status, ...).
pub(crate) fn fetch_irn(profile: &crate::profile::ProfileArgs, irn: &str) -> anyhow::Result<Value> {
    let profile = profile.resolve()?;
    crate::profile::block_on(async {
        // Logs in on the first call unless the token cache holds a live session.
        let client = profile.client().await?;
        client
            .get_irn(&irn.to_ascii_lowercase())
            .await
            .with_context(|| format!("fetching IRN {irn}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irn_shape() {
        assert!(is_irn(&"a1".repeat(32)));
        assert!(!is_irn(&"g1".repeat(32)));
        assert!(!is_irn("a.b.c"));
    }
}
