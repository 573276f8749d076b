//! Plain record types. The store has its own types (no dependency on the model
//! crate) so the server maps between the wire model and storage explicitly.

/// One row of the GSTIN master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GstinRecord {
    pub gstin: String,
    pub legal_name: String,
    pub trade_name: Option<String>,
    pub addr_bnm: Option<String>,
    pub addr_bno: Option<String>,
    pub addr_flno: Option<String>,
    pub addr_st: Option<String>,
    pub addr_loc: Option<String>,
    pub state_code: u8,
    pub pincode: Option<u32>,
    /// REG, SEZ, COM, ...
    pub txp_type: String,
    /// ACT, CNL, INA, PRO, SUS
    pub status: String,
    pub blk_status: Option<String>,
    /// yyyy-MM-dd
    pub dt_reg: Option<String>,
    /// yyyy-MM-dd
    pub dt_dreg: Option<String>,
    /// NIC's own sandbox GSTINs fail the mod-36 checksum.
    pub checksum_exempt: bool,
    /// Aggregate annual turnover in crore rupees, as decimal text (`"12.5"`); `None` if unknown.
    pub aato_crore: Option<String>,
}

/// An API client (client_id + client_secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub client_id: String,
    /// argon2 PHC string
    pub secret_hash: String,
    pub name: String,
    pub pan: Option<String>,
    pub created_at: i64,
}

/// An API user bound to one GSTIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUser {
    pub username: String,
    pub gstin: String,
    /// argon2 PHC string
    pub password_hash: String,
    pub active: bool,
    pub created_at: i64,
}

/// An auth session: token plus the Session Encryption Key it unlocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    pub client_id: String,
    pub username: String,
    pub gstin: String,
    pub sek: [u8; 32],
    pub issued_at: i64,
    pub expires_at: i64,
}

/// A session joined with its client's secret hash: the per-request lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAuth {
    pub session: Session,
    pub client_secret_hash: String,
}

/// A registered e-invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EInvoice {
    /// 64 hex chars, SHA-256(GSTIN+FY+type+UPPER(docno)): the unique document key.
    pub irn: String,
    pub seller_gstin: String,
    pub buyer_gstin: String,
    pub doc_type: String,
    /// As sent.
    pub doc_no: String,
    /// dd/mm/yyyy
    pub doc_date: String,
    /// e.g. 2025-26
    pub fin_year: String,
    /// 15 digits, unique.
    pub ack_no: i64,
    pub ack_dt: i64,
    pub signed_invoice: String,
    pub signed_qr: String,
    /// ACT | CNL
    pub status: String,
    pub cancel_reason: Option<String>,
    pub cancel_remark: Option<String>,
    pub cancelled_at: Option<i64>,
    /// Decimal as text.
    pub total_inv_value: String,
    pub created_by_user: String,
    pub created_by_client: String,
}

/// Result of registering an e-invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per request; boxing would only complicate matching"
)]
pub enum InsertOutcome {
    Inserted,
    /// The row that already holds this IRN.
    Duplicate(EInvoice),
}

/// Result of cancelling an e-invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The row as it is after cancellation.
    Cancelled(EInvoice),
    /// The row exists but is not active (already cancelled).
    NotActive(EInvoice),
    NotFound,
}

/// Everything a new taxpayer needs, written in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxpayerBundle {
    pub gstin: GstinRecord,
    pub client: ApiClient,
    pub user: ApiUser,
}
