//! Fetches an e-invoice by IRN, then checks its SignedQRCode offline against the IRP's signing
//! certificate and prints what the QR code says.
//!
//! ```text
//! cargo run -p openirp-examples --example verify_qr -- IRN
//! ```
//! Uses the same `OPENIRP_*` variables as `register_one`.

use openirp_client::{Credentials, NicClient, verify_signed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let irn = std::env::args().nth(1).ok_or("usage: verify_qr IRN")?;
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

    let einvoice = client.get_irn(irn.trim()).await?;
    let qr = einvoice["SignedQRCode"]
        .as_str()
        .ok_or("the answer has no SignedQRCode")?;
    // The certificate is public; a verifier in the field would keep a copy instead of fetching it.
    let cert = client
        .raw_http()
        .get(format!("{}/keys/signing-cert.pem", client.base_url()))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let data = verify_signed(qr, &cert)?;
    println!("signature valid; the QR code says:");
    println!("{}", serde_json::to_string_pretty(&data)?);
    Ok(())
}
