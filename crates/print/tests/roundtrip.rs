//! Round trips through the tools a person's software uses: zbarimg reads our QR PNGs, poppler renders
//! and extracts our PDFs. CI installs zbar-tools and poppler-utils and requires them.

use openirp_crypto::SigningIdentity;
use openirp_print::{InvoiceView, invoice_pdf, qr_png, qr_png_for_print, read_qr};
use std::path::Path;
use std::process::Command;

/// Whether zbarimg and poppler's tools are here. Without them the tool tests say SKIPPED and pass,
/// unless `OPENIRP_REQUIRE_TOOLS` is set (as `.ci/run` does), where a missing tool fails the run.
fn tools_present() -> bool {
    let missing: Vec<&str> = ["zbarimg", "pdftoppm", "pdftotext"]
        .into_iter()
        .filter(|tool| Command::new(tool).arg("-v").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_none(),
        "OPENIRP_REQUIRE_TOOLS is set but {missing:?} are missing: apt-get install zbar-tools poppler-utils"
    );
    eprintln!("SKIPPED: {missing:?} not installed (apt-get install zbar-tools poppler-utils)");
    false
}

const IRN: &str = "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7";

/// Runs a required external tool, failing the test with install advice when it is missing.
fn run_tool(tool: &str, args: &[&str]) -> std::process::Output {
    Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is required for this test ({e}); install it: apt-get install zbar-tools poppler-utils")
    })
}

fn zbarimg(path: &Path) -> String {
    let output = run_tool("zbarimg", &["--raw", "-q", path.to_str().unwrap()]);
    assert!(output.status.success(), "zbarimg failed: {output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    // zbarimg ends each symbol with a newline.
    text.strip_suffix('\n').unwrap_or(&text).to_string()
}

/// NIC's sample invoice signed as an IRP does, with its SignedQRCode.
fn signed_sample() -> (SigningIdentity, String, String) {
    let irp = SigningIdentity::generate("Test IRP").unwrap();
    let fixture = include_str!("../../server/tests/fixtures/nic-sample-invoice.json")
        .replace("{{DOC_DATE}}", "16/09/2025");
    let invoice: serde_json::Value = serde_json::from_str(&fixture).unwrap();
    let mut data = serde_json::Map::new();
    data.insert("AckNo".into(), serde_json::json!(112510000000001u64));
    data.insert("AckDt".into(), "2025-09-16 19:29:41".into());
    data.insert("Irn".into(), IRN.into());
    data.extend(invoice.as_object().unwrap().clone());
    let signed_invoice = irp.sign_nic(&serde_json::Value::Object(data).to_string(), "NIC");
    let qr_data = format!(
        r#"{{"SellerGstin":"37ARZPT4384Q1MT","BuyerGstin":"29AWGPV7107B1Z1","DocNo":"DOC/001","DocTyp":"INV","DocDt":"16/09/2025","TotInvVal":12908,"ItemCnt":1,"MainHsnCode":"1001","Irn":"{IRN}","IrnDt":"2025-09-16 19:29:41"}}"#
    );
    let signed_qr = irp.sign_nic(&qr_data, "NIC");
    (irp, signed_invoice, signed_qr)
}

#[test]
fn a_real_sized_signed_qr_reads_back_exactly_with_zbarimg_and_read_qr() {
    if !tools_present() {
        return;
    }
    let (_, _, signed_qr) = signed_sample();
    assert!(
        signed_qr.len() > 900,
        "NIC-sized JWS: {} chars",
        signed_qr.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let image = qr_png_for_print(&signed_qr, 300, 5.0).unwrap();
    assert!(image.side_px >= 591, "{} px", image.side_px);
    let path = dir.path().join("qr.png");
    std::fs::write(&path, &image.png).unwrap();
    assert_eq!(zbarimg(&path), signed_qr);
    assert_eq!(read_qr(&image.png).unwrap(), signed_qr);

    // The small on-screen size reads back too.
    let small = qr_png(&signed_qr, 4).unwrap();
    std::fs::write(&path, &small).unwrap();
    assert_eq!(zbarimg(&path), signed_qr);
}

#[test]
fn a_jpeg_photo_of_the_code_reads_back() {
    let (_, _, signed_qr) = signed_sample();
    let png = qr_png(&signed_qr, 4).unwrap();
    let gray = image::load_from_memory(&png).unwrap().to_luma8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&gray)
        .unwrap();
    assert_eq!(&jpeg[..2], [0xFF, 0xD8]);
    assert_eq!(read_qr(&jpeg).unwrap(), signed_qr);
}

#[test]
fn the_invoice_pdf_renders_and_carries_the_irn_and_rupee_sign() {
    if !tools_present() {
        return;
    }
    let (_, signed_invoice, signed_qr) = signed_sample();
    let view = InvoiceView::from_signed(&signed_invoice, &signed_qr).unwrap();
    assert_eq!(view.irn, IRN);
    assert_eq!(view.items.len(), 1);
    let pdf = invoice_pdf(&view).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("invoice.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let pdf_arg = pdf_path.to_str().unwrap();

    let prefix = dir.path().join("page");
    let rendered = run_tool(
        "pdftoppm",
        &["-png", "-r", "50", pdf_arg, prefix.to_str().unwrap()],
    );
    assert!(rendered.status.success(), "pdftoppm failed: {rendered:?}");
    assert!(
        rendered.stderr.is_empty(),
        "pdftoppm complained: {}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert!(dir.path().join("page-1.png").exists());

    let text = run_tool("pdftotext", &["-layout", pdf_arg, "-"]);
    assert!(text.status.success(), "pdftotext failed: {text:?}");
    let text = String::from_utf8(text.stdout).unwrap();
    for expected in [
        IRN,
        "₹",
        "e-Invoice",
        "Tax Invoice",
        "112510000000001",
        "37ARZPT4384Q1MT",
        "29AWGPV7107B1Z1",
        "Rice",
        "12,908.00",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the PDF text:\n{text}"
        );
    }
}

#[test]
fn the_qr_inside_the_pdf_scans_at_print_resolution() {
    if !tools_present() {
        return;
    }
    let (_, signed_invoice, signed_qr) = signed_sample();
    let view = InvoiceView::from_signed(&signed_invoice, &signed_qr).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf_path = dir.path().join("invoice.pdf");
    std::fs::write(&pdf_path, invoice_pdf(&view).unwrap()).unwrap();
    let prefix = dir.path().join("scan");
    let rendered = run_tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "300",
            "-singlefile",
            pdf_path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(rendered.status.success(), "pdftoppm failed: {rendered:?}");
    assert_eq!(zbarimg(&dir.path().join("scan.png")), signed_qr);
}
