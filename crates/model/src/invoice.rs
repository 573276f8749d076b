//! The typed view of a schema-valid invoice that the business rules read: exact decimals, parsed dates
//! and state codes. Built only from a [`Canon`] that passed the schema, so fields the schema requires are
//! present; absent optional amounts read as zero.

use crate::canonical::Canon;
use crate::states::parse_state_code;
use crate::time::parse_doc_date;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A party block (seller, buyer, dispatch-from, ship-to).
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub gstin: Option<String>,
    /// `Stcd` as a number; `None` if it was not a state code.
    pub state: Option<u8>,
    pub pin: Option<u32>,
}

/// One line of `ItemList`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub sl_no: String,
    pub is_service: bool,
    pub hsn: String,
    pub qty: Option<Decimal>,
    pub unit: Option<String>,
    pub unit_price: Decimal,
    pub tot_amt: Decimal,
    pub discount: Decimal,
    pub ass_amt: Decimal,
    pub gst_rt: Decimal,
    pub igst: Decimal,
    pub cgst: Decimal,
    pub sgst: Decimal,
    pub ces_rt: Decimal,
    pub ces_amt: Decimal,
    pub ces_non_advl: Decimal,
    pub state_ces_rt: Decimal,
    pub state_ces_amt: Decimal,
    pub state_ces_non_advl: Decimal,
    pub oth_chrg: Decimal,
    pub tot_item_val: Decimal,
}

/// `ValDtls`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub ass_val: Decimal,
    pub cgst_val: Decimal,
    pub sgst_val: Decimal,
    pub igst_val: Decimal,
    pub ces_val: Decimal,
    pub st_ces_val: Decimal,
    pub discount: Decimal,
    pub oth_chrg: Decimal,
    pub rnd_off: Decimal,
    pub tot_inv_val: Decimal,
}

/// `ExpDtls`: export details.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportDetails {
    pub ship_bill_no: Option<String>,
    pub ship_bill_date: Option<NaiveDate>,
    /// Port code as sent (e.g. `INNSA1`).
    pub port: Option<String>,
    pub refund_claim: Option<bool>,
    /// Currency code as sent (e.g. `USD`).
    pub currency: Option<String>,
    /// ISO 3166-1 alpha-2 country code as sent.
    pub country: Option<String>,
    pub export_duty: Option<Decimal>,
}

/// `EwbDtls`: the e-way bill requested together with the IRN.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EwbDetails {
    pub trans_id: Option<String>,
    pub trans_name: Option<String>,
    /// `1` road, `2` rail, `3` air, `4` ship.
    pub trans_mode: Option<String>,
    pub distance: Option<Decimal>,
    pub trans_doc_no: Option<String>,
    /// `TransDocDt` as sent (the schema only checks its characters).
    pub trans_doc_date: Option<String>,
    pub vehicle_no: Option<String>,
    /// `O` over-dimensional cargo, `R` regular.
    pub vehicle_type: Option<String>,
}

/// A schema-valid e-invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    /// Upper-cased supply type (`B2B`, `SEZWP`, …).
    pub sup_typ: String,
    pub reverse_charge: bool,
    pub igst_on_intra: bool,
    pub ecm_gstin: Option<String>,
    /// Upper-cased document type (`INV`, `CRN`, `DBN`).
    pub doc_type: String,
    /// The document number as sent.
    pub doc_no: String,
    pub doc_date: NaiveDate,
    /// The document date as sent (`dd/mm/yyyy`).
    pub doc_date_text: String,
    pub seller: Party,
    pub buyer: Party,
    /// Place of supply; `None` if it was not a state code.
    pub pos: Option<u8>,
    pub dispatch: Option<Party>,
    pub ship_to: Option<Party>,
    pub items: Vec<Item>,
    pub totals: Totals,
    pub has_preceding_docs: bool,
    pub has_export_details: bool,
    pub has_ewb_details: bool,
    /// `ExpDtls`, when sent.
    pub export: Option<ExportDetails>,
    /// `EwbDtls`, when sent.
    pub ewb: Option<EwbDetails>,
}

fn text_at(c: &Canon, name: &str) -> Option<String> {
    c.str_at(name).map(str::to_string)
}

fn export_details(c: &Canon) -> ExportDetails {
    ExportDetails {
        ship_bill_no: text_at(c, "ShipBNo"),
        ship_bill_date: c.str_at("ShipBDt").and_then(parse_doc_date),
        port: text_at(c, "Port"),
        refund_claim: c.str_at("RefClm").map(|f| f == "Y"),
        currency: text_at(c, "ForCur"),
        country: text_at(c, "CntCode"),
        export_duty: c.dec_at("ExpDuty"),
    }
}

impl EwbDetails {
    /// The Part-B fields of a canonical `EwbDtls` block (or of a Generate EWB by IRN request, which
    /// carries the same fields at its top level).
    pub fn from_canonical(c: &Canon) -> EwbDetails {
        ewb_details(c)
    }
}

impl Party {
    /// A canonical party block (`SellerDtls`, `DispDtls`, `ExpShipDtls`, …).
    pub fn from_canonical(c: &Canon) -> Party {
        party(c)
    }
}

fn ewb_details(c: &Canon) -> EwbDetails {
    EwbDetails {
        trans_id: text_at(c, "TransId"),
        trans_name: text_at(c, "TransName"),
        trans_mode: text_at(c, "TransMode"),
        distance: c.dec_at("Distance"),
        trans_doc_no: text_at(c, "TransDocNo"),
        trans_doc_date: text_at(c, "TransDocDt"),
        vehicle_no: text_at(c, "VehNo"),
        vehicle_type: text_at(c, "VehType"),
    }
}

fn amount(c: &Canon, name: &str) -> Decimal {
    c.dec_at(name).unwrap_or_default()
}

fn party(c: &Canon) -> Party {
    Party {
        gstin: c.str_at("Gstin").map(str::to_string),
        state: c.str_at("Stcd").and_then(parse_state_code),
        pin: c
            .dec_at("Pin")
            .and_then(|d| u32::try_from(d.trunc().mantissa()).ok()),
    }
}

fn item(c: &Canon) -> Item {
    Item {
        sl_no: c.str_at("SlNo").unwrap_or_default().to_string(),
        is_service: c.str_at("IsServc") == Some("Y"),
        hsn: c.str_at("HsnCd").unwrap_or_default().to_string(),
        qty: c.dec_at("Qty"),
        unit: c.str_at("Unit").map(str::to_string),
        unit_price: amount(c, "UnitPrice"),
        tot_amt: amount(c, "TotAmt"),
        discount: amount(c, "Discount"),
        ass_amt: amount(c, "AssAmt"),
        gst_rt: amount(c, "GstRt"),
        igst: amount(c, "IgstAmt"),
        cgst: amount(c, "CgstAmt"),
        sgst: amount(c, "SgstAmt"),
        ces_rt: amount(c, "CesRt"),
        ces_amt: amount(c, "CesAmt"),
        ces_non_advl: amount(c, "CesNonAdvlAmt"),
        state_ces_rt: amount(c, "StateCesRt"),
        state_ces_amt: amount(c, "StateCesAmt"),
        state_ces_non_advl: amount(c, "StateCesNonAdvlAmt"),
        oth_chrg: amount(c, "OthChrg"),
        tot_item_val: amount(c, "TotItemVal"),
    }
}

fn totals(c: &Canon) -> Totals {
    Totals {
        ass_val: amount(c, "AssVal"),
        cgst_val: amount(c, "CgstVal"),
        sgst_val: amount(c, "SgstVal"),
        igst_val: amount(c, "IgstVal"),
        ces_val: amount(c, "CesVal"),
        st_ces_val: amount(c, "StCesVal"),
        discount: amount(c, "Discount"),
        oth_chrg: amount(c, "OthChrg"),
        rnd_off: amount(c, "RndOffAmt"),
        tot_inv_val: amount(c, "TotInvVal"),
    }
}

impl Invoice {
    /// The typed view of a canonical invoice; `None` only if `canon` did not pass the schema.
    pub fn from_canonical(canon: &Canon) -> Option<Invoice> {
        let tran = canon.get("TranDtls")?;
        let doc = canon.get("DocDtls")?;
        let seller = canon.get("SellerDtls")?;
        let buyer = canon.get("BuyerDtls")?;
        let doc_date_text = doc.str_at("Dt")?.to_string();
        Some(Invoice {
            sup_typ: tran.str_at("SupTyp")?.to_ascii_uppercase(),
            reverse_charge: tran.str_at("RegRev") == Some("Y"),
            igst_on_intra: tran.str_at("IgstOnIntra") == Some("Y"),
            ecm_gstin: tran.str_at("EcmGstin").map(str::to_string),
            doc_type: doc.str_at("Typ")?.to_ascii_uppercase(),
            doc_no: doc.str_at("No")?.to_string(),
            doc_date: parse_doc_date(&doc_date_text)?,
            doc_date_text,
            seller: party(seller),
            buyer: party(buyer),
            pos: buyer.str_at("Pos").and_then(parse_state_code),
            dispatch: canon.get("DispDtls").map(party),
            ship_to: canon.get("ShipDtls").map(party),
            items: canon.list_at("ItemList").iter().map(item).collect(),
            totals: totals(canon.get("ValDtls")?),
            has_preceding_docs: canon
                .get("RefDtls")
                .is_some_and(|r| !r.list_at("PrecDocDtls").is_empty()),
            has_export_details: canon.get("ExpDtls").is_some(),
            has_ewb_details: canon.get("EwbDtls").is_some(),
            export: canon.get("ExpDtls").map(export_details),
            ewb: canon.get("EwbDtls").map(ewb_details),
        })
    }

    /// The seller GSTIN (required by the schema).
    pub fn seller_gstin(&self) -> &str {
        self.seller.gstin.as_deref().unwrap_or_default()
    }

    /// The buyer GSTIN or `URP` (required by the schema).
    pub fn buyer_gstin(&self) -> &str {
        self.buyer.gstin.as_deref().unwrap_or_default()
    }

    /// The financial year of the document date.
    pub fn financial_year(&self) -> String {
        crate::irn::financial_year(self.doc_date)
    }

    /// The IRN this document gets.
    pub fn irn(&self) -> String {
        crate::irn::compute_irn(
            self.seller_gstin(),
            &self.financial_year(),
            &self.doc_type,
            &self.doc_no,
        )
    }

    /// Index of the item with the highest taxable value: its HSN is the QR code's `MainHsnCode`.
    pub fn main_item(&self) -> Option<usize> {
        // max_by_key keeps the last maximum; the first item wins ties, so compare in reverse.
        self.items
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|(_, it)| it.ass_amt)
            .map(|(i, _)| i)
    }
}
