//! `openirp validate` as a user runs it: the real binary on real files.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn openirp(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openirp"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// An inter-state invoice (Maharashtra to Karnataka, IGST) dated 10/11/2025.
fn invoice(doc_no: &str, igst: &str) -> String {
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},
        "DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"10/11/2025"}},
        "SellerDtls":{{"Gstin":"27AAPFU0939F1ZV","LglNm":"Seller Ltd","Addr1":"Fort","Loc":"Mumbai","Pin":400001,"Stcd":"27"}},
        "BuyerDtls":{{"Gstin":"29AAGCB7383J1Z4","LglNm":"Buyer Ltd","Pos":"29","Addr1":"MG Road","Loc":"Bengaluru","Pin":560001,"Stcd":"29"}},
        "ItemList":[{{"SlNo":"1","IsServc":"N","HsnCd":"84713010","Qty":1,"Unit":"NOS","UnitPrice":1000,"TotAmt":1000,"AssAmt":1000,"GstRt":18,"IgstAmt":{igst},"TotItemVal":1180}}],
        "ValDtls":{{"AssVal":1000,"IgstVal":{igst},"TotInvVal":1180}}}}"#
    )
}

fn temp_file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

#[test]
fn a_valid_file_exits_0_and_says_so() {
    let f = temp_file(&invoice("A/1", "180"));
    let out = openirp(
        &[
            "validate",
            "--as-of",
            "12/11/2025",
            f.path().to_str().unwrap(),
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("INV A/1 10/11/2025  valid"), "{stdout}");
    assert!(
        stdout.contains("1 document(s): 1 valid, 0 invalid"),
        "{stdout}"
    );
}

#[test]
fn an_array_with_a_bad_invoice_exits_1_and_points_at_the_field() {
    let f = temp_file(&format!(
        "[{}, {}]",
        invoice("A/1", "180"),
        invoice("A/2", "150")
    ));
    let out = openirp(
        &[
            "validate",
            "--as-of",
            "12/11/2025",
            f.path().to_str().unwrap(),
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("#1  INV A/2 10/11/2025  INVALID"),
        "{stdout}"
    );
    assert!(stdout.contains("/ItemList/0/IgstAmt"), "{stdout}");
    assert!(stdout.contains("2235"), "{stdout}");
    assert!(
        stdout.contains("2 document(s): 1 valid, 1 invalid"),
        "{stdout}"
    );
}

#[test]
fn json_output_from_stdin() {
    let out = openirp(
        &["validate", "--format", "json", "--as-of", "2025-11-12", "-"],
        Some(&invoice("B/1", "150")),
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let doc = &report["documents"][0];
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["irn"].as_str().unwrap().len(), 64);
    let errors = doc["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["code"] == "2235" && e["pointer"] == "/ItemList/0/IgstAmt"),
        "{report}"
    );
    assert_eq!(report["summary"]["invalid"], 1);
}

#[test]
fn time_rules_follow_as_of() {
    let f = temp_file(&invoice("C/1", "180"));
    // Before the document date, the date is in the future.
    let out = openirp(
        &[
            "validate",
            "--format",
            "json",
            "--as-of",
            "01/11/2025",
            f.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["documents"][0]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "2163")
    );
}

#[test]
fn unreadable_input_exits_2() {
    let out = openirp(&["validate", "/no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.json"));
    let f = temp_file("{ this is not json");
    let out = openirp(&["validate", f.path().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    // Unreadable wins over invalid when both occur.
    let bad = temp_file(&invoice("D/1", "150"));
    let out = openirp(
        &[
            "validate",
            bad.path().to_str().unwrap(),
            "/no/such/file.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
}
