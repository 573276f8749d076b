//! `openirp verify`: checks a SignedInvoice / SignedQRCode offline against the IRP's signing
//! certificate. Exit 0 valid, 1 invalid signature, 2 unreadable input or no certificate.

use anyhow::{Context as _, bail};
use clap::Args;
use openirp_crypto::CryptoError;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct VerifyArgs {
    /// A JWS, a file holding one (or a NIC response JSON with SignedInvoice/SignedQRCode), or a
    /// PNG/JPEG image of the e-invoice QR code.
    pub input: String,
    /// The IRP's signing certificate (PEM). Default: the profile's, else {url}/keys/signing-cert.pem.
    #[arg(long, conflicts_with = "jwks")]
    pub cert: Option<PathBuf>,
    /// A JWKS file (e.g. the IRP's /.well-known/jwks.json); the key is picked by the JWS `kid`.
    #[arg(long)]
    pub jwks: Option<PathBuf>,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

const EXIT_INVALID: u8 = 1;
const EXIT_UNREADABLE: u8 = 2;

/// A signed document to check, with what to call it.
struct Signed {
    label: &'static str,
    jws: String,
}

/// What the signature can be checked against.
enum Trust {
    CertPem(String),
    Jwks(Value),
}

pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let documents = match read_input(&args.input) {
        Ok(documents) => documents,
        Err(e) => {
            return Ok(fail(
                EXIT_UNREADABLE,
                &format!("cannot read {}: {e:#}", args.input),
            ));
        }
    };
    // Malformed documents are "unreadable" before any certificate is fetched.
    for doc in &documents {
        if let Err(e) = decode_data(&doc.jws) {
            return Ok(fail(
                EXIT_UNREADABLE,
                &format!("{} is not a NIC signed document: {e}", doc.label),
            ));
        }
    }
    let trust = match load_trust(&args) {
        Ok(trust) => trust,
        Err(e) => {
            return Ok(fail(
                EXIT_UNREADABLE,
                &format!("no signing certificate: {e:#}"),
            ));
        }
    };
    let mut invalid = false;
    for doc in &documents {
        match check(doc, &trust) {
            Ok(data) => report_valid(doc, &data),
            Err(Check::Invalid(why)) => {
                eprintln!("{}: SIGNATURE INVALID: {why}", doc.label);
                invalid = true;
            }
            Err(Check::Unusable(why)) => {
                return Ok(fail(EXIT_UNREADABLE, &format!("{}: {why}", doc.label)));
            }
        }
    }
    Ok(if invalid {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    })
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

/// The JWS(es) in INPUT: an image is read as a QR code, a file's text or INPUT itself as a JWS or
/// a NIC response.
fn read_input(input: &str) -> anyhow::Result<Vec<Signed>> {
    let path = Path::new(input);
    if !path.is_file() {
        if input.trim().matches('.').count() == 2 && !input.contains(std::path::MAIN_SEPARATOR) {
            return Ok(vec![Signed {
                label: "JWS",
                jws: input.trim().to_string(),
            }]);
        }
        bail!("no such file, and not a JWS");
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    if is_image(&bytes) {
        let jws = openirp_print::read_qr(&bytes)?;
        return Ok(vec![Signed {
            label: "SignedQRCode (from the image)",
            jws,
        }]);
    }
    let text = String::from_utf8(bytes).context("the file is neither an image nor text")?;
    signed_in_text(&text)
}

/// PNG or JPEG, by magic bytes.
pub(crate) fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// A bare JWS, or the signed fields of a NIC response JSON.
fn signed_in_text(text: &str) -> anyhow::Result<Vec<Signed>> {
    let text = text.trim();
    if !text.starts_with('{') {
        return Ok(vec![Signed {
            label: "JWS",
            jws: text.to_string(),
        }]);
    }
    let response: Value = serde_json::from_str(text).context("the file is not valid JSON")?;
    let (invoice, qr) = signed_fields(&response);
    let documents: Vec<Signed> = [("SignedInvoice", invoice), ("SignedQRCode", qr)]
        .into_iter()
        .filter_map(|(label, jws)| jws.map(|jws| Signed { label, jws }))
        .collect();
    if documents.is_empty() {
        bail!("the JSON has no SignedInvoice or SignedQRCode");
    }
    Ok(documents)
}

/// `SignedInvoice` and `SignedQRCode` of a NIC Generate/Get IRN answer, at the top or under `Data`.
pub(crate) fn signed_fields(response: &Value) -> (Option<String>, Option<String>) {
    let holder = match &response["Data"] {
        data @ Value::Object(_) => data,
        _ => response,
    };
    let field = |name: &str| holder[name].as_str().map(|s| s.trim().to_string());
    (field("SignedInvoice"), field("SignedQRCode"))
}

/// The payload's `data` document, signature unchecked.
fn decode_data(jws: &str) -> Result<Value, CryptoError> {
    let parts = openirp_crypto::decode_jws_unverified(jws)?;
    openirp_crypto::nic_data_of(&parts.payload)
}

fn load_trust(args: &VerifyArgs) -> anyhow::Result<Trust> {
    if let Some(path) = &args.jwks {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let jwks = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        return Ok(Trust::Jwks(jwks));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let pem = runtime.block_on(signing_cert_pem(&args.profile, args.cert.as_deref()))?;
    Ok(Trust::CertPem(pem))
}

/// The signing certificate: `--cert`, else the profile's `signing_certificate`, else fetched from
/// the IRP's `/keys/signing-cert.pem`.
pub(crate) async fn signing_cert_pem(
    profile: &crate::profile::ProfileArgs,
    cert: Option<&Path>,
) -> anyhow::Result<String> {
    // A partial profile (no credentials) is normal for offline verification: take what it has.
    let configured = profile
        .resolve()
        .ok()
        .and_then(|p| p.signing_certificate)
        .or_else(|| profile.signing_certificate.clone());
    if let Some(path) = cert.map(Path::to_path_buf).or(configured) {
        return std::fs::read_to_string(&path)
            .with_context(|| format!("reading the signing certificate {}", path.display()));
    }
    let base = profile
        .base_url()
        .context("give --cert, --jwks, --signing-certificate or an IRP URL to fetch it from")?;
    let url = openirp_client::wire::join_url(&base, "/keys/signing-cert.pem");
    let response = reqwest::get(&url)
        .await
        .with_context(|| format!("fetching {url}"))?;
    if !response.status().is_success() {
        bail!("fetching {url}: HTTP {}", response.status());
    }
    response
        .text()
        .await
        .with_context(|| format!("reading {url}"))
}

pub(crate) enum Check {
    /// The signature does not verify with the trusted key.
    Invalid(String),
    /// The key material cannot be used at all.
    Unusable(String),
}

fn check(doc: &Signed, trust: &Trust) -> Result<Value, Check> {
    let pem = match trust {
        Trust::CertPem(pem) => pem.clone(),
        Trust::Jwks(jwks) => cert_from_jwks(jwks, &doc.jws).map_err(Check::Unusable)?,
    };
    verify_with_pem(&doc.jws, &pem)
}

/// Verifies and returns the `data` document.
pub(crate) fn verify_with_pem(jws: &str, pem: &str) -> Result<Value, Check> {
    match openirp_client::verify_signed(jws, pem) {
        Ok(data) => Ok(data),
        Err(openirp_client::ClientError::Crypto(CryptoError::Jws(why))) => Err(Check::Invalid(why)),
        Err(e) => Err(Check::Unusable(format!(
            "the certificate cannot be used: {e}"
        ))),
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Invalid(why) => write!(f, "the signature is invalid: {why}"),
            Check::Unusable(why) => f.write_str(why),
        }
    }
}

/// The PEM certificate of the JWKS key named by the JWS `kid` (or the only key). Only `x5c` keys are
/// supported: that is what an IRP publishes alongside `n`/`e`.
fn cert_from_jwks(jwks: &Value, jws: &str) -> Result<String, String> {
    let keys = jwks["keys"]
        .as_array()
        .ok_or("the JWKS has no \"keys\" array")?;
    let kid = openirp_crypto::decode_jws_unverified(jws)
        .ok()
        .and_then(|parts| parts.header["kid"].as_str().map(str::to_string));
    let key = keys
        .iter()
        .find(|k| kid.is_some() && k["kid"].as_str() == kid.as_deref())
        .or(if keys.len() == 1 { keys.first() } else { None })
        .ok_or_else(|| format!("no JWKS key has kid {}", kid.as_deref().unwrap_or("(none)")))?;
    let der_b64 = key["x5c"][0]
        .as_str()
        .ok_or("the JWKS key has no x5c certificate; verify with --cert instead")?;
    Ok(pem_certificate(der_b64))
}

/// Base64 DER as PEM, wrapped at 64 columns.
fn pem_certificate(der_b64: &str) -> String {
    let body: Vec<&str> = der_b64
        .as_bytes()
        .chunks(64)
        .filter_map(|chunk| std::str::from_utf8(chunk).ok())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        body.join("\n")
    )
}

fn report_valid(doc: &Signed, data: &Value) {
    println!("{}: signature valid", doc.label);
    if is_qr_data(data) {
        print_qr_table(data);
    } else {
        println!(
            "{}",
            serde_json::to_string_pretty(data).unwrap_or_else(|_| data.to_string())
        );
    }
}

/// The SignedQRCode's fields, as opposed to a whole signed invoice.
fn is_qr_data(data: &Value) -> bool {
    data.get("IrnDt").is_some()
        && data.get("SellerGstin").is_some()
        && data.get("ItemList").is_none()
}

const QR_FIELDS: [(&str, &str); 10] = [
    ("SellerGstin", "Seller GSTIN"),
    ("BuyerGstin", "Buyer GSTIN"),
    ("DocNo", "Document number"),
    ("DocTyp", "Document type"),
    ("DocDt", "Document date"),
    ("TotInvVal", "Invoice value"),
    ("ItemCnt", "Item count"),
    ("MainHsnCode", "Main HSN code"),
    ("Irn", "IRN"),
    ("IrnDt", "IRN date"),
];

fn print_qr_table(data: &Value) {
    for (key, label) in QR_FIELDS {
        let value = match &data[key] {
            Value::String(s) => s.clone(),
            Value::Null => "-".to_string(),
            other => other.to_string(),
        };
        println!("  {label:<16} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_signed_fields_at_the_top_or_under_data() {
        let top = serde_json::json!({"SignedInvoice": "a.b.c", "SignedQRCode": "d.e.f"});
        assert_eq!(
            signed_fields(&top),
            (Some("a.b.c".into()), Some("d.e.f".into()))
        );
        let wrapped = serde_json::json!({"Status": 1, "Data": {"SignedQRCode": "d.e.f"}});
        assert_eq!(signed_fields(&wrapped), (None, Some("d.e.f".into())));
    }

    #[test]
    fn jwks_key_is_picked_by_kid_and_needs_x5c() {
        let irp = openirp_crypto::SigningIdentity::generate("IRP").unwrap();
        let jws = irp.sign_nic(r#"{"Irn":"x"}"#, "NIC");
        let jwks = serde_json::json!({"keys": [{"kid": "other"}, irp.jwk()]});
        let pem = cert_from_jwks(&jwks, &jws).unwrap();
        assert!(verify_with_pem(&jws, &pem).is_ok());
        let no_x5c = serde_json::json!({"keys": [{"kid": irp.kid(), "n": "AQAB", "e": "AQAB"}]});
        assert!(cert_from_jwks(&no_x5c, &jws).unwrap_err().contains("x5c"));
        assert!(cert_from_jwks(&serde_json::json!({}), &jws).is_err());
    }

    #[test]
    fn image_magic_is_detected() {
        assert!(is_image(b"\x89PNG\r\n\x1a\nrest"));
        assert!(is_image(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!is_image(b"eyJhbGciOi.x.y"));
    }
}
