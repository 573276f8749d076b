//! The GSTR-1 JSON document (GSTN field names) and its sections.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Decimals as JSON numbers with their exact digits (serde_json's `arbitrary_precision` keeps them).
pub(crate) mod num {
    use rust_decimal::Decimal;
    use serde::de::Error as _;
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::str::FromStr;

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        serde_json::Number::from_str(&value.to_string())
            .map_err(S::Error::custom)?
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        let text = n.to_string();
        Decimal::from_str_exact(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map_err(D::Error::custom)
    }
}

/// [`num`] for optional amounts.
pub(crate) mod opt_num {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => super::num::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::num")] Decimal);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

/// The GSTR-1 JSON document: `gstin`, `fp` and the sections e-invoices feed. Empty sections are left out.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Gstr1 {
    /// The supplier's GSTIN.
    pub gstin: String,
    /// The return period `MMYYYY`.
    pub fp: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub b2b: Vec<B2bParty>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cdnr: Vec<CdnrParty>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cdnur: Vec<CdnurNote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exp: Vec<ExpGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hsn: Option<Hsn>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_issue: Option<DocIssue>,
}

/// `b2b[]`: the invoices to one recipient.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct B2bParty {
    /// The recipient's GSTIN.
    pub ctin: String,
    pub inv: Vec<B2bInvoice>,
}

/// `b2b[].inv[]`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct B2bInvoice {
    pub inum: String,
    /// `dd-mm-yyyy`.
    pub idt: String,
    /// Invoice value (`TotInvVal`).
    #[serde(with = "num")]
    pub val: Decimal,
    /// Place of supply, two digits.
    pub pos: String,
    /// Reverse charge `Y`/`N`.
    pub rchrg: String,
    /// `R`, `SEWP`, `SEWOP` or `DE`.
    pub inv_typ: String,
    /// The e-commerce operator's GSTIN, when one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etin: Option<String>,
    pub itms: Vec<RateItem>,
}

/// One rate of an invoice or note: `itms[]`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RateItem {
    /// GSTN's rate-based item number: rate × 100 + 1 (`1801` for 18 %).
    pub num: u32,
    pub itm_det: ItemDetail,
}

/// `itm_det`: the taxable value and taxes of one rate. `camt`/`samt` are absent in `cdnur`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ItemDetail {
    #[serde(with = "num")]
    pub txval: Decimal,
    #[serde(with = "num")]
    pub rt: Decimal,
    #[serde(with = "num")]
    pub iamt: Decimal,
    #[serde(default, with = "opt_num", skip_serializing_if = "Option::is_none")]
    pub camt: Option<Decimal>,
    #[serde(default, with = "opt_num", skip_serializing_if = "Option::is_none")]
    pub samt: Option<Decimal>,
    #[serde(with = "num")]
    pub csamt: Decimal,
}

/// `cdnr[]`: the notes to one registered recipient.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CdnrParty {
    pub ctin: String,
    pub nt: Vec<CdnrNote>,
}

/// `cdnr[].nt[]`. Amounts are unsigned; `ntty` says which way they go.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CdnrNote {
    /// `C` credit note, `D` debit note.
    pub ntty: String,
    pub nt_num: String,
    /// `dd-mm-yyyy`.
    pub nt_dt: String,
    #[serde(with = "num")]
    pub val: Decimal,
    pub pos: String,
    pub rchrg: String,
    /// `R`, `SEWP`, `SEWOP` or `DE`.
    pub inv_typ: String,
    pub itms: Vec<RateItem>,
}

/// `cdnur[]`: a note to an unregistered recipient; from e-invoices, only export notes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CdnurNote {
    /// `EXPWP` or `EXPWOP` (`B2CL` is not e-invoiced).
    pub typ: String,
    pub ntty: String,
    pub nt_num: String,
    pub nt_dt: String,
    #[serde(with = "num")]
    pub val: Decimal,
    /// Left out for exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<String>,
    pub itms: Vec<RateItem>,
}

/// `exp[]`: the export invoices of one kind.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ExpGroup {
    /// `WPAY` (with payment of IGST) or `WOPAY` (under bond/LUT).
    pub exp_typ: String,
    pub inv: Vec<ExpInvoice>,
}

/// `exp[].inv[]`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ExpInvoice {
    pub inum: String,
    pub idt: String,
    #[serde(with = "num")]
    pub val: Decimal,
    /// Port code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbpcode: Option<String>,
    /// Shipping bill number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbnum: Option<String>,
    /// Shipping bill date, `dd-mm-yyyy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbdt: Option<String>,
    pub itms: Vec<ExpItem>,
}

/// `exp[].inv[].itms[]`: flat, IGST and cess only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ExpItem {
    #[serde(with = "num")]
    pub txval: Decimal,
    #[serde(with = "num")]
    pub rt: Decimal,
    #[serde(with = "num")]
    pub iamt: Decimal,
    #[serde(with = "num")]
    pub csamt: Decimal,
}

/// `hsn`: Table 12, split by recipient since May 2025.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Hsn {
    /// Supplies to registered recipients (B2B, SEZ, deemed exports and their notes).
    #[serde(default)]
    pub hsn_b2b: Vec<HsnRow>,
    /// Supplies to unregistered recipients (from e-invoices: exports and their notes).
    #[serde(default)]
    pub hsn_b2c: Vec<HsnRow>,
}

/// One HSN + UQC + rate line, net of credit notes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct HsnRow {
    /// Serial number within its list, from 1.
    pub num: u32,
    pub hsn_sc: String,
    /// The supplier's description (the first item's `PrdDesc`, at most 30 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_desc: Option<String>,
    /// Unit quantity code; `NA` for services (SAC `99…`).
    pub uqc: String,
    #[serde(with = "num")]
    pub qty: Decimal,
    #[serde(with = "num")]
    pub rt: Decimal,
    #[serde(with = "num")]
    pub txval: Decimal,
    #[serde(with = "num")]
    pub iamt: Decimal,
    #[serde(with = "num")]
    pub camt: Decimal,
    #[serde(with = "num")]
    pub samt: Decimal,
    #[serde(with = "num")]
    pub csamt: Decimal,
}

/// `doc_issue`: Table 13.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DocIssue {
    pub doc_det: Vec<DocDet>,
}

/// `doc_issue.doc_det[]`: one nature of document.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DocDet {
    /// GSTN's nature code: `1` invoices for outward supply, `4` debit notes, `5` credit notes.
    pub doc_num: u32,
    pub docs: Vec<DocRange>,
}

/// `doc_det[].docs[]`: one numbering series.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DocRange {
    pub num: u32,
    pub from: String,
    pub to: String,
    pub totnum: u32,
    pub cancel: u32,
    pub net_issue: u32,
}

/// The name GSTN gives a nature-of-document code.
pub fn doc_nature_name(doc_num: u32) -> &'static str {
    match doc_num {
        1 => "Invoices for outward supply",
        2 => "Invoices for inward supply from unregistered person",
        3 => "Revised Invoice",
        4 => "Debit Note",
        5 => "Credit Note",
        6 => "Receipt voucher",
        7 => "Payment Voucher",
        8 => "Refund voucher",
        9 => "Delivery Challan for job work",
        10 => "Delivery Challan for supply on approval",
        11 => "Delivery Challan in case of liquid gas",
        12 => "Delivery Challan in cases other than by way of supply (excluding at S no. 9 to 11)",
        _ => "",
    }
}

impl Gstr1 {
    /// One CSV per section, in a fixed order, each with its header row even when empty:
    /// `b2b`, `cdnr`, `cdnur`, `exp`, `hsn_b2b`, `hsn_b2c`, `doc_issue`.
    pub fn section_csvs(&self) -> Vec<(&'static str, String)> {
        crate::csv::sections(self)
    }
}
