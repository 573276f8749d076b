//! Records the store suites build on: a GSTIN master row and an e-invoice, both complete, so
//! that a round trip checks every column.

use openirp_store::{EInvoice, GstinRecord};

/// The suites' "now" (epoch seconds, June 2025).
pub const NOW: i64 = 1_750_000_000;

/// A GSTIN master record with every field set.
pub fn gstin(id: &str) -> GstinRecord {
    GstinRecord {
        gstin: id.to_string(),
        legal_name: format!("Legal {id}"),
        trade_name: Some("Trade".to_string()),
        addr_bnm: Some("Bldg".to_string()),
        addr_bno: Some("12".to_string()),
        addr_flno: None,
        addr_st: Some("MG Road".to_string()),
        addr_loc: Some("Bengaluru".to_string()),
        state_code: 29,
        pincode: Some(560_001),
        txp_type: "REG".to_string(),
        status: "ACT".to_string(),
        blk_status: Some("U".to_string()),
        dt_reg: Some("2017-07-01".to_string()),
        dt_dreg: None,
        checksum_exempt: true,
        aato_crore: Some("12.5".into()),
    }
}

/// Active e-invoice number `n` (IRN `n` in hex, 64 digits) of one seller, acknowledged as `ack_no`.
pub fn einvoice(n: u32, ack_no: i64) -> EInvoice {
    EInvoice {
        irn: format!("{n:064x}"),
        seller_gstin: "29AAACB1234C1Z5".to_string(),
        buyer_gstin: "27AAACB1234C1Z7".to_string(),
        doc_type: "INV".to_string(),
        doc_no: format!("Doc/{n}"),
        doc_date: "01/04/2025".to_string(),
        fin_year: "2025-26".to_string(),
        ack_no,
        ack_dt: NOW + i64::from(n),
        signed_invoice: format!("eyJhbGciOiJSUzI1NiJ9.invoice{n}.sig"),
        signed_qr: format!("eyJhbGciOiJSUzI1NiJ9.qr{n}.sig"),
        status: "ACT".to_string(),
        cancel_reason: None,
        cancel_remark: None,
        cancelled_at: None,
        total_inv_value: "1180.00".to_string(),
        created_by_user: "user1".to_string(),
        created_by_client: "CL1".to_string(),
    }
}
