//! What a printed e-invoice shows, read from the signed documents.
//!
//! The signature is not checked here: the caller verifies it (or chooses not to) first.

use serde_json::Value;

use crate::PrintError;

/// A supplier or recipient as printed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Party {
    pub name: String,
    pub trade_name: String,
    pub gstin: String,
    /// Address lines, then "Location - PIN".
    pub address: Vec<String>,
    /// "29 - Karnataka" (the state code, and its name when known).
    pub state: String,
}

/// One invoice line. Amounts keep the lexemes that were signed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemLine {
    pub sl_no: String,
    pub description: String,
    pub hsn: String,
    pub qty: String,
    pub unit: String,
    pub unit_price: String,
    pub taxable: String,
    pub gst_rate: String,
    pub igst: String,
    pub cgst: String,
    pub sgst: String,
    pub cess: String,
    pub total: String,
}

/// The document totals (`ValDtls`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub taxable: String,
    pub igst: String,
    pub cgst: String,
    pub sgst: String,
    pub cess: String,
    pub state_cess: String,
    pub discount: String,
    pub other_charges: String,
    pub round_off: String,
    pub invoice_value: String,
}

/// Everything the e-invoice PDF prints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvoiceView {
    pub irn: String,
    pub ack_no: String,
    pub ack_date: String,
    /// INV, CRN or DBN.
    pub doc_type: String,
    pub doc_no: String,
    pub doc_date: String,
    pub supply_type: String,
    pub reverse_charge: bool,
    pub place_of_supply: String,
    pub seller: Party,
    pub buyer: Party,
    pub items: Vec<ItemLine>,
    pub totals: Totals,
    /// The SignedQRCode JWS, drawn as the QR image.
    pub signed_qr: String,
}

impl InvoiceView {
    /// Reads the SignedInvoice's `data` document (INV-01 plus `AckNo`, `AckDt`, `Irn`) without
    /// verifying its signature.
    pub fn from_signed(signed_invoice: &str, signed_qr: &str) -> Result<Self, PrintError> {
        let parts = openirp_crypto::decode_jws_unverified(signed_invoice)
            .map_err(|e| PrintError::Signed(e.to_string()))?;
        let data = openirp_crypto::nic_data_of(&parts.payload)
            .map_err(|e| PrintError::Signed(e.to_string()))?;
        Self::from_data(&data, signed_qr)
    }

    /// The view of an already decoded SignedInvoice `data` document.
    pub fn from_data(data: &Value, signed_qr: &str) -> Result<Self, PrintError> {
        if !data.is_object() {
            return Err(PrintError::Signed(
                "the signed data is not a JSON object".into(),
            ));
        }
        let irn = text(data, &["Irn"]);
        if irn.is_empty() {
            return Err(PrintError::Signed("the signed data has no Irn".into()));
        }
        let doc = &data["DocDtls"];
        let tran = &data["TranDtls"];
        Ok(Self {
            irn,
            ack_no: text(data, &["AckNo"]),
            ack_date: text(data, &["AckDt"]),
            doc_type: text(doc, &["Typ"]),
            doc_no: text(doc, &["No"]),
            doc_date: text(doc, &["Dt"]),
            supply_type: text(tran, &["SupTyp"]),
            reverse_charge: text(tran, &["RegRev"]) == "Y",
            place_of_supply: state_label(&text(&data["BuyerDtls"], &["Pos"])),
            seller: party(&data["SellerDtls"], "LglNm"),
            buyer: party(&data["BuyerDtls"], "LglNm"),
            items: data["ItemList"]
                .as_array()
                .map(|items| items.iter().map(item).collect())
                .unwrap_or_default(),
            totals: totals(&data["ValDtls"]),
            signed_qr: signed_qr.trim().to_string(),
        })
    }

    /// "Tax Invoice", "Credit Note" or "Debit Note" for the document type.
    pub fn doc_title(&self) -> &'static str {
        match self.doc_type.as_str() {
            "CRN" => "Credit Note",
            "DBN" => "Debit Note",
            _ => "Tax Invoice",
        }
    }
}

/// A member as display text: strings as they are, numbers as their lexeme, absent as "".
fn text(value: &Value, path: &[&str]) -> String {
    let mut at = value;
    for key in path {
        at = &at[*key];
    }
    match at {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn party(block: &Value, name_key: &str) -> Party {
    let mut address: Vec<String> = ["Addr1", "Addr2"]
        .iter()
        .map(|k| text(block, &[k]))
        .filter(|line| !line.is_empty())
        .collect();
    let place = [text(block, &["Loc"]), text(block, &["Pin"])]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" - ");
    if !place.is_empty() {
        address.push(place);
    }
    Party {
        name: text(block, &[name_key]),
        trade_name: text(block, &["TrdNm"]),
        gstin: text(block, &["Gstin"]),
        address,
        state: state_label(&text(block, &["Stcd"])),
    }
}

/// "29 - Karnataka"; an unknown code is shown as given.
fn state_label(code: &str) -> String {
    let name =
        openirp_model::states::parse_state_code(code).and_then(openirp_model::states::state_name);
    match name {
        Some(name) => format!("{code} - {name}"),
        None => code.to_string(),
    }
}

fn item(line: &Value) -> ItemLine {
    let t = |key: &str| text(line, &[key]);
    ItemLine {
        sl_no: t("SlNo"),
        description: t("PrdDesc"),
        hsn: t("HsnCd"),
        qty: t("Qty"),
        unit: t("Unit"),
        unit_price: t("UnitPrice"),
        taxable: t("AssAmt"),
        gst_rate: t("GstRt"),
        igst: t("IgstAmt"),
        cgst: t("CgstAmt"),
        sgst: t("SgstAmt"),
        cess: t("CesAmt"),
        total: t("TotItemVal"),
    }
}

fn totals(val: &Value) -> Totals {
    let t = |key: &str| text(val, &[key]);
    Totals {
        taxable: t("AssVal"),
        igst: t("IgstVal"),
        cgst: t("CgstVal"),
        sgst: t("SgstVal"),
        cess: t("CesVal"),
        state_cess: t("StCesVal"),
        discount: t("Discount"),
        other_charges: t("OthChrg"),
        round_off: t("RndOffAmt"),
        invoice_value: t("TotInvVal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_signed_invoice_and_tolerates_missing_blocks() {
        let irp = openirp_crypto::SigningIdentity::generate("Test IRP").unwrap();
        let data = r#"{"AckNo":112510000000001,"AckDt":"2025-11-01 10:00:00","Irn":"abc",
            "DocDtls":{"Typ":"CRN","No":"A/1","Dt":"01/11/2025"},
            "SellerDtls":{"Gstin":"29AAACT5678T1Z5","LglNm":"Seller","Addr1":"Road","Loc":"Bengaluru","Pin":560001,"Stcd":"29"},
            "ItemList":[{"SlNo":"1","HsnCd":"1001","AssAmt":100.50,"GstRt":18}],
            "ValDtls":{"TotInvVal":118.59}}"#;
        let view = InvoiceView::from_signed(&irp.sign_nic(data, "NIC"), " qr ").unwrap();
        assert_eq!(view.irn, "abc");
        assert_eq!(view.ack_no, "112510000000001");
        assert_eq!(view.doc_title(), "Credit Note");
        assert_eq!(view.seller.address, ["Road", "Bengaluru - 560001"]);
        assert_eq!(view.seller.state, "29 - Karnataka");
        assert_eq!(view.buyer, Party::default());
        assert_eq!(view.items[0].taxable, "100.50");
        assert_eq!(view.totals.invoice_value, "118.59");
        assert_eq!(view.signed_qr, "qr");
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(InvoiceView::from_signed("not a jws", "").is_err());
        assert!(InvoiceView::from_data(&serde_json::json!([1]), "").is_err());
        assert!(InvoiceView::from_data(&serde_json::json!({"AckNo":1}), "").is_err());
    }
}
