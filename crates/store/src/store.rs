//! The backend-neutral store interface.

use async_trait::async_trait;

use crate::{
    ApiClient, ApiUser, CancelOutcome, EInvoice, GstinRecord, InsertOutcome, Session, SessionAuth,
    StoreError, TaxpayerBundle,
};

/// Everything the server persists. Times are Unix epoch seconds; callers pass `now`
/// explicitly so an injected clock decides every time rule.
#[async_trait]
pub trait Store: Send + Sync {
    /// Inserts or replaces the GSTIN master record with this GSTIN.
    async fn put_gstin(&self, rec: &GstinRecord) -> Result<(), StoreError>;

    async fn get_gstin(&self, gstin: &str) -> Result<Option<GstinRecord>, StoreError>;

    /// Conflict if the client id exists.
    async fn create_client(&self, client: &ApiClient) -> Result<(), StoreError>;

    async fn get_client(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError>;

    /// Creates the user and maps it to `client_ids`, in one transaction.
    /// Conflict if the username exists.
    async fn create_user(&self, user: &ApiUser, client_ids: &[String]) -> Result<(), StoreError>;

    async fn get_user(&self, username: &str) -> Result<Option<ApiUser>, StoreError>;

    async fn user_has_client(&self, username: &str, client_id: &str) -> Result<bool, StoreError>;

    /// GSTIN record + client + user + user→client mapping, all or nothing.
    /// Conflict if the GSTIN, client or user exists.
    async fn create_taxpayer(&self, bundle: &TaxpayerBundle) -> Result<(), StoreError>;

    /// Returns the current session for (client_id, username, gstin) of `candidate`
    /// if it is still valid (`now < expires_at`) and not being force-refreshed inside
    /// its last `refresh_window_secs`; otherwise stores `candidate` in its place (the
    /// old token stops working) and returns it. Atomic: concurrent calls for one key
    /// end with one token.
    async fn issue_session(
        &self,
        candidate: &Session,
        now: i64,
        force_refresh: bool,
        refresh_window_secs: i64,
    ) -> Result<Session, StoreError>;

    /// The session holding `token`, joined with its client's secret hash.
    async fn session_by_token(&self, token: &str) -> Result<Option<SessionAuth>, StoreError>;

    /// Reserves `count` (> 0) consecutive numbers from the named counter and returns
    /// the first. A new counter starts at 1. Safe across processes.
    async fn reserve_sequence(&self, name: &str, count: i64) -> Result<i64, StoreError>;

    /// Registers an e-invoice; the IRN primary key decides between Inserted and
    /// Duplicate. Returns only once the row is durable.
    async fn insert_einvoice(&self, inv: EInvoice) -> Result<InsertOutcome, StoreError>;

    async fn get_einvoice(&self, irn: &str) -> Result<Option<EInvoice>, StoreError>;

    /// Cancels an active e-invoice. Of concurrent cancels exactly one gets Cancelled.
    async fn cancel_einvoice(
        &self,
        irn: &str,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<CancelOutcome, StoreError>;

    /// The seller's e-invoices, newest first (by ack_dt, then ack_no).
    async fn list_einvoices_by_seller(
        &self,
        seller_gstin: &str,
        limit: u32,
    ) -> Result<Vec<EInvoice>, StoreError>;

    /// Makes every acknowledged write durable and releases connections; later calls fail.
    async fn close(&self);
}
