//! From registered e-invoices to the GSTR-1 sections.

use crate::format::*;
use crate::{Gstr1Error, Period, RegisteredDoc};
use chrono::NaiveDate;
use openirp_model::canonical::Canon;
use openirp_model::invoice::Item;
use openirp_model::{Invoice, canonicalise_invoice_text};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// HSN descriptions are cut to this many characters, as GSTN's Table 12 field allows.
const HSN_DESC_LIMIT: usize = 30;

/// A parsed document of the period.
struct Doc {
    inv: Invoice,
    cancelled: bool,
    /// `PrdDesc` of each item (same order as `inv.items`).
    item_desc: Vec<Option<String>>,
}

/// Builds the GSTR-1 of `gstin` for `period` from its registered documents. Documents of another
/// seller or dated outside the period are ignored; cancelled ones only count in `doc_issue`.
pub fn build(gstin: &str, period: &Period, docs: &[RegisteredDoc]) -> Result<Gstr1, Gstr1Error> {
    let mut mine = Vec::new();
    for (index, rd) in docs.iter().enumerate() {
        let (inv, canon) = parse(index, &rd.invoice_json)?;
        if !inv.seller_gstin().eq_ignore_ascii_case(gstin) || !period.contains(inv.doc_date) {
            continue;
        }
        let item_desc = canon
            .list_at("ItemList")
            .iter()
            .map(|it| it.str_at("PrdDesc").map(str::to_string))
            .collect();
        mine.push(Doc {
            inv,
            cancelled: rd.cancelled,
            item_desc,
        });
    }
    // Deterministic order everywhere: document date, then number.
    mine.sort_by(|a, b| {
        (a.inv.doc_date, &a.inv.doc_no, &a.inv.doc_type).cmp(&(
            b.inv.doc_date,
            &b.inv.doc_no,
            &b.inv.doc_type,
        ))
    });
    let active: Vec<&Doc> = mine.iter().filter(|d| !d.cancelled).collect();

    let hsn_b2b = hsn_rows(active.iter().copied().filter(|d| registered(&d.inv)));
    let hsn_b2c = hsn_rows(active.iter().copied().filter(|d| export(&d.inv)));
    let doc_issue = doc_issue(&mine);
    Ok(Gstr1 {
        gstin: gstin.to_string(),
        fp: period.as_fp(),
        b2b: b2b(&active),
        cdnr: cdnr(&active),
        cdnur: cdnur(&active),
        exp: exp(&active),
        hsn: (!hsn_b2b.is_empty() || !hsn_b2c.is_empty()).then_some(Hsn { hsn_b2b, hsn_b2c }),
        doc_issue: (!doc_issue.is_empty()).then_some(DocIssue { doc_det: doc_issue }),
    })
}

fn parse(index: usize, text: &str) -> Result<(Invoice, Canon), Gstr1Error> {
    let canon = match canonicalise_invoice_text(text) {
        Err(source) => {
            return Err(Gstr1Error::InvoiceJson {
                index,
                doc: doc_label(text),
                source,
            });
        }
        Ok(Err(errors)) => {
            let errors = errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            return Err(Gstr1Error::InvoiceSchema {
                index,
                doc: doc_label(text),
                errors,
            });
        }
        Ok(Ok(canon)) => canon,
    };
    match Invoice::from_canonical(&canon) {
        Some(inv) => Ok((inv, canon)),
        None => Err(Gstr1Error::InvoiceSchema {
            index,
            doc: doc_label(text),
            errors: "not a complete invoice".to_string(),
        }),
    }
}

/// `DocDtls.Typ No` of a document that did not pass, if it can be read at all.
fn doc_label(text: &str) -> String {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => return "document number unreadable".to_string(),
    };
    let doc = &value["DocDtls"];
    match (doc["Typ"].as_str(), doc["No"].as_str()) {
        (Some(t), Some(n)) => format!("{t} {n}"),
        (None, Some(n)) => n.to_string(),
        _ => "document number unreadable".to_string(),
    }
}

/// Supplies to registered recipients: Table 4/6B/6C, notes in 9B registered, HSN B2B.
fn registered(inv: &Invoice) -> bool {
    matches!(inv.sup_typ.as_str(), "B2B" | "SEZWP" | "SEZWOP" | "DEXP")
}

/// Exports: Table 6A, notes in 9B unregistered, HSN B2C.
fn export(inv: &Invoice) -> bool {
    matches!(inv.sup_typ.as_str(), "EXPWP" | "EXPWOP")
}

fn is_note(inv: &Invoice) -> bool {
    matches!(inv.doc_type.as_str(), "CRN" | "DBN")
}

/// GSTN's `inv_typ` for a registered supply type.
fn inv_typ(sup_typ: &str) -> &'static str {
    match sup_typ {
        "SEZWP" => "SEWP",
        "SEZWOP" => "SEWOP",
        "DEXP" => "DE",
        _ => "R",
    }
}

/// Two decimals, half away from zero, always written with two places.
pub(crate) fn money(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// `dd-mm-yyyy`, as GSTN writes dates.
fn gstn_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn yes_no(flag: bool) -> String {
    if flag { "Y" } else { "N" }.to_string()
}

/// Place of supply as two digits.
fn pos(inv: &Invoice) -> String {
    inv.pos.map(|p| format!("{p:02}")).unwrap_or_default()
}

/// GSTN's rate-based item number: 18 % → 1801, 0.25 % → 26, 0 % → 1.
pub(crate) fn rate_num(rt: Decimal) -> u32 {
    (rt * Decimal::ONE_HUNDRED)
        .round()
        .to_u32()
        .unwrap_or(0)
        .saturating_add(1)
}

/// Exact sums of one rate.
#[derive(Default, Clone, Copy)]
struct Sums {
    txval: Decimal,
    iamt: Decimal,
    camt: Decimal,
    samt: Decimal,
    csamt: Decimal,
}

impl Sums {
    fn add(&mut self, it: &Item, sign: Decimal) {
        self.txval += sign * it.ass_amt;
        self.iamt += sign * it.igst;
        self.camt += sign * it.cgst;
        self.samt += sign * it.sgst;
        self.csamt += sign * (it.ces_amt + it.ces_non_advl);
    }
}

/// The items of one document summed per rate, rates ascending.
fn by_rate(inv: &Invoice) -> BTreeMap<Decimal, Sums> {
    let mut out: BTreeMap<Decimal, Sums> = BTreeMap::new();
    for it in &inv.items {
        out.entry(it.gst_rt.normalize())
            .or_default()
            .add(it, Decimal::ONE);
    }
    out
}

/// `itms` with `itm_det`; `intra_taxes` false leaves out `camt`/`samt` (cdnur).
fn rate_items(inv: &Invoice, intra_taxes: bool) -> Vec<RateItem> {
    by_rate(inv)
        .into_iter()
        .map(|(rt, s)| RateItem {
            num: rate_num(rt),
            itm_det: ItemDetail {
                txval: money(s.txval),
                rt,
                iamt: money(s.iamt),
                camt: intra_taxes.then(|| money(s.camt)),
                samt: intra_taxes.then(|| money(s.samt)),
                csamt: money(s.csamt),
            },
        })
        .collect()
}

/// Groups per recipient GSTIN, GSTINs ascending, documents in date/number order (as given).
fn by_ctin<'a, T>(
    docs: impl Iterator<Item = &'a Doc>,
    one: impl Fn(&Invoice) -> T,
) -> Vec<(String, Vec<T>)> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for d in docs {
        out.entry(d.inv.buyer_gstin().to_ascii_uppercase())
            .or_default()
            .push(one(&d.inv));
    }
    out.into_iter().collect()
}

fn b2b(active: &[&Doc]) -> Vec<B2bParty> {
    let docs = active
        .iter()
        .copied()
        .filter(|d| registered(&d.inv) && d.inv.doc_type == "INV");
    by_ctin(docs, |inv| B2bInvoice {
        inum: inv.doc_no.clone(),
        idt: gstn_date(inv.doc_date),
        val: money(inv.totals.tot_inv_val),
        pos: pos(inv),
        rchrg: yes_no(inv.reverse_charge),
        inv_typ: inv_typ(&inv.sup_typ).to_string(),
        etin: inv.ecm_gstin.clone(),
        itms: rate_items(inv, true),
    })
    .into_iter()
    .map(|(ctin, inv)| B2bParty { ctin, inv })
    .collect()
}

fn note_type(inv: &Invoice) -> String {
    if inv.doc_type == "CRN" { "C" } else { "D" }.to_string()
}

fn cdnr(active: &[&Doc]) -> Vec<CdnrParty> {
    let docs = active
        .iter()
        .copied()
        .filter(|d| registered(&d.inv) && is_note(&d.inv));
    by_ctin(docs, |inv| CdnrNote {
        ntty: note_type(inv),
        nt_num: inv.doc_no.clone(),
        nt_dt: gstn_date(inv.doc_date),
        val: money(inv.totals.tot_inv_val),
        pos: pos(inv),
        rchrg: yes_no(inv.reverse_charge),
        inv_typ: inv_typ(&inv.sup_typ).to_string(),
        itms: rate_items(inv, true),
    })
    .into_iter()
    .map(|(ctin, nt)| CdnrParty { ctin, nt })
    .collect()
}

fn cdnur(active: &[&Doc]) -> Vec<CdnurNote> {
    active
        .iter()
        .filter(|d| export(&d.inv) && is_note(&d.inv))
        .map(|d| {
            let inv = &d.inv;
            CdnurNote {
                typ: inv.sup_typ.clone(),
                ntty: note_type(inv),
                nt_num: inv.doc_no.clone(),
                nt_dt: gstn_date(inv.doc_date),
                val: money(inv.totals.tot_inv_val),
                pos: None,
                itms: rate_items(inv, false),
            }
        })
        .collect()
}

fn exp(active: &[&Doc]) -> Vec<ExpGroup> {
    [("EXPWP", "WPAY"), ("EXPWOP", "WOPAY")]
        .into_iter()
        .filter_map(|(sup_typ, exp_typ)| {
            let inv: Vec<ExpInvoice> = active
                .iter()
                .filter(|d| d.inv.sup_typ == sup_typ && d.inv.doc_type == "INV")
                .map(|d| exp_invoice(&d.inv))
                .collect();
            (!inv.is_empty()).then(|| ExpGroup {
                exp_typ: exp_typ.to_string(),
                inv,
            })
        })
        .collect()
}

fn exp_invoice(inv: &Invoice) -> ExpInvoice {
    let ex = inv.export.clone().unwrap_or_default();
    ExpInvoice {
        inum: inv.doc_no.clone(),
        idt: gstn_date(inv.doc_date),
        val: money(inv.totals.tot_inv_val),
        sbpcode: ex.port,
        sbnum: ex.ship_bill_no,
        sbdt: ex.ship_bill_date.map(gstn_date),
        itms: by_rate(inv)
            .into_iter()
            .map(|(rt, s)| ExpItem {
                txval: money(s.txval),
                rt,
                iamt: money(s.iamt),
                csamt: money(s.csamt),
            })
            .collect(),
    }
}

/// Whether an HSN/SAC code is a service (SAC chapter 99).
fn is_service_code(hsn: &str) -> bool {
    hsn.starts_with("99")
}

/// The UQC of an item line: `NA` for services, the unit as sent for goods, `OTH` without a unit.
fn uqc(it: &Item) -> String {
    if is_service_code(&it.hsn) {
        "NA".to_string()
    } else {
        it.unit
            .as_deref()
            .map(str::to_ascii_uppercase)
            .unwrap_or_else(|| "OTH".to_string())
    }
}

#[derive(Default)]
struct HsnSums {
    desc: Option<String>,
    qty: Decimal,
    sums: Sums,
}

/// Table 12 rows per HSN + UQC + rate, credit notes subtracted and debit notes added; lines that
/// net to nothing at all are left out.
fn hsn_rows<'a>(docs: impl Iterator<Item = &'a Doc>) -> Vec<HsnRow> {
    let mut acc: BTreeMap<(String, String, Decimal), HsnSums> = BTreeMap::new();
    for d in docs {
        let sign = if d.inv.doc_type == "CRN" {
            Decimal::NEGATIVE_ONE
        } else {
            Decimal::ONE
        };
        for (i, it) in d.inv.items.iter().enumerate() {
            let uqc = uqc(it);
            let e = acc
                .entry((it.hsn.clone(), uqc.clone(), it.gst_rt.normalize()))
                .or_default();
            if e.desc.is_none() {
                e.desc = d.item_desc.get(i).cloned().flatten().map(|s| {
                    let cut: String = s.trim().chars().take(HSN_DESC_LIMIT).collect();
                    cut.trim_end().to_string()
                });
            }
            if uqc != "NA" {
                e.qty += sign * it.qty.unwrap_or_default();
            }
            e.sums.add(it, sign);
        }
    }
    acc.into_iter()
        .filter(|(_, e)| {
            let s = e.sums;
            [e.qty, s.txval, s.iamt, s.camt, s.samt, s.csamt]
                .iter()
                .any(|v| !v.is_zero())
        })
        .enumerate()
        .map(|(n, ((hsn_sc, uqc, rt), e))| HsnRow {
            num: n as u32 + 1,
            hsn_sc,
            user_desc: e.desc,
            uqc,
            qty: money(e.qty),
            rt,
            txval: money(e.sums.txval),
            iamt: money(e.sums.iamt),
            camt: money(e.sums.camt),
            samt: money(e.sums.samt),
            csamt: money(e.sums.csamt),
        })
        .collect()
}

/// GSTN's nature-of-document code of an e-invoice document type.
fn nature(doc_type: &str) -> u32 {
    match doc_type {
        "DBN" => 4,
        "CRN" => 5,
        _ => 1,
    }
}

/// A document number split into its series (everything before the trailing digits) and the number.
fn series(doc_no: &str) -> (String, Option<u128>) {
    let upper = doc_no.to_ascii_uppercase();
    let digits = upper.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return (upper, None);
    }
    let (prefix, tail) = upper.split_at(upper.len() - digits);
    (prefix.to_string(), tail.parse().ok())
}

/// Table 13: per nature of document and numbering series, the lowest and highest number, how many
/// documents were registered, how many of them were cancelled, and the net.
fn doc_issue(all: &[Doc]) -> Vec<DocDet> {
    // (sort key, document number as sent) of every document of a series, and its cancelled count.
    type Key = (Option<u128>, String);
    type Series = (Vec<(Key, String)>, u32);
    let mut acc: BTreeMap<u32, BTreeMap<String, Series>> = BTreeMap::new();
    for d in all {
        let (prefix, number) = series(&d.inv.doc_no);
        let e = acc
            .entry(nature(&d.inv.doc_type))
            .or_default()
            .entry(prefix)
            .or_default();
        e.0.push((
            (number, d.inv.doc_no.to_ascii_uppercase()),
            d.inv.doc_no.clone(),
        ));
        if d.cancelled {
            e.1 += 1;
        }
    }
    acc.into_iter()
        .map(|(doc_num, series)| DocDet {
            doc_num,
            docs: series
                .into_values()
                .enumerate()
                .map(|(n, (mut nos, cancel))| {
                    nos.sort();
                    let totnum = nos.len() as u32;
                    DocRange {
                        num: n as u32 + 1,
                        from: nos.first().map(|x| x.1.clone()).unwrap_or_default(),
                        to: nos.last().map(|x| x.1.clone()).unwrap_or_default(),
                        totnum,
                        cancel,
                        net_issue: totnum - cancel,
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rate_numbers_follow_gstn() {
        assert_eq!(rate_num(d("18")), 1801);
        assert_eq!(rate_num(d("5")), 501);
        assert_eq!(rate_num(d("0.25")), 26);
        assert_eq!(rate_num(d("0")), 1);
        assert_eq!(rate_num(d("28.0")), 2801);
    }

    #[test]
    fn money_rounds_half_away_and_keeps_two_places() {
        assert_eq!(money(d("1.005")).to_string(), "1.01");
        assert_eq!(money(d("-1.005")).to_string(), "-1.01");
        assert_eq!(money(d("7")).to_string(), "7.00");
        assert_eq!(money(d("2.345")).to_string(), "2.35");
    }

    #[test]
    fn series_split_trailing_digits() {
        assert_eq!(series("INV/26/0009"), ("INV/26/".to_string(), Some(9)));
        assert_eq!(series("abc"), ("ABC".to_string(), None));
        assert_eq!(series("12"), (String::new(), Some(12)));
    }

    #[test]
    fn service_codes_have_no_unit() {
        assert!(is_service_code("998314"));
        assert!(!is_service_code("84713010"));
    }
}
