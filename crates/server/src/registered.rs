//! Reading back what the IRP registered: the INV-01 document inside a stored SignedInvoice. The store
//! keeps the signed JWS only, so the e-invoice the IRP acknowledged is exactly what later features
//! (e-way bills, GSTR-1) read: nothing can drift between the signature and the data.

use openirp_model::Invoice;
use openirp_model::payload::invoice_part;
use openirp_store::EInvoice;

/// The INV-01 JSON object as signed (without the AckNo, AckDt and Irn the IRP put in front).
pub fn invoice_json(record: &EInvoice) -> Option<String> {
    let jws = openirp_crypto::decode_jws_unverified(&record.signed_invoice).ok()?;
    let payload: serde_json::Value = serde_json::from_slice(&jws.payload).ok()?;
    let data = payload.get("data")?.as_str()?;
    // The invoice part starts with the comma that followed the IRN.
    let members = invoice_part(data)?;
    Some(format!(
        "{{{}",
        members.strip_prefix(',').unwrap_or(members)
    ))
}

/// The typed view of the registered document.
pub fn invoice_of(record: &EInvoice) -> Option<Invoice> {
    let text = invoice_json(record)?;
    let canon = openirp_model::canonicalise_invoice_text(&text).ok()?.ok()?;
    Invoice::from_canonical(&canon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_document_reads_back() {
        let text = r#"{"Version":"1.1","TranDtls":{"TaxSch":"GST","SupTyp":"B2B"},
            "DocDtls":{"Typ":"INV","No":"A/1","Dt":"01/11/2026"},
            "SellerDtls":{"Gstin":"29AAACB1234C1Z5","LglNm":"Seller Ltd","Addr1":"Road","Loc":"Bengaluru","Pin":560001,"Stcd":"29"},
            "BuyerDtls":{"Gstin":"29AWGPV7107B1Z1","LglNm":"Buyer Ltd","Pos":"29","Addr1":"Road","Loc":"Mysuru","Pin":570001,"Stcd":"29"},
            "ItemList":[{"SlNo":"1","IsServc":"N","HsnCd":"84713010","Qty":1,"Unit":"NOS","UnitPrice":100,
              "TotAmt":100,"AssAmt":100,"GstRt":18,"CgstAmt":9,"SgstAmt":9,"TotItemVal":118}],
            "ValDtls":{"AssVal":100,"CgstVal":9,"SgstVal":9,"TotInvVal":118}}"#;
        let canon = openirp_model::canonicalise_invoice_text(text)
            .unwrap()
            .unwrap();
        let irn = "a".repeat(64);
        let data =
            openirp_model::payload::signed_invoice_data(&canon, 1, "2026-11-01 10:00:00", &irn);
        let signer = openirp_crypto::SigningIdentity::generate("test").unwrap();
        let record = EInvoice {
            irn,
            seller_gstin: "29AAACB1234C1Z5".into(),
            buyer_gstin: "29AWGPV7107B1Z1".into(),
            doc_type: "INV".into(),
            doc_no: "A/1".into(),
            doc_date: "01/11/2026".into(),
            fin_year: "2026-27".into(),
            ack_no: 1,
            ack_dt: 0,
            signed_invoice: signer.sign_nic(&data, "test"),
            signed_qr: String::new(),
            status: "ACT".into(),
            cancel_reason: None,
            cancel_remark: None,
            cancelled_at: None,
            total_inv_value: "118".into(),
            created_by_user: "u".into(),
            created_by_client: "c".into(),
        };
        let json = invoice_json(&record).unwrap();
        assert!(json.starts_with("{\"Version\":\"1.1\""), "{json}");
        let invoice = invoice_of(&record).unwrap();
        assert_eq!(invoice.doc_no, "A/1");
        assert_eq!(invoice.buyer.pin, Some(570001));
    }
}
