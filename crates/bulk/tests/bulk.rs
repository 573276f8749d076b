//! The bulk layout end to end: files to INV-01 text, checked by the server's own rule engine.

use openirp_bulk::{BulkError, Ledger, LedgerPaths, Outcome, Status, sheet};
use std::path::Path;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/invoices.csv");

fn offline_errors(text: &str, today: &str) -> Vec<String> {
    let today = chrono::NaiveDate::parse_from_str(today, "%d/%m/%Y").unwrap();
    match openirp_rules::check_schema_text(text).expect("JSON") {
        Err(findings) => findings
            .iter()
            .map(|f| format!("{} {} {}", f.code, f.pointer, f.message))
            .collect(),
        Ok((_, invoice)) => {
            openirp_rules::validate(&invoice, &openirp_rules::Context::offline(today))
                .into_iter()
                .filter(|f| f.severity == openirp_rules::Severity::Error)
                .map(|f| format!("{} {} {}", f.code, f.pointer, f.message))
                .collect()
        }
    }
}

/// A small CSV with the sample's header and rows given as (column, value) overrides of the sample's first row.
fn csv_with(rows: &[&[(&str, &str)]]) -> String {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let base: Vec<String> = reader
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for overrides in rows {
        let mut row = base.clone();
        for (column, value) in *overrides {
            let at = header.iter().position(|h| h == column).unwrap();
            row[at] = value.to_string();
        }
        w.write_record(&row).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn documents_of(csv: &str) -> Result<Vec<openirp_bulk::SheetDocument>, BulkError> {
    openirp_bulk::documents(&sheet::read_csv_from(csv.as_bytes())?)
}

#[test]
fn the_sample_file_converts_and_passes_the_offline_rules() {
    let docs = openirp_bulk::read_documents(Path::new(SAMPLE)).unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].rows, vec![2, 3]);
    assert_eq!(
        docs[2].rows,
        vec![5, 6],
        "a continuation row with empty document columns joins its document"
    );
    for doc in &docs {
        let text = doc.json.as_ref().unwrap();
        assert_eq!(
            offline_errors(text, &doc.key.doc_date),
            Vec::<String>::new(),
            "{}",
            doc.key
        );
    }
    let third = docs[2].json.as_ref().unwrap();
    assert!(
        third.contains(r#""UnitPrice":1000.0,"TotAmt":1000.0"#),
        "lexemes kept: {third}"
    );
    assert!(third.contains(r#""Qty":100.345"#));
    assert!(third.contains(r#""DispDtls":{"Nm":"Bench Traders Warehouse""#));
    assert!(
        !third.contains("ShipDtls"),
        "an empty optional block is left out"
    );
    assert!(
        docs[1]
            .json
            .as_ref()
            .unwrap()
            .contains(r#""ShipDtls":{"LglNm""#)
    );
    assert!(third.starts_with(r#"{"Version":"1.1","TranDtls":{"TaxSch":"GST","SupTyp":"B2B""#));
}

#[test]
fn rows_group_by_type_number_and_date_in_file_order() {
    let csv = csv_with(&[
        &[("doc_no", "A/1"), ("item_sl_no", "1")],
        &[("doc_no", "B/1")],
        &[("doc_no", "a/1"), ("item_sl_no", "2")],
        &[("doc_no", "A/1"), ("doc_date", "21/11/2026")],
        &[("doc_no", "A/1"), ("doc_type", "crn")],
    ]);
    let docs = documents_of(&csv).unwrap();
    let keys: Vec<String> = docs.iter().map(|d| d.key.to_string()).collect();
    assert_eq!(
        keys,
        [
            "INV A/1 20/11/2026",
            "INV B/1 20/11/2026",
            "INV A/1 21/11/2026",
            "CRN A/1 20/11/2026"
        ]
    );
    assert_eq!(
        docs[0].rows,
        vec![2, 4],
        "document numbers compare without case, as the IRP does"
    );
    let items = docs[0].json.as_ref().unwrap().matches("\"SlNo\"").count();
    assert_eq!(items, 2);
}

#[test]
fn a_bad_cell_fails_its_document_only_and_names_row_and_column() {
    let csv = csv_with(&[
        &[("doc_no", "A/1"), ("item_total", "1,00,000.00")],
        &[("doc_no", "A/1"), ("item_sl_no", "2"), ("item_hsn", "")],
        &[("doc_no", "B/1")],
        &[("doc_no", "C/1"), ("seller_pin", "560001")],
        &[
            ("doc_no", "C/1"),
            ("seller_pin", "560002"),
            ("item_sl_no", "2"),
        ],
    ]);
    let docs = documents_of(&csv).unwrap();
    let errors = docs[0].json.as_ref().unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        shown[0].starts_with("row 2, column item_total: \"1,00,000.00\" is not a number"),
        "{shown:?}"
    );
    assert_eq!(shown[1], "row 3, column item_hsn: required, but empty");
    assert!(docs[1].json.is_ok());
    let conflict = docs[2].json.as_ref().unwrap_err();
    assert_eq!(
        (conflict[0].row, conflict[0].column.as_str()),
        (6, "seller_pin")
    );
}

#[test]
fn numbers_must_be_json_numbers() {
    for good in ["0", "1000.0", "99.545", "-0.22", "1e3"] {
        assert!(openirp_bulk::is_json_number(good), "{good}");
    }
    for bad in [
        "", "01", "1.", ".5", "+1", "1,000", "₹10", "1 000", "NaN", "1e",
    ] {
        assert!(!openirp_bulk::is_json_number(bad), "{bad}");
    }
}

#[test]
fn headers_are_checked_before_any_row() {
    let unknown = "doc_typo\n";
    assert!(matches!(documents_of(unknown), Err(BulkError::UnknownColumn(c)) if c == "doc_typo"));
    let missing = csv_with(&[&[]]).replacen("item_hsn", "ship_gstin_x", 1);
    assert!(documents_of(&missing).is_err());
    let short = "doc_type,doc_no,doc_date\nINV,1,01/01/2026\n";
    assert!(
        matches!(documents_of(short), Err(BulkError::MissingColumns(m)) if m.contains(&"item_hsn".to_string()))
    );
}

#[test]
fn excel_cells_read_as_typed_numbers_and_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoices.xlsx");
    let csv_docs = openirp_bulk::read_documents(Path::new(SAMPLE)).unwrap();
    let sample = sheet::read_csv(Path::new(SAMPLE)).unwrap();
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in sample.headers.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in sample.rows.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            let header = sample.headers[c as usize].as_str();
            if cell.is_empty() {
                continue;
            } else if header == "doc_date" {
                let d: Vec<u16> = cell.split('/').map(|p| p.parse().unwrap()).collect();
                let dt = ExcelDateTime::from_ymd(d[2], d[1] as u8, d[0] as u8).unwrap();
                ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
            } else if let Ok(n) = cell.parse::<f64>() {
                ws.write_number(r, c, n).unwrap();
            } else {
                ws.write_string(r, c, cell).unwrap();
            }
        }
    }
    workbook.save(&path).unwrap();

    let docs = openirp_bulk::read_documents(&path).unwrap();
    assert_eq!(docs.len(), 3);
    for (x, c) in docs.iter().zip(&csv_docs) {
        assert_eq!(x.key, c.key, "dates come back as dd/mm/yyyy");
        assert_eq!(x.rows, c.rows);
        let text = x.json.as_ref().unwrap();
        assert_eq!(offline_errors(text, &x.key.doc_date), Vec::<String>::new());
    }
    let third = docs[2].json.as_ref().unwrap();
    assert!(third.contains(r#""UnitPrice":99.545"#), "{third}");
    assert!(
        third.contains(r#""UnitPrice":1000,"#),
        "a number cell has no lexeme of its own: {third}"
    );
    assert!(third.contains(r#""Pin":560001"#) && third.contains(r#""Ph":"9000000000""#));
    assert!(third.contains(r#""HsnCd":"1001""#) && third.contains(r#""SlNo":"2""#));
}

fn registered(no: &str, irn: &str) -> Outcome {
    let mut o = Outcome::new(
        &openirp_bulk::DocKey::new("INV", no, "20/11/2026"),
        Status::Registered,
        "rows 2-2",
    );
    o.irn = Some(irn.to_string());
    o.ack_no = Some("112610000000001".to_string());
    o
}

#[test]
fn the_ledger_remembers_registered_documents_across_runs_and_torn_lines() {
    let dir = tempfile::tempdir().unwrap();
    let paths = LedgerPaths::for_input(&dir.path().join("in.csv"), None);
    assert!(paths.journal.ends_with("in.csv.journal.jsonl"));
    let mut ledger = Ledger::open(paths.clone()).unwrap();
    let failed = Outcome::new(
        &openirp_bulk::DocKey::new("INV", "F/1", "20/11/2026"),
        Status::Failed,
        "",
    );
    ledger
        .record(&[registered("A/1", "aa"), failed.clone()])
        .unwrap();
    drop(ledger);
    // A crash in the middle of a line.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&paths.journal)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"doc_type\":\"INV\",\"doc_n"))
        .unwrap();

    let mut ledger = Ledger::open(paths.clone()).unwrap();
    assert_eq!(
        ledger
            .registered(&openirp_bulk::DocKey::new("inv", "a/1", "20/11/2026"))
            .unwrap()
            .irn
            .as_deref(),
        Some("aa")
    );
    assert!(
        ledger.registered(&failed.key()).is_none(),
        "a failed document is sent again"
    );
    ledger.record(&[registered("B/1", "bb")]).unwrap();
    ledger.write_results(&[registered("C/1", "cc")]).unwrap();
    drop(ledger);

    let ledger = Ledger::open(paths.clone()).unwrap();
    assert_eq!(
        ledger.registered_count(),
        3,
        "journal (torn line skipped, next line whole) and results"
    );
    let csv = std::fs::read_to_string(&paths.results_csv).unwrap();
    assert!(csv.starts_with("doc_type,doc_no,doc_date,status,irn,ack_no,ack_dt,error_codes,error_messages,source\nINV,C/1,20/11/2026,REGISTERED,cc,112610000000001,"));
}
