//! GSTR-1 built from a month of registered e-invoices, checked against sums the test works out
//! from its own fixtures.

use openirp_gstr1::{Gstr1, Gstr1Error, Period, RegisteredDoc, build};
use openirp_model::gstin::make_gstin;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn gstin(state: u8, pan: &str) -> String {
    make_gstin(state, pan, 1).unwrap()
}

fn seller() -> String {
    gstin(29, "AAGCB7383J")
}
fn buyer_a() -> String {
    gstin(29, "AABCA1234F")
}
fn buyer_b() -> String {
    gstin(27, "AABCB1234F")
}
fn buyer_sez() -> String {
    gstin(33, "AABCS1234F")
}
fn ecom() -> String {
    gstin(29, "AABCE1234F")
}

/// One item line; amounts as JSON lexemes.
#[derive(Clone)]
struct Line {
    hsn: &'static str,
    desc: &'static str,
    qty: Option<&'static str>,
    unit: Option<&'static str>,
    ass: &'static str,
    rt: &'static str,
    igst: &'static str,
    cgst: &'static str,
    sgst: &'static str,
    ces: &'static str,
    ces_non: &'static str,
}

fn goods(hsn: &'static str, qty: &'static str, unit: &'static str, ass: &'static str) -> Line {
    Line {
        hsn,
        desc: "Goods item",
        qty: Some(qty),
        unit: Some(unit),
        ass,
        rt: "18",
        igst: "0",
        cgst: "0",
        sgst: "0",
        ces: "0",
        ces_non: "0",
    }
}

fn service(hsn: &'static str, ass: &'static str) -> Line {
    Line {
        hsn,
        desc: "Consulting service",
        qty: None,
        unit: None,
        ..goods(hsn, "0", "NOS", ass)
    }
}

impl Line {
    fn rate(mut self, rt: &'static str) -> Line {
        self.rt = rt;
        self
    }
    fn intra(mut self, half: &'static str) -> Line {
        self.cgst = half;
        self.sgst = half;
        self
    }
    fn inter(mut self, igst: &'static str) -> Line {
        self.igst = igst;
        self
    }
    fn cess(mut self, ces: &'static str, non: &'static str) -> Line {
        self.ces = ces;
        self.ces_non = non;
        self
    }
    fn described(mut self, desc: &'static str) -> Line {
        self.desc = desc;
        self
    }
    fn total(&self) -> Decimal {
        [
            self.ass,
            self.igst,
            self.cgst,
            self.sgst,
            self.ces,
            self.ces_non,
        ]
        .iter()
        .map(|s| dec(s))
        .sum()
    }
}

#[derive(Clone)]
struct Fx {
    sup_typ: &'static str,
    typ: &'static str,
    no: &'static str,
    /// dd/mm/yyyy
    date: &'static str,
    seller: String,
    buyer: String,
    pos: &'static str,
    reverse_charge: bool,
    igst_on_intra: bool,
    ecm: Option<String>,
    export: Option<(&'static str, &'static str, &'static str)>,
    lines: Vec<Line>,
    cancelled: bool,
}

fn fx(sup_typ: &'static str, typ: &'static str, no: &'static str, date: &'static str) -> Fx {
    Fx {
        sup_typ,
        typ,
        no,
        date,
        seller: seller(),
        buyer: buyer_a(),
        pos: "29",
        reverse_charge: false,
        igst_on_intra: false,
        ecm: None,
        export: None,
        lines: Vec::new(),
        cancelled: false,
    }
}

impl Fx {
    fn to(mut self, buyer: String, pos: &'static str) -> Fx {
        self.buyer = buyer;
        self.pos = pos;
        self
    }
    fn lines(mut self, lines: Vec<Line>) -> Fx {
        self.lines = lines;
        self
    }
    fn total(&self) -> Decimal {
        self.lines.iter().map(Line::total).sum()
    }
    fn month(&self) -> &str {
        &self.date[3..]
    }

    /// INV-01 v1.1 JSON, number lexemes exactly as given.
    fn json(&self) -> String {
        let mut tran = format!(r#""TaxSch":"GST","SupTyp":"{}""#, self.sup_typ);
        tran.push_str(&format!(
            r#","RegRev":"{}""#,
            if self.reverse_charge { "Y" } else { "N" }
        ));
        if let Some(e) = &self.ecm {
            tran.push_str(&format!(r#","EcmGstin":"{e}""#));
        }
        if self.igst_on_intra {
            tran.push_str(r#","IgstOnIntra":"Y""#);
        }
        let seller_state = &self.seller[..2];
        let buyer_stcd = if self.buyer == "URP" {
            "96"
        } else {
            &self.buyer[..2]
        };
        let items: Vec<String> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut s = format!(
                    r#"{{"SlNo":"{}","IsServc":"{}","PrdDesc":"{}","HsnCd":"{}""#,
                    i + 1,
                    if l.hsn.starts_with("99") { "Y" } else { "N" },
                    l.desc,
                    l.hsn
                );
                if let Some(q) = l.qty {
                    s.push_str(&format!(r#","Qty":{q}"#));
                }
                if let Some(u) = l.unit {
                    s.push_str(&format!(r#","Unit":"{u}""#));
                }
                s.push_str(&format!(
                    r#","UnitPrice":{a},"TotAmt":{a},"AssAmt":{a},"GstRt":{rt},"IgstAmt":{ig},"CgstAmt":{cg},"SgstAmt":{sg},"CesAmt":{ce},"CesNonAdvlAmt":{cn},"TotItemVal":{tot}}}"#,
                    a = l.ass,
                    rt = l.rt,
                    ig = l.igst,
                    cg = l.cgst,
                    sg = l.sgst,
                    ce = l.ces,
                    cn = l.ces_non,
                    tot = l.total()
                ));
                s
            })
            .collect();
        let sum = |f: fn(&Line) -> &'static str| -> Decimal {
            self.lines.iter().map(|l| dec(f(l))).sum()
        };
        let exp = match self.export {
            Some((port, sb, sbdt)) => {
                let mut e = String::from(r#","ExpDtls":{"ForCur":"USD","CntCode":"US""#);
                if !port.is_empty() {
                    e.push_str(&format!(r#","Port":"{port}""#));
                }
                if !sb.is_empty() {
                    e.push_str(&format!(r#","ShipBNo":"{sb}","ShipBDt":"{sbdt}""#));
                }
                e.push('}');
                e
            }
            None => String::new(),
        };
        format!(
            r#"{{"Version":"1.1","TranDtls":{{{tran}}},
            "DocDtls":{{"Typ":"{typ}","No":"{no}","Dt":"{date}"}},
            "SellerDtls":{{"Gstin":"{seller}","LglNm":"Seller Ltd","Addr1":"Main Road","Loc":"Bengaluru","Pin":560001,"Stcd":"{seller_state}"}},
            "BuyerDtls":{{"Gstin":"{buyer}","LglNm":"Buyer Ltd","Pos":"{pos}","Addr1":"MG Road","Loc":"Somewhere","Stcd":"{buyer_stcd}"}},
            "ItemList":[{items}],
            "ValDtls":{{"AssVal":{ass},"IgstVal":{ig},"CgstVal":{cg},"SgstVal":{sg},"CesVal":{ce},"TotInvVal":{tot}}}{exp}}}"#,
            typ = self.typ,
            no = self.no,
            date = self.date,
            seller = self.seller,
            buyer = self.buyer,
            pos = self.pos,
            items = items.join(","),
            ass = sum(|l| l.ass),
            ig = sum(|l| l.igst),
            cg = sum(|l| l.cgst),
            sg = sum(|l| l.sgst),
            ce = self
                .lines
                .iter()
                .map(|l| dec(l.ces) + dec(l.ces_non))
                .sum::<Decimal>(),
            tot = self.total(),
        )
    }

    fn doc(&self) -> RegisteredDoc {
        RegisteredDoc {
            invoice_json: self.json(),
            cancelled: self.cancelled,
        }
    }
}

/// A month of documents of every kind, plus ones the builder must ignore.
fn fixtures() -> Vec<Fx> {
    let mut v = Vec::new();
    // Intra-state B2B, two rates, goods and services, cess on one line.
    v.push(fx("B2B", "INV", "INV/001", "03/11/2026").lines(vec![
        goods("84713010", "2", "NOS", "1000.00")
            .intra("90.00")
            .described("Laptop, 14-inch Pro"),
        service("998314", "2500").intra("225"),
        goods("61091000", "10", "PCS", "999.99")
            .rate("5")
            .intra("25.00")
            .cess("1.25", "0.50"),
    ]));
    // Inter-state, reverse charge, through an e-commerce operator.
    let mut f = fx("B2B", "INV", "INV/002", "10/11/2026")
        .to(buyer_b(), "27")
        .lines(vec![goods("84713010", "5", "NOS", "5000").inter("900")]);
    f.reverse_charge = true;
    f.ecm = Some(ecom());
    v.push(f);
    v.push(
        fx("SEZWP", "INV", "INV/003", "11/11/2026")
            .to(buyer_sez(), "33")
            .lines(vec![
                goods("73181500", "100", "KGS", "2000")
                    .rate("12")
                    .inter("240"),
            ]),
    );
    v.push(
        fx("SEZWOP", "INV", "INV/004", "12/11/2026")
            .to(buyer_sez(), "33")
            .lines(vec![goods("73181500", "50", "KGS", "1000.50")]),
    );
    v.push(fx("DEXP", "INV", "INV/005", "13/11/2026").lines(vec![
            goods("84713010", "1", "NOS", "10000")
                .rate("0.1")
                .inter("10"),
        ]));
    // Intra-state supply taxed as IGST.
    let mut f = fx("B2B", "INV", "INV/006", "14/11/2026")
        .lines(vec![goods("84713010", "1", "NOS", "1000").inter("180")]);
    f.igst_on_intra = true;
    v.push(f);
    // Cancelled: only in doc_issue.
    let mut f = fx("B2B", "INV", "INV/007", "15/11/2026")
        .to(buyer_b(), "27")
        .lines(vec![goods("84713010", "3", "NOS", "3000").inter("540")]);
    f.cancelled = true;
    v.push(f);
    let mut f = fx("EXPWP", "INV", "EXP/001", "16/11/2026")
        .to("URP".into(), "96")
        .lines(vec![goods("84713010", "8", "NOS", "8000").inter("1440")]);
    f.export = Some(("INNSA1", "1234567", "18/11/2026"));
    v.push(f);
    let mut f = fx("EXPWOP", "INV", "EXP/002", "17/11/2026")
        .to("URP".into(), "96")
        .lines(vec![service("998314", "4000").rate("0")]);
    f.export = Some(("", "", ""));
    v.push(f);
    v.push(
        fx("B2B", "CRN", "CN/001", "20/11/2026")
            .lines(vec![goods("84713010", "1", "NOS", "500").intra("45")]),
    );
    v.push(
        fx("B2B", "DBN", "DN/001", "21/11/2026")
            .to(buyer_b(), "27")
            .lines(vec![service("998314", "100").inter("18")]),
    );
    v.push(
        fx("EXPWP", "CRN", "CN/002", "22/11/2026")
            .to("URP".into(), "96")
            .lines(vec![goods("84713010", "1", "NOS", "1000").inter("180")]),
    );
    // Ignored: another month, another seller.
    v.push(
        fx("B2B", "INV", "INV/008", "01/12/2026")
            .lines(vec![goods("84713010", "1", "NOS", "777").intra("69.93")]),
    );
    let mut f = fx("B2B", "INV", "INV/001", "05/11/2026")
        .lines(vec![goods("84713010", "1", "NOS", "888").intra("79.92")]);
    f.seller = gstin(29, "AAACZ9999Z");
    v.push(f);
    v
}

fn period() -> Period {
    Period::parse("112026").unwrap()
}

fn built() -> (Vec<Fx>, Gstr1) {
    let fxs = fixtures();
    let docs: Vec<RegisteredDoc> = fxs.iter().map(Fx::doc).collect();
    let g = build(&seller(), &period(), &docs).unwrap();
    (fxs, g)
}

/// The fixtures that count: this seller, this month, not cancelled.
fn active(fxs: &[Fx]) -> Vec<&Fx> {
    fxs.iter()
        .filter(|f| f.seller == seller() && f.month() == "11/2026" && !f.cancelled)
        .collect()
}

/// [txval, iamt, camt, samt, csamt]
type Amounts = [Decimal; 5];

fn line_amounts(l: &Line) -> Amounts {
    [
        dec(l.ass),
        dec(l.igst),
        dec(l.cgst),
        dec(l.sgst),
        dec(l.ces) + dec(l.ces_non),
    ]
}

fn add(into: &mut Amounts, a: Amounts) {
    for (x, y) in into.iter_mut().zip(a) {
        *x += y;
    }
}

/// Expected sums per (counterparty, rate) over the fixtures that pass `keep`.
fn expected(fxs: &[Fx], keep: impl Fn(&Fx) -> bool) -> BTreeMap<(String, Decimal), Amounts> {
    let mut out: BTreeMap<(String, Decimal), Amounts> = BTreeMap::new();
    for f in active(fxs).into_iter().filter(|f| keep(f)) {
        for l in &f.lines {
            add(
                out.entry((f.buyer.clone(), dec(l.rt).normalize()))
                    .or_default(),
                line_amounts(l),
            );
        }
    }
    out
}

fn registered(f: &Fx) -> bool {
    matches!(f.sup_typ, "B2B" | "SEZWP" | "SEZWOP" | "DEXP")
}

fn amounts_of(d: &openirp_gstr1::ItemDetail) -> Amounts {
    [
        d.txval,
        d.iamt,
        d.camt.unwrap_or_default(),
        d.samt.unwrap_or_default(),
        d.csamt,
    ]
}

#[test]
fn b2b_totals_per_recipient_and_rate_match_the_fixtures() {
    let (fxs, g) = built();
    let want = expected(&fxs, |f| registered(f) && f.typ == "INV");
    let mut got: BTreeMap<(String, Decimal), Amounts> = BTreeMap::new();
    for p in &g.b2b {
        for inv in &p.inv {
            for it in &inv.itms {
                add(
                    got.entry((p.ctin.clone(), it.itm_det.rt)).or_default(),
                    amounts_of(&it.itm_det),
                );
            }
        }
    }
    assert_eq!(got, want);
    // Recipients in GSTIN order, invoices in date order; the cancelled INV/007 is not there.
    let ctins: Vec<&str> = g.b2b.iter().map(|p| p.ctin.as_str()).collect();
    let mut sorted = ctins.clone();
    sorted.sort();
    assert_eq!(ctins, sorted);
    let nos: Vec<&str> = g
        .b2b
        .iter()
        .flat_map(|p| p.inv.iter().map(|i| i.inum.as_str()))
        .collect();
    assert!(!nos.contains(&"INV/007"));
    assert!(!nos.contains(&"INV/008"));
    let a: Vec<&str> = g
        .b2b
        .iter()
        .find(|p| p.ctin == buyer_a())
        .unwrap()
        .inv
        .iter()
        .map(|i| i.inum.as_str())
        .collect();
    assert_eq!(a, ["INV/001", "INV/005", "INV/006"]);
}

#[test]
fn b2b_invoice_fields() {
    let (fxs, g) = built();
    let find = |no: &str| {
        g.b2b
            .iter()
            .flat_map(|p| &p.inv)
            .find(|i| i.inum == no)
            .unwrap()
    };
    let inv1 = find("INV/001");
    assert_eq!(inv1.idt, "03-11-2026");
    assert_eq!(inv1.pos, "29");
    assert_eq!(inv1.rchrg, "N");
    assert_eq!(inv1.inv_typ, "R");
    assert_eq!(inv1.etin, None);
    assert_eq!(inv1.val, fxs[0].total());
    // Two rates: 5 % then 18 %, numbered the GSTN way.
    assert_eq!(inv1.itms.len(), 2);
    assert_eq!(inv1.itms[0].num, 501);
    assert_eq!(inv1.itms[1].num, 1801);
    let t18 = &inv1.itms[1].itm_det;
    assert_eq!(t18.txval, dec("3500.00"));
    assert_eq!(t18.camt, Some(dec("315.00")));
    assert_eq!(t18.iamt, dec("0"));
    let t5 = &inv1.itms[0].itm_det;
    assert_eq!(t5.csamt, dec("1.75"));
    assert_eq!(t5.txval, dec("999.99"));

    let inv2 = find("INV/002");
    assert_eq!((inv2.rchrg.as_str(), inv2.pos.as_str()), ("Y", "27"));
    assert_eq!(inv2.etin, Some(ecom()));
    assert_eq!(find("INV/003").inv_typ, "SEWP");
    assert_eq!(find("INV/004").inv_typ, "SEWOP");
    let de = find("INV/005");
    assert_eq!(de.inv_typ, "DE");
    assert_eq!(de.itms[0].num, 11);
    assert_eq!(de.itms[0].itm_det.rt, dec("0.1"));
    // IGST on an intra-state supply: place of supply stays the seller's state, the tax is IGST.
    let intra = find("INV/006");
    assert_eq!((intra.pos.as_str(), intra.inv_typ.as_str()), ("29", "R"));
    assert_eq!(intra.itms[0].itm_det.iamt, dec("180"));
    assert_eq!(intra.itms[0].itm_det.camt, Some(dec("0")));
}

#[test]
fn cdnr_holds_registered_notes_unsigned() {
    let (fxs, g) = built();
    let want = expected(&fxs, |f| registered(f) && f.typ != "INV");
    let mut got: BTreeMap<(String, Decimal), Amounts> = BTreeMap::new();
    for p in &g.cdnr {
        for nt in &p.nt {
            for it in &nt.itms {
                add(
                    got.entry((p.ctin.clone(), it.itm_det.rt)).or_default(),
                    amounts_of(&it.itm_det),
                );
            }
        }
    }
    assert_eq!(got, want);
    let notes: Vec<(&str, &str, &str)> = g
        .cdnr
        .iter()
        .flat_map(|p| &p.nt)
        .map(|n| (n.nt_num.as_str(), n.ntty.as_str(), n.nt_dt.as_str()))
        .collect();
    // Grouped by recipient GSTIN: buyer B (27…) before buyer A (29…).
    assert_eq!(
        notes,
        [("DN/001", "D", "21-11-2026"), ("CN/001", "C", "20-11-2026")]
    );
    let cn = &g.cdnr.iter().find(|p| p.ctin == buyer_a()).unwrap().nt[0];
    assert_eq!(cn.val, dec("590.00"));
    assert_eq!(cn.itms[0].itm_det.txval, dec("500"));
}

#[test]
fn cdnur_holds_export_notes_without_pos() {
    let (_, g) = built();
    assert_eq!(g.cdnur.len(), 1);
    let n = &g.cdnur[0];
    assert_eq!(
        (n.typ.as_str(), n.ntty.as_str(), n.nt_num.as_str()),
        ("EXPWP", "C", "CN/002")
    );
    assert_eq!(n.pos, None);
    assert_eq!(n.val, dec("1180"));
    let d = &n.itms[0].itm_det;
    assert_eq!(
        (d.txval, d.iamt, d.camt, d.samt),
        (dec("1000"), dec("180"), None, None)
    );
}

#[test]
fn exp_splits_with_and_without_payment() {
    let (fxs, g) = built();
    let kinds: Vec<&str> = g.exp.iter().map(|e| e.exp_typ.as_str()).collect();
    assert_eq!(kinds, ["WPAY", "WOPAY"]);
    let wpay = &g.exp[0].inv[0];
    assert_eq!(wpay.inum, "EXP/001");
    assert_eq!(wpay.sbpcode.as_deref(), Some("INNSA1"));
    assert_eq!(wpay.sbnum.as_deref(), Some("1234567"));
    assert_eq!(wpay.sbdt.as_deref(), Some("18-11-2026"));
    let exp1 = fxs.iter().find(|f| f.no == "EXP/001").unwrap();
    let want: Amounts = exp1.lines.iter().fold(Amounts::default(), |mut a, l| {
        add(&mut a, line_amounts(l));
        a
    });
    let it = &wpay.itms[0];
    assert_eq!((it.txval, it.iamt, it.csamt), (want[0], want[1], want[4]));
    assert_eq!(it.rt, dec("18"));
    let wopay = &g.exp[1].inv[0];
    assert_eq!(wopay.inum, "EXP/002");
    assert_eq!(
        (
            wopay.sbpcode.clone(),
            wopay.sbnum.clone(),
            wopay.sbdt.clone()
        ),
        (None, None, None)
    );
    assert_eq!(wopay.itms[0].iamt, dec("0"));
}

#[test]
fn hsn_nets_notes_and_splits_b2b_from_b2c() {
    let (_, g) = built();
    let hsn = g.hsn.as_ref().unwrap();
    let row = |rows: &[openirp_gstr1::HsnRow], code: &str, rt: &str| {
        rows.iter()
            .find(|r| r.hsn_sc == code && r.rt == dec(rt))
            .cloned()
            .unwrap()
    };
    // 84713010 @ 18 % to registered buyers: INV/001 2 × 1000, INV/002 5 × 5000, INV/006 1 × 1000,
    // less CN/001 1 × 500; the cancelled INV/007 and December's INV/008 do not count.
    let laptops = row(&hsn.hsn_b2b, "84713010", "18");
    assert_eq!(laptops.uqc, "NOS");
    assert_eq!(laptops.qty, dec("7"));
    assert_eq!(laptops.txval, dec("6500"));
    assert_eq!(laptops.iamt, dec("1080"));
    assert_eq!(laptops.camt, dec("45"));
    assert_eq!(laptops.samt, dec("45"));
    assert_eq!(laptops.user_desc.as_deref(), Some("Laptop, 14-inch Pro"));
    // Services carry UQC NA and no quantity; the debit note adds.
    let svc = row(&hsn.hsn_b2b, "998314", "18");
    assert_eq!((svc.uqc.as_str(), svc.qty), ("NA", dec("0")));
    assert_eq!(
        (svc.txval, svc.iamt, svc.camt, svc.samt),
        (dec("2600"), dec("18"), dec("225"), dec("225"))
    );
    // Exports are B2C: 8000 less the 1000 credit note.
    let exp = row(&hsn.hsn_b2c, "84713010", "18");
    assert_eq!(
        (exp.qty, exp.txval, exp.iamt),
        (dec("7"), dec("7000"), dec("1260"))
    );
    assert_eq!(row(&hsn.hsn_b2c, "998314", "0").txval, dec("4000"));
    // Ordered by code, numbered from 1.
    let codes: Vec<&str> = hsn.hsn_b2b.iter().map(|r| r.hsn_sc.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    assert_eq!(
        hsn.hsn_b2b.iter().map(|r| r.num).collect::<Vec<_>>(),
        (1..=hsn.hsn_b2b.len() as u32).collect::<Vec<_>>()
    );
    // Table 12 totals equal the taxable value of the sections it summarises.
    let b2b_tx: Decimal = g
        .b2b
        .iter()
        .flat_map(|p| &p.inv)
        .flat_map(|i| &i.itms)
        .map(|i| i.itm_det.txval)
        .sum();
    let cdnr_tx: Decimal = g
        .cdnr
        .iter()
        .flat_map(|p| &p.nt)
        .flat_map(|n| {
            n.itms
                .iter()
                .map(move |i| (n.ntty.clone(), i.itm_det.txval))
        })
        .map(|(t, v)| if t == "C" { -v } else { v })
        .sum();
    let hsn_tx: Decimal = hsn.hsn_b2b.iter().map(|r| r.txval).sum();
    assert_eq!(hsn_tx, b2b_tx + cdnr_tx);
}

#[test]
fn doc_issue_counts_cancelled_documents() {
    let (_, g) = built();
    let det = &g.doc_issue.as_ref().unwrap().doc_det;
    let flat: Vec<(u32, &str, &str, u32, u32, u32)> = det
        .iter()
        .flat_map(|d| {
            d.docs.iter().map(move |r| {
                (
                    d.doc_num,
                    r.from.as_str(),
                    r.to.as_str(),
                    r.totnum,
                    r.cancel,
                    r.net_issue,
                )
            })
        })
        .collect();
    assert_eq!(
        flat,
        [
            (1, "EXP/001", "EXP/002", 2, 0, 2),
            (1, "INV/001", "INV/007", 7, 1, 6),
            (4, "DN/001", "DN/001", 1, 0, 1),
            (5, "CN/001", "CN/002", 2, 0, 2),
        ]
    );
}

#[test]
fn json_uses_gstn_field_names_and_numbers() {
    let (_, g) = built();
    let text = serde_json::to_string(&g).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["gstin"], seller().as_str());
    assert_eq!(v["fp"], "112026");
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let mut top = keys(&v);
    top.sort();
    assert_eq!(
        top,
        [
            "b2b",
            "cdnr",
            "cdnur",
            "doc_issue",
            "exp",
            "fp",
            "gstin",
            "hsn"
        ]
    );
    let inv = v["b2b"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["inv"].as_array().unwrap())
        .find(|i| i["inum"] == "INV/002")
        .unwrap();
    let mut k = keys(inv);
    k.sort();
    assert_eq!(
        k,
        [
            "etin", "idt", "inum", "inv_typ", "itms", "pos", "rchrg", "val"
        ]
    );
    let mut det = keys(&inv["itms"][0]["itm_det"]);
    det.sort();
    assert_eq!(det, ["camt", "csamt", "iamt", "rt", "samt", "txval"]);
    assert_eq!(inv["itms"][0]["num"].to_string(), "1801");
    assert!(keys(&v["cdnr"][0]).contains(&"nt".to_string()));
    let mut nt = keys(&v["cdnr"][0]["nt"][0]);
    nt.sort();
    assert_eq!(
        nt,
        [
            "inv_typ", "itms", "nt_dt", "nt_num", "ntty", "pos", "rchrg", "val"
        ]
    );
    let mut ur = keys(&v["cdnur"][0]);
    ur.sort();
    assert_eq!(ur, ["itms", "nt_dt", "nt_num", "ntty", "typ", "val"]);
    let mut ex = keys(&v["exp"][0]["inv"][0]);
    ex.sort();
    assert_eq!(
        ex,
        ["idt", "inum", "itms", "sbdt", "sbnum", "sbpcode", "val"]
    );
    let mut exi = keys(&v["exp"][0]["inv"][0]["itms"][0]);
    exi.sort();
    assert_eq!(exi, ["csamt", "iamt", "rt", "txval"]);
    let mut h = keys(&v["hsn"]);
    h.sort();
    assert_eq!(h, ["hsn_b2b", "hsn_b2c"]);
    let mut hr = keys(&v["hsn"]["hsn_b2b"][0]);
    hr.sort();
    assert_eq!(
        hr,
        [
            "camt",
            "csamt",
            "hsn_sc",
            "iamt",
            "num",
            "qty",
            "rt",
            "samt",
            "txval",
            "uqc",
            "user_desc"
        ]
    );
    let mut doc = keys(&v["doc_issue"]["doc_det"][0]["docs"][0]);
    doc.sort();
    assert_eq!(doc, ["cancel", "from", "net_issue", "num", "to", "totnum"]);
    assert!(v["doc_issue"]["doc_det"][0]["doc_num"].is_number());
    // Amounts are JSON numbers with two places, rates as plain numbers.
    assert!(inv["val"].is_number());
    assert_eq!(inv["val"].to_string(), "5900.00");
    assert_eq!(inv["itms"][0]["itm_det"]["rt"].to_string(), "18");
    assert!(text.contains(r#""txval":5000.00"#), "{text}");
    // And it reads back to the same document.
    let back: Gstr1 = serde_json::from_str(&text).unwrap();
    assert_eq!(back, g);
}

#[test]
fn csv_sections_have_headers_rows_and_quoting() {
    let (_, g) = built();
    let csvs = g.section_csvs();
    let names: Vec<&str> = csvs.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "b2b",
            "cdnr",
            "cdnur",
            "exp",
            "hsn_b2b",
            "hsn_b2c",
            "doc_issue"
        ]
    );
    let get = |n: &str| csvs.iter().find(|(k, _)| *k == n).unwrap().1.clone();
    let b2b = get("b2b");
    let lines: Vec<&str> = b2b.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "GSTIN/UIN of Recipient,Invoice Number,Invoice date,Invoice Value,Place Of Supply,Reverse Charge,Invoice Type,E-Commerce GSTIN,Rate,Taxable Value,Integrated Tax Amount,Central Tax Amount,State/UT Tax Amount,Cess Amount"
    );
    // One row per invoice and rate.
    let rate_lines: usize = g
        .b2b
        .iter()
        .flat_map(|p| &p.inv)
        .map(|i| i.itms.len())
        .sum();
    assert_eq!(lines.len(), 1 + rate_lines);
    assert!(b2b.ends_with("\r\n"));
    let row = lines
        .iter()
        .find(|l| l.contains("INV/002"))
        .unwrap()
        .to_string();
    assert_eq!(
        row,
        format!(
            "{},INV/002,10-11-2026,5900.00,27-Maharashtra,Y,Regular B2B,{},18,5000.00,900.00,0.00,0.00,0.00",
            buyer_b(),
            ecom()
        )
    );
    // A description with a comma is quoted (quote doubling: see the unit test in src/csv.rs).
    let hsn = get("hsn_b2b");
    assert!(hsn.starts_with("HSN,Description,UQC,Total Quantity,Rate,Taxable Value,"));
    assert!(
        hsn.contains(
            "84713010,\"Laptop, 14-inch Pro\",NOS,7.00,18,6500.00,1080.00,45.00,45.00,0.00\r\n"
        ),
        "{hsn}"
    );
    let docs = get("doc_issue");
    assert!(docs.starts_with(
        "Nature of Document,Sr. No. From,Sr. No. To,Total Number,Cancelled,Net Issued\r\n"
    ));
    assert!(docs.contains("Invoices for outward supply,INV/001,INV/007,7,1,6\r\n"));
    assert!(docs.contains("Credit Note,CN/001,CN/002,2,0,2\r\n"));
    let exp = get("exp");
    assert!(
        exp.contains(
            "WPAY,EXP/001,16-11-2026,9440.00,INNSA1,1234567,18-11-2026,18,8000.00,1440.00,0.00\r\n"
        ),
        "{exp}"
    );
    let cdnur = get("cdnur");
    assert_eq!(cdnur.split("\r\n").filter(|l| !l.is_empty()).count(), 2);
    let cdnr = get("cdnr");
    assert!(cdnr.contains(&format!(
        "{},CN/001,20-11-2026,C,29-Karnataka,N,Regular B2B,590.00,18,500.00,0.00,45.00,45.00,0.00\r\n",
        buyer_a()
    )));
}

#[test]
fn an_empty_month_has_only_the_header_fields() {
    let g = build(&seller(), &period(), &[]).unwrap();
    let v: Value = serde_json::to_value(&g).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 2);
    for (_, csv) in g.section_csvs() {
        assert_eq!(csv.matches("\r\n").count(), 1);
    }
}

#[test]
fn rounding_happens_once_at_the_end() {
    // Three lines of 0.005 IGST each: rounding per line would give 0.03, the exact sum 0.015 → 0.02.
    let l = goods("84713010", "1", "NOS", "0.03").inter("0.005");
    let f = fx("B2B", "INV", "R/1", "02/11/2026")
        .to(buyer_b(), "27")
        .lines(vec![l.clone(), l.clone(), l]);
    let g = build(&seller(), &period(), &[f.doc()]).unwrap();
    let d = &g.b2b[0].inv[0].itms[0].itm_det;
    assert_eq!(d.iamt.to_string(), "0.02");
    assert_eq!(d.txval.to_string(), "0.09");
}

#[test]
fn bad_invoices_are_named() {
    let good = fixtures()[0].doc();
    let bad_json = RegisteredDoc {
        invoice_json: "{not json".into(),
        cancelled: false,
    };
    match build(&seller(), &period(), &[good.clone(), bad_json]) {
        Err(Gstr1Error::InvoiceJson { index: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
    let bad_schema = RegisteredDoc {
        invoice_json: r#"{"Version":"1.1","DocDtls":{"Typ":"INV","No":"X/9","Dt":"01/11/2026"}}"#
            .into(),
        cancelled: false,
    };
    let err = build(&seller(), &period(), &[good, bad_schema]).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, Gstr1Error::InvoiceSchema { index: 1, .. }),
        "{msg}"
    );
    assert!(msg.contains("#1") && msg.contains("INV X/9"), "{msg}");
}

#[test]
fn periods_parse_and_reject() {
    let p = Period::parse("112026").unwrap();
    assert_eq!((p.month, p.year), (11, 2026));
    assert_eq!(p.as_fp(), "112026");
    assert_eq!(Period::parse("012027").unwrap().as_fp(), "012027");
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    assert!(p.contains(first) && p.contains(last));
    assert!(!p.contains(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
    assert!(!p.contains(chrono::NaiveDate::from_ymd_opt(2025, 11, 15).unwrap()));
    for bad in [
        "132026", "002026", "1126", "ab2026", "", "1120266", "11 2026", "112016",
    ] {
        match Period::parse(bad) {
            Err(Gstr1Error::BadPeriod { text, .. }) => assert_eq!(text, bad),
            other => panic!("{bad}: {other:?}"),
        }
    }
    let msg = Period::parse("132026").unwrap_err().to_string();
    assert!(msg.contains("month"), "{msg}");
}
