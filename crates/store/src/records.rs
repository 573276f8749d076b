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
    /// Source addresses the NIC API accepts for this client (NIC allows up to four); empty = any.
    pub allowed_ips: Vec<String>,
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
    /// The client whose developer created the user on the portal (`None` for users made otherwise);
    /// GSP links of that client's taxpayer extend to this user.
    pub owner_client: Option<String>,
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
    /// The client's IP allow-list (empty = any).
    pub client_allowed_ips: Vec<String>,
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
    /// The row is active but an active e-way bill stands on it (cancel that first).
    EwbActive(EInvoice),
    NotFound,
}

/// An e-way bill made from a registered e-invoice: Part-A comes from the IRN, Part-B from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EwayBill {
    /// 12 digits, unique.
    pub ewb_no: i64,
    pub irn: String,
    /// The GSTIN that generated it (the supplier).
    pub gen_gstin: String,
    pub ewb_dt: i64,
    /// End of validity; `None` for a Part-A slip (no vehicle or transport document yet).
    pub valid_till: Option<i64>,
    /// ACT | CNL
    pub status: String,
    pub distance_km: i64,
    /// `1` road, `2` rail, `3` air, `4` ship.
    pub trans_mode: Option<String>,
    pub trans_id: Option<String>,
    pub trans_name: Option<String>,
    pub trans_doc_no: Option<String>,
    /// dd/mm/yyyy
    pub trans_doc_dt: Option<String>,
    pub vehicle_no: Option<String>,
    /// `R` regular, `O` over-dimensional cargo.
    pub vehicle_type: Option<String>,
    pub from_pin: Option<i64>,
    pub to_pin: Option<i64>,
    pub cancel_reason: Option<String>,
    pub cancel_remark: Option<String>,
    pub cancelled_at: Option<i64>,
    pub created_by_user: String,
    pub created_by_client: String,
}

/// Result of recording an e-way bill.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per request; boxing would only complicate matching"
)]
pub enum EwbInsertOutcome {
    Inserted,
    /// No e-invoice holds the IRN.
    IrnNotFound,
    /// The e-invoice is cancelled.
    IrnNotActive,
    /// The IRN already has this active e-way bill.
    AlreadyActive(EwayBill),
}

/// Result of registering an e-invoice together with the e-way bill made with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsertWithEwb {
    pub invoice: InsertOutcome,
    /// What became of the e-way bill; `None` when the e-invoice was not new (the bill was not tried).
    pub ewb: Option<Result<EwbInsertOutcome, crate::StoreError>>,
}

/// Result of cancelling an e-way bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EwbCancelOutcome {
    /// The e-way bill as it is after cancellation.
    Cancelled(EwayBill),
    /// It exists but was already cancelled.
    NotActive(EwayBill),
    NotFound,
}

/// Everything a new taxpayer needs, written in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxpayerBundle {
    pub gstin: GstinRecord,
    pub client: ApiClient,
    pub user: ApiUser,
}

/// A developer account on the portal: one registration of a GSP (by its PAN) or of a taxpayer (by a
/// GSTIN; its client then serves every GSTIN of the same PAN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Developer {
    /// Random, URL-safe.
    pub id: String,
    /// `GSP` | `TAXPAYER`
    pub category: String,
    pub pan: String,
    /// The GSTIN a taxpayer registered with; `None` for a GSP.
    pub gstin: Option<String>,
    /// Legal name (from the GSTIN master for a taxpayer, as given for a GSP).
    pub name: String,
    pub mobile: String,
    pub email: String,
    /// `PENDING` (OTP not yet verified) | `AWAITING_APPROVAL` (production) | `ACTIVE` | `REJECTED`
    pub status: String,
    /// Set when the account becomes active.
    pub client_id: Option<String>,
    /// argon2 PHC string of the portal password, once the developer sets one.
    pub password_hash: Option<String>,
    /// Consecutive wrong portal passwords.
    pub failed_logins: i64,
    /// Portal password login refused until this time (epoch seconds); 0 when not locked.
    pub locked_until: i64,
    pub created_at: i64,
}

/// A one-time password sent to a developer's mobile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Otp {
    /// Random; the form that asks for the code carries it.
    pub id: String,
    /// What the code authorises: `REGISTER`, `LOGIN`, `CREATE_USER`, ...
    pub purpose: String,
    /// The developer id it was sent for.
    pub developer_id: String,
    /// argon2 PHC string of the code.
    pub code_hash: String,
    /// Whatever the purpose needs to remember between sending and verifying (e.g. the user to create,
    /// without its password); JSON text.
    pub payload: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// Wrong codes entered so far.
    pub attempts: i64,
    pub used: bool,
}

/// Result of [`crate::Store::consume_otp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpUse {
    /// The code was live and is now spent.
    Consumed,
    /// Unknown id, already used, expired, or locked by too many wrong codes.
    Unusable,
}

/// A signed-in portal browser session. The cookie carries a random value; the store keeps only its
/// SHA-256, so a copy of the database does not let anyone in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSession {
    /// Hex SHA-256 of the cookie value.
    pub id_hash: String,
    /// `DEVELOPER` | `ADMIN`
    pub kind: String,
    /// Developer id or admin username.
    pub subject: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A message sent (or, in sandbox mode, only recorded) to a mobile number or an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Assigned by the store; ignored on insert.
    pub id: i64,
    /// `SMS` | `EMAIL`
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// A portal administrator (production onboarding approvals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub username: String,
    /// argon2 PHC string
    pub password_hash: String,
    pub created_at: i64,
}

/// How busy one connection pool of a store is, for the operator's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    /// `reader` or `writer` on SQLite, `main` on PostgreSQL.
    pub pool: &'static str,
    /// Connections open now, idle or lent out.
    pub open: u32,
    /// Open connections nobody is using.
    pub idle: u32,
    /// The most the pool will open.
    pub max: u32,
}

impl PoolUsage {
    /// The usage of a sqlx pool named `pool`.
    pub(crate) fn of<DB: sqlx::Database>(pool: &'static str, of: &sqlx::Pool<DB>) -> Self {
        PoolUsage {
            pool,
            open: of.size(),
            idle: u32::try_from(of.num_idle()).unwrap_or(u32::MAX),
            max: of.options().get_max_connections(),
        }
    }

    /// Connections lent out now.
    pub fn in_use(&self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}
