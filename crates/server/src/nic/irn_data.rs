//! The decrypted `Data` of Generate IRN, Get IRN and Get IRN by document details (§7.3), and the
//! `DUPIRN` information NIC attaches to error 2150.

use openirp_model::time::{format_ist, format_ist_minute};
use openirp_store::{EInvoice, EwayBill};
use serde::Serialize;
use serde_json::{Value, json};

/// NIC's member order: AckNo, AckDt, Irn, SignedInvoice, SignedQRCode, Status, EwbNo, EwbDt,
/// EwbValidTill, Remarks.
#[derive(Serialize)]
pub struct IrnData<'a> {
    #[serde(rename = "AckNo")]
    pub ack_no: i64,
    /// Minute precision in responses; the signed invoice keeps the seconds.
    #[serde(rename = "AckDt")]
    pub ack_dt: String,
    #[serde(rename = "Irn")]
    pub irn: &'a str,
    #[serde(rename = "SignedInvoice")]
    pub signed_invoice: &'a str,
    #[serde(rename = "SignedQRCode")]
    pub signed_qr_code: &'a str,
    #[serde(rename = "Status")]
    pub status: &'a str,
    #[serde(rename = "EwbNo")]
    pub ewb_no: Option<u64>,
    #[serde(rename = "EwbDt")]
    pub ewb_dt: Option<String>,
    #[serde(rename = "EwbValidTill")]
    pub ewb_valid_till: Option<String>,
    #[serde(rename = "Remarks")]
    pub remarks: Option<String>,
}

impl<'a> From<&'a EInvoice> for IrnData<'a> {
    fn from(r: &'a EInvoice) -> Self {
        IrnData {
            ack_no: r.ack_no,
            ack_dt: format_ist_minute(r.ack_dt),
            irn: &r.irn,
            signed_invoice: &r.signed_invoice,
            signed_qr_code: &r.signed_qr,
            status: &r.status,
            ewb_no: None,
            ewb_dt: None,
            ewb_valid_till: None,
            remarks: None,
        }
    }
}

impl IrnData<'_> {
    /// Fills the e-way bill members from the IRN's e-way bill.
    pub fn set_ewb(&mut self, bill: &EwayBill) {
        self.ewb_no = u64::try_from(bill.ewb_no).ok();
        self.ewb_dt = Some(format_ist(bill.ewb_dt));
        self.ewb_valid_till = bill.valid_till.map(format_ist);
    }
}

/// `InfoDtls` for a duplicate: the original acknowledgement, so a client can recover it.
pub fn dupirn_info(original: &EInvoice) -> Value {
    json!([{
        "InfCd": "DUPIRN",
        "Desc": {"AckNo": original.ack_no, "AckDt": format_ist_minute(original.ack_dt), "Irn": original.irn}
    }])
}
