//! The backend-neutral store interface.

use async_trait::async_trait;

use crate::{
    Admin, ApiClient, ApiUser, CancelOutcome, Developer, EInvoice, EwayBill, EwbCancelOutcome,
    EwbInsertOutcome, GstinRecord, InsertOutcome, InsertWithEwb, Otp, OtpUse, OutboxMessage,
    PoolUsage, PortalSession, Session, SessionAuth, StoreError, TaxpayerBundle,
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

    /// Registers an e-invoice and, if it is new, the e-way bill made with it, in one durable write:
    /// an e-way bill asked for with the IRN costs no commit of its own. A failed e-way bill does not
    /// undo the e-invoice.
    async fn insert_einvoice_with_ewaybill(
        &self,
        inv: EInvoice,
        bill: EwayBill,
    ) -> Result<InsertWithEwb, StoreError>;

    async fn get_einvoice(&self, irn: &str) -> Result<Option<EInvoice>, StoreError>;

    /// Cancels an active e-invoice that has no active e-way bill. Of concurrent cancels exactly one
    /// gets Cancelled.
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

    /// The seller's e-invoices, active and cancelled, whose document date lies in `month` of `year`,
    /// by AckNo (the GSTR-1 of that period).
    async fn list_einvoices_for_period(
        &self,
        seller_gstin: &str,
        month: u32,
        year: i32,
    ) -> Result<Vec<EInvoice>, StoreError>;

    // ---- E-way bills ----

    /// Records an e-way bill if its IRN is active and has no active e-way bill, in one transaction:
    /// of concurrent calls for one IRN at most one gets Inserted.
    async fn insert_ewaybill(&self, ewb: &EwayBill) -> Result<EwbInsertOutcome, StoreError>;

    /// The IRN's e-way bills, newest first.
    async fn ewaybills_for_irn(&self, irn: &str) -> Result<Vec<EwayBill>, StoreError>;

    async fn get_ewaybill(&self, ewb_no: i64) -> Result<Option<EwayBill>, StoreError>;

    /// Cancels an active e-way bill. Of concurrent cancels exactly one gets Cancelled.
    async fn cancel_ewaybill(
        &self,
        ewb_no: i64,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<EwbCancelOutcome, StoreError>;

    // ---- Developer portal: accounts, OTPs, browser sessions, outbox, admins ----

    /// Records a new registration (status `PENDING`). A previous `PENDING` registration of the same
    /// category and PAN is replaced (the developer started again); any other one is a Conflict.
    async fn create_developer(&self, dev: &Developer) -> Result<(), StoreError>;

    async fn get_developer(&self, id: &str) -> Result<Option<Developer>, StoreError>;

    /// The developer whose account holds this client id.
    async fn get_developer_by_client(
        &self,
        client_id: &str,
    ) -> Result<Option<Developer>, StoreError>;

    /// Developers in a status, oldest first (the admin's approval queue).
    async fn list_developers(&self, status: &str) -> Result<Vec<Developer>, StoreError>;

    /// Sets the status of a developer that is in `from`; false if it was not (already moved on).
    async fn set_developer_status(
        &self,
        id: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError>;

    /// Creates `client` and makes the developer `ACTIVE` with that client id, in one transaction,
    /// if the developer is in status `from`; false (and nothing written) if it is not.
    async fn activate_developer(
        &self,
        id: &str,
        from: &str,
        client: &ApiClient,
    ) -> Result<bool, StoreError>;

    async fn set_developer_password(&self, id: &str, hash: &str) -> Result<(), StoreError>;

    /// Counts a wrong portal password; once `lock_after` are counted in a row, locks password login
    /// until `now + lock_secs` and restarts the count. Returns the developer as it now is.
    async fn record_login_failure(
        &self,
        id: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<Developer>, StoreError>;

    /// A right password: the count of wrong ones starts again.
    async fn clear_login_failures(&self, id: &str) -> Result<(), StoreError>;

    /// Counts a wrong administrator password for `username` (an admin's or not); the `lock_after`th
    /// in a row pauses admin login for the name until `now + lock_secs` and restarts the count.
    /// Returns the end of the pause now running, if one is.
    async fn record_admin_login_failure(
        &self,
        username: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// Until when admin login for `username` is paused at `now`, if it is.
    async fn admin_login_paused_until(
        &self,
        username: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError>;

    /// A right administrator password: the count of wrong ones starts again.
    async fn clear_admin_login_failures(&self, username: &str) -> Result<(), StoreError>;

    async fn create_otp(&self, otp: &Otp) -> Result<(), StoreError>;

    async fn get_otp(&self, id: &str) -> Result<Option<Otp>, StoreError>;

    /// OTPs created for (developer, purpose) at or after `since`: the send rate limit.
    async fn count_otps_since(
        &self,
        developer_id: &str,
        purpose: &str,
        since: i64,
    ) -> Result<i64, StoreError>;

    /// Counts one wrong code against the OTP; returns the attempts now recorded (0 if no such OTP).
    async fn record_otp_failure(&self, id: &str) -> Result<i64, StoreError>;

    /// Spends the OTP if it is unused, `now < expires_at` and `attempts < max_attempts`. Atomic: of
    /// concurrent calls at most one gets Consumed.
    async fn consume_otp(
        &self,
        id: &str,
        now: i64,
        max_attempts: i64,
    ) -> Result<OtpUse, StoreError>;

    async fn create_portal_session(&self, session: &PortalSession) -> Result<(), StoreError>;

    /// The session with this id hash if `now < expires_at`.
    async fn get_portal_session(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<PortalSession>, StoreError>;

    async fn delete_portal_session(&self, id_hash: &str) -> Result<(), StoreError>;

    /// Appends a message; returns its id.
    async fn push_outbox(&self, msg: &OutboxMessage) -> Result<i64, StoreError>;

    /// Newest first; only messages to `recipient` when given.
    async fn list_outbox(
        &self,
        recipient: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Conflict if the username exists.
    async fn create_admin(&self, admin: &Admin) -> Result<(), StoreError>;

    async fn get_admin(&self, username: &str) -> Result<Option<Admin>, StoreError>;

    // ---- Developer portal: what a developer manages ----

    /// GSTIN master records whose PAN (characters 3–12) is `pan`, by GSTIN.
    async fn list_gstins_by_pan(&self, pan: &str) -> Result<Vec<GstinRecord>, StoreError>;

    /// Users created by the developer of `owner_client`, by username.
    async fn list_users_by_owner(&self, owner_client: &str) -> Result<Vec<ApiUser>, StoreError>;

    /// Client ids the user may authenticate through, sorted.
    async fn list_user_clients(&self, username: &str) -> Result<Vec<String>, StoreError>;

    /// Replaces the client's secret hash; the old secret stops working at once.
    async fn set_client_secret(
        &self,
        client_id: &str,
        secret_hash: &str,
    ) -> Result<bool, StoreError>;

    /// Replaces the client's IP allow-list.
    async fn set_client_ips(&self, client_id: &str, ips: &[String]) -> Result<bool, StoreError>;

    /// Replaces the user's password hash and ends the user's sessions.
    async fn set_user_password(&self, username: &str, hash: &str) -> Result<bool, StoreError>;

    /// Enables or disables the user; disabling ends the user's sessions.
    async fn set_user_active(&self, username: &str, active: bool) -> Result<bool, StoreError>;

    /// Links a GSP's client to a taxpayer's client: every user owned by the taxpayer's client (now and
    /// later) may then authenticate through the GSP's client. Idempotent.
    async fn link_gsp(&self, taxpayer_client: &str, gsp_client: &str) -> Result<(), StoreError>;

    /// Removes the link, the GSP client's access to the taxpayer's users, and the GSP's sessions on
    /// those users, in one transaction. False if there was no link.
    async fn unlink_gsp(&self, taxpayer_client: &str, gsp_client: &str)
    -> Result<bool, StoreError>;

    /// GSP client ids linked to the taxpayer's client, sorted.
    async fn list_gsp_links(&self, taxpayer_client: &str) -> Result<Vec<String>, StoreError>;

    /// Sessions still valid at `now` that were issued to `client_id` or to a user owned by it,
    /// newest first.
    async fn list_sessions_for(
        &self,
        client_id: &str,
        now: i64,
    ) -> Result<Vec<Session>, StoreError>;

    /// Ends the session holding `token`; false if there was none.
    async fn revoke_session(&self, token: &str) -> Result<bool, StoreError>;

    /// Deletes what can no longer be used: portal sessions expired by `now`, OTPs expired before
    /// `otps_before`, and registrations still `PENDING` (OTP never confirmed) created before
    /// `pending_before`. Returns the rows deleted.
    async fn purge_expired(
        &self,
        now: i64,
        otps_before: i64,
        pending_before: i64,
    ) -> Result<u64, StoreError>;

    /// The fingerprint of the key every node must hold for `purpose` (`signing`, `auth`), if one
    /// is recorded.
    async fn deployment_key(&self, purpose: &str) -> Result<Option<String>, StoreError>;

    /// Records `fingerprint` for `purpose` unless another is recorded (or, with `replace`, in any
    /// case) and returns the one recorded now: the caller's, or the first node's.
    async fn record_deployment_key(
        &self,
        purpose: &str,
        fingerprint: &str,
        now: i64,
        replace: bool,
    ) -> Result<String, StoreError>;

    /// Whether the store answers (the status page).
    async fn ping(&self) -> Result<(), StoreError>;

    /// How busy each of the store's connection pools is right now.
    fn pool_usage(&self) -> Vec<PoolUsage>;

    /// Makes every acknowledged write durable and releases connections; later calls fail.
    async fn close(&self);
}
