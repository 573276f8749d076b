//! One CSV per section (RFC 4180: CRLF line ends, fields quoted when they hold `,`, `"`, CR or LF),
//! with column names as GSTN's offline-tool templates spell them.

use crate::format::*;
use openirp_model::states::{parse_state_code, state_name};
use rust_decimal::Decimal;

const B2B: &[&str] = &[
    "GSTIN/UIN of Recipient",
    "Invoice Number",
    "Invoice date",
    "Invoice Value",
    "Place Of Supply",
    "Reverse Charge",
    "Invoice Type",
    "E-Commerce GSTIN",
    "Rate",
    "Taxable Value",
    "Integrated Tax Amount",
    "Central Tax Amount",
    "State/UT Tax Amount",
    "Cess Amount",
];

const CDNR: &[&str] = &[
    "GSTIN/UIN of Recipient",
    "Note Number",
    "Note Date",
    "Note Type",
    "Place Of Supply",
    "Reverse Charge",
    "Note Supply Type",
    "Note Value",
    "Rate",
    "Taxable Value",
    "Integrated Tax Amount",
    "Central Tax Amount",
    "State/UT Tax Amount",
    "Cess Amount",
];

const CDNUR: &[&str] = &[
    "UR Type",
    "Note Number",
    "Note Date",
    "Note Type",
    "Place Of Supply",
    "Note Value",
    "Rate",
    "Taxable Value",
    "Integrated Tax Amount",
    "Cess Amount",
];

const EXP: &[&str] = &[
    "Export Type",
    "Invoice Number",
    "Invoice date",
    "Invoice Value",
    "Port Code",
    "Shipping Bill Number",
    "Shipping Bill Date",
    "Rate",
    "Taxable Value",
    "Integrated Tax Amount",
    "Cess Amount",
];

const HSN: &[&str] = &[
    "HSN",
    "Description",
    "UQC",
    "Total Quantity",
    "Rate",
    "Taxable Value",
    "Integrated Tax Amount",
    "Central Tax Amount",
    "State/UT Tax Amount",
    "Cess Amount",
];

const DOCS: &[&str] = &[
    "Nature of Document",
    "Sr. No. From",
    "Sr. No. To",
    "Total Number",
    "Cancelled",
    "Net Issued",
];

/// Appends one record, quoting fields as RFC 4180 requires.
fn record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = f.as_ref();
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = String::new();
    record(&mut out, header);
    for r in rows {
        record(&mut out, &r);
    }
    out
}

fn n(d: &Decimal) -> String {
    d.to_string()
}

/// The rate and tax columns of one invoice-rate line: rt, txval, iamt, camt, samt, csamt.
fn rate_cells(t: &ItemDetail) -> [String; 6] {
    [
        n(&t.rt),
        n(&t.txval),
        n(&t.iamt),
        opt_n(&t.camt),
        opt_n(&t.samt),
        n(&t.csamt),
    ]
}

fn opt_n(d: &Option<Decimal>) -> String {
    d.as_ref().map(n).unwrap_or_default()
}

/// `29-Karnataka`, as the offline tool shows a place of supply.
fn pos_label(pos: &str) -> String {
    match parse_state_code(pos).and_then(state_name) {
        Some(name) => format!("{pos}-{name}"),
        None => pos.to_string(),
    }
}

fn inv_typ_label(inv_typ: &str) -> &str {
    match inv_typ {
        "R" => "Regular B2B",
        "SEWP" => "SEZ supplies with payment",
        "SEWOP" => "SEZ supplies without payment",
        "DE" => "Deemed Exp",
        other => other,
    }
}

pub(crate) fn sections(g: &Gstr1) -> Vec<(&'static str, String)> {
    let mut b2b = Vec::new();
    for p in &g.b2b {
        for inv in &p.inv {
            for it in &inv.itms {
                let t = &it.itm_det;
                let mut row = vec![
                    p.ctin.clone(),
                    inv.inum.clone(),
                    inv.idt.clone(),
                    n(&inv.val),
                    pos_label(&inv.pos),
                    inv.rchrg.clone(),
                    inv_typ_label(&inv.inv_typ).to_string(),
                    inv.etin.clone().unwrap_or_default(),
                ];
                row.extend(rate_cells(t));
                b2b.push(row);
            }
        }
    }
    let mut cdnr = Vec::new();
    for p in &g.cdnr {
        for nt in &p.nt {
            for it in &nt.itms {
                let t = &it.itm_det;
                let mut row = vec![
                    p.ctin.clone(),
                    nt.nt_num.clone(),
                    nt.nt_dt.clone(),
                    nt.ntty.clone(),
                    pos_label(&nt.pos),
                    nt.rchrg.clone(),
                    inv_typ_label(&nt.inv_typ).to_string(),
                    n(&nt.val),
                ];
                row.extend(rate_cells(t));
                cdnr.push(row);
            }
        }
    }
    let mut cdnur = Vec::new();
    for nt in &g.cdnur {
        for it in &nt.itms {
            let t = &it.itm_det;
            cdnur.push(vec![
                nt.typ.clone(),
                nt.nt_num.clone(),
                nt.nt_dt.clone(),
                nt.ntty.clone(),
                nt.pos.as_deref().map(pos_label).unwrap_or_default(),
                n(&nt.val),
                n(&t.rt),
                n(&t.txval),
                n(&t.iamt),
                n(&t.csamt),
            ]);
        }
    }
    let mut exp = Vec::new();
    for grp in &g.exp {
        for inv in &grp.inv {
            for it in &inv.itms {
                exp.push(vec![
                    grp.exp_typ.clone(),
                    inv.inum.clone(),
                    inv.idt.clone(),
                    n(&inv.val),
                    inv.sbpcode.clone().unwrap_or_default(),
                    inv.sbnum.clone().unwrap_or_default(),
                    inv.sbdt.clone().unwrap_or_default(),
                    n(&it.rt),
                    n(&it.txval),
                    n(&it.iamt),
                    n(&it.csamt),
                ]);
            }
        }
    }
    let hsn = |rows: &[HsnRow]| {
        rows.iter()
            .map(|r| {
                vec![
                    r.hsn_sc.clone(),
                    r.user_desc.clone().unwrap_or_default(),
                    r.uqc.clone(),
                    n(&r.qty),
                    n(&r.rt),
                    n(&r.txval),
                    n(&r.iamt),
                    n(&r.camt),
                    n(&r.samt),
                    n(&r.csamt),
                ]
            })
            .collect::<Vec<_>>()
    };
    let (hsn_b2b, hsn_b2c) = match &g.hsn {
        Some(h) => (hsn(&h.hsn_b2b), hsn(&h.hsn_b2c)),
        None => (Vec::new(), Vec::new()),
    };
    let mut docs = Vec::new();
    for det in g.doc_issue.iter().flat_map(|d| &d.doc_det) {
        for r in &det.docs {
            docs.push(vec![
                doc_nature_name(det.doc_num).to_string(),
                r.from.clone(),
                r.to.clone(),
                r.totnum.to_string(),
                r.cancel.to_string(),
                r.net_issue.to_string(),
            ]);
        }
    }
    vec![
        ("b2b", table(B2B, b2b)),
        ("cdnr", table(CDNR, cdnr)),
        ("cdnur", table(CDNUR, cdnur)),
        ("exp", table(EXP, exp)),
        ("hsn_b2b", table(HSN, hsn_b2b)),
        ("hsn_b2c", table(HSN, hsn_b2c)),
        ("doc_issue", table(DOCS, docs)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        let mut out = String::new();
        record(&mut out, &["a", "b,c", "say \"hi\"", "x\ny", "plain"]);
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",plain\r\n");
    }

    #[test]
    fn place_of_supply_has_its_name() {
        assert_eq!(pos_label("29"), "29-Karnataka");
        assert_eq!(pos_label("XX"), "XX");
    }
}
