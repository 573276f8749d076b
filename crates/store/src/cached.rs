//! [`CachedStore`]: a [`Store`] decorator that keeps the two lookups every Generate IRN makes (the
//! session behind the AuthToken, and the GSTIN master records of seller and buyer) in memory for a few
//! seconds, so the hot path does not wait on the database for data that rarely changes.
//!
//! The cache is per node. Writes through this node update or evict its entries at once; a change made
//! on another node is seen here within the time-to-live. A session read from the cache is still checked
//! against its own expiry by the caller, so a cached session never outlives its token.

use async_trait::async_trait;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{
    Admin, ApiClient, ApiUser, CancelOutcome, Developer, EInvoice, EwayBill, EwbCancelOutcome,
    EwbInsertOutcome, GstinRecord, InsertOutcome, InsertWithEwb, Otp, OtpUse, OutboxMessage,
    PoolUsage, PortalSession, Session, SessionAuth, Store, StoreError, TaxpayerBundle,
};

/// Entries per map before it is cleared and refilled on demand.
const CAPACITY: usize = 100_000;

/// A small map whose entries expire after a fixed time.
struct Expiring<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (V, Instant)>>,
}

impl<K: Eq + Hash, V: Clone> Expiring<K, V> {
    fn new(ttl: Duration) -> Self {
        Expiring {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (value, at) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    fn put(&self, key: K, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(key, (value, Instant::now()));
        }
    }

    fn remove(&self, key: &K) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }

    fn retain(&self, keep: impl Fn(&V) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (v, _)| keep(v));
        }
    }
}

/// Caches sessions and GSTIN records of an inner store; everything else passes straight through.
pub struct CachedStore<S> {
    inner: S,
    sessions: Expiring<String, Option<SessionAuth>>,
    gstins: Expiring<String, Option<GstinRecord>>,
    /// Read on every NIC call for the IP allow-list, and on every login.
    clients: Expiring<String, Option<ApiClient>>,
}

impl<S: Store> CachedStore<S> {
    /// Wraps `inner`, keeping entries for `ttl`.
    pub fn new(inner: S, ttl: Duration) -> Self {
        CachedStore {
            inner,
            sessions: Expiring::new(ttl),
            gstins: Expiring::new(ttl),
            clients: Expiring::new(ttl),
        }
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Drops cached sessions matching `stale`. A cached SessionAuth carries the client's secret
    /// hash and allow-list, so a change to the client, the user or the session itself must not
    /// be answered from here. Runs after the write whatever its result: evicting too much only
    /// costs a database read.
    fn evict_sessions(&self, stale: impl Fn(&Session) -> bool) {
        self.sessions
            .retain(|cached| cached.as_ref().is_none_or(|c| !stale(&c.session)));
    }
}

#[async_trait]
impl<S: Store> Store for CachedStore<S> {
    async fn put_gstin(&self, rec: &GstinRecord) -> Result<(), StoreError> {
        self.gstins.remove(&rec.gstin);
        let result = self.inner.put_gstin(rec).await;
        self.gstins.remove(&rec.gstin);
        result
    }

    async fn get_gstin(&self, gstin: &str) -> Result<Option<GstinRecord>, StoreError> {
        let key = gstin.to_string();
        if let Some(hit) = self.gstins.get(&key) {
            return Ok(hit);
        }
        let found = self.inner.get_gstin(gstin).await?;
        self.gstins.put(key, found.clone());
        Ok(found)
    }

    async fn create_client(&self, client: &ApiClient) -> Result<(), StoreError> {
        let result = self.inner.create_client(client).await;
        self.clients.remove(&client.client_id);
        result
    }

    async fn get_client(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError> {
        let key = client_id.to_string();
        if let Some(found) = self.clients.get(&key) {
            return Ok(found);
        }
        let found = self.inner.get_client(client_id).await?;
        self.clients.put(key, found.clone());
        Ok(found)
    }

    async fn create_user(&self, user: &ApiUser, client_ids: &[String]) -> Result<(), StoreError> {
        self.inner.create_user(user, client_ids).await
    }

    async fn get_user(&self, username: &str) -> Result<Option<ApiUser>, StoreError> {
        self.inner.get_user(username).await
    }

    async fn user_has_client(&self, username: &str, client_id: &str) -> Result<bool, StoreError> {
        self.inner.user_has_client(username, client_id).await
    }

    async fn create_taxpayer(&self, bundle: &TaxpayerBundle) -> Result<(), StoreError> {
        let result = self.inner.create_taxpayer(bundle).await;
        self.gstins.remove(&bundle.gstin.gstin);
        result
    }

    async fn issue_session(
        &self,
        candidate: &Session,
        now: i64,
        force_refresh: bool,
        refresh_window_secs: i64,
    ) -> Result<Session, StoreError> {
        let issued = self
            .inner
            .issue_session(candidate, now, force_refresh, refresh_window_secs)
            .await?;
        // A replaced token must stop working here at once: drop every cached session of this key.
        self.sessions.retain(|cached| {
            cached.as_ref().is_none_or(|c| {
                let s = &c.session;
                s.token == issued.token
                    || s.client_id != issued.client_id
                    || s.username != issued.username
                    || s.gstin != issued.gstin
            })
        });
        self.sessions.remove(&issued.token);
        Ok(issued)
    }

    async fn session_by_token(&self, token: &str) -> Result<Option<SessionAuth>, StoreError> {
        let key = token.to_string();
        if let Some(hit) = self.sessions.get(&key) {
            return Ok(hit);
        }
        let found = self.inner.session_by_token(token).await?;
        self.sessions.put(key, found.clone());
        Ok(found)
    }

    async fn reserve_sequence(&self, name: &str, count: i64) -> Result<i64, StoreError> {
        self.inner.reserve_sequence(name, count).await
    }

    async fn insert_einvoice(&self, inv: EInvoice) -> Result<InsertOutcome, StoreError> {
        self.inner.insert_einvoice(inv).await
    }

    async fn insert_einvoice_with_ewaybill(
        &self,
        inv: EInvoice,
        bill: EwayBill,
    ) -> Result<InsertWithEwb, StoreError> {
        self.inner.insert_einvoice_with_ewaybill(inv, bill).await
    }

    async fn get_einvoice(&self, irn: &str) -> Result<Option<EInvoice>, StoreError> {
        self.inner.get_einvoice(irn).await
    }

    async fn cancel_einvoice(
        &self,
        irn: &str,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<CancelOutcome, StoreError> {
        self.inner
            .cancel_einvoice(irn, reason, remark, cancelled_at)
            .await
    }

    async fn list_einvoices_for_period(
        &self,
        seller_gstin: &str,
        month: u32,
        year: i32,
    ) -> Result<Vec<EInvoice>, StoreError> {
        self.inner
            .list_einvoices_for_period(seller_gstin, month, year)
            .await
    }

    async fn insert_ewaybill(&self, ewb: &EwayBill) -> Result<EwbInsertOutcome, StoreError> {
        self.inner.insert_ewaybill(ewb).await
    }

    async fn ewaybills_for_irn(&self, irn: &str) -> Result<Vec<EwayBill>, StoreError> {
        self.inner.ewaybills_for_irn(irn).await
    }

    async fn get_ewaybill(&self, ewb_no: i64) -> Result<Option<EwayBill>, StoreError> {
        self.inner.get_ewaybill(ewb_no).await
    }

    async fn cancel_ewaybill(
        &self,
        ewb_no: i64,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<EwbCancelOutcome, StoreError> {
        self.inner
            .cancel_ewaybill(ewb_no, reason, remark, cancelled_at)
            .await
    }

    async fn list_einvoices_by_seller(
        &self,
        seller_gstin: &str,
        limit: u32,
    ) -> Result<Vec<EInvoice>, StoreError> {
        self.inner
            .list_einvoices_by_seller(seller_gstin, limit)
            .await
    }

    async fn create_developer(&self, dev: &Developer) -> Result<(), StoreError> {
        self.inner.create_developer(dev).await
    }

    async fn get_developer(&self, id: &str) -> Result<Option<Developer>, StoreError> {
        self.inner.get_developer(id).await
    }

    async fn get_developer_by_client(
        &self,
        client_id: &str,
    ) -> Result<Option<Developer>, StoreError> {
        self.inner.get_developer_by_client(client_id).await
    }

    async fn list_developers(&self, status: &str) -> Result<Vec<Developer>, StoreError> {
        self.inner.list_developers(status).await
    }

    async fn set_developer_status(
        &self,
        id: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        self.inner.set_developer_status(id, from, to).await
    }

    async fn activate_developer(
        &self,
        id: &str,
        from: &str,
        client: &ApiClient,
    ) -> Result<bool, StoreError> {
        let result = self.inner.activate_developer(id, from, client).await;
        self.clients.remove(&client.client_id);
        result
    }

    async fn set_developer_password(&self, id: &str, hash: &str) -> Result<(), StoreError> {
        self.inner.set_developer_password(id, hash).await
    }

    async fn record_login_failure(
        &self,
        id: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<Developer>, StoreError> {
        self.inner
            .record_login_failure(id, now, lock_after, lock_secs)
            .await
    }

    async fn clear_login_failures(&self, id: &str) -> Result<(), StoreError> {
        self.inner.clear_login_failures(id).await
    }

    async fn record_admin_login_failure(
        &self,
        username: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.inner
            .record_admin_login_failure(username, now, lock_after, lock_secs)
            .await
    }

    async fn admin_login_paused_until(
        &self,
        username: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.inner.admin_login_paused_until(username, now).await
    }

    async fn clear_admin_login_failures(&self, username: &str) -> Result<(), StoreError> {
        self.inner.clear_admin_login_failures(username).await
    }

    async fn create_otp(&self, otp: &Otp) -> Result<(), StoreError> {
        self.inner.create_otp(otp).await
    }

    async fn get_otp(&self, id: &str) -> Result<Option<Otp>, StoreError> {
        self.inner.get_otp(id).await
    }

    async fn count_otps_since(
        &self,
        developer_id: &str,
        purpose: &str,
        since: i64,
    ) -> Result<i64, StoreError> {
        self.inner
            .count_otps_since(developer_id, purpose, since)
            .await
    }

    async fn record_otp_failure(&self, id: &str) -> Result<i64, StoreError> {
        self.inner.record_otp_failure(id).await
    }

    async fn consume_otp(
        &self,
        id: &str,
        now: i64,
        max_attempts: i64,
    ) -> Result<OtpUse, StoreError> {
        self.inner.consume_otp(id, now, max_attempts).await
    }

    async fn create_portal_session(&self, session: &PortalSession) -> Result<(), StoreError> {
        self.inner.create_portal_session(session).await
    }

    async fn get_portal_session(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<PortalSession>, StoreError> {
        self.inner.get_portal_session(id_hash, now).await
    }

    async fn delete_portal_session(&self, id_hash: &str) -> Result<(), StoreError> {
        self.inner.delete_portal_session(id_hash).await
    }

    async fn push_outbox(&self, msg: &OutboxMessage) -> Result<i64, StoreError> {
        self.inner.push_outbox(msg).await
    }

    async fn list_outbox(
        &self,
        recipient: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        self.inner.list_outbox(recipient, limit).await
    }

    async fn create_admin(&self, admin: &Admin) -> Result<(), StoreError> {
        self.inner.create_admin(admin).await
    }

    async fn get_admin(&self, username: &str) -> Result<Option<Admin>, StoreError> {
        self.inner.get_admin(username).await
    }

    async fn list_gstins_by_pan(&self, pan: &str) -> Result<Vec<GstinRecord>, StoreError> {
        self.inner.list_gstins_by_pan(pan).await
    }

    async fn list_users_by_owner(&self, owner_client: &str) -> Result<Vec<ApiUser>, StoreError> {
        self.inner.list_users_by_owner(owner_client).await
    }

    async fn list_user_clients(&self, username: &str) -> Result<Vec<String>, StoreError> {
        self.inner.list_user_clients(username).await
    }

    async fn set_client_secret(
        &self,
        client_id: &str,
        secret_hash: &str,
    ) -> Result<bool, StoreError> {
        let result = self.inner.set_client_secret(client_id, secret_hash).await;
        self.clients.remove(&client_id.to_string());
        self.evict_sessions(|s| s.client_id == client_id);
        result
    }

    async fn set_client_ips(&self, client_id: &str, ips: &[String]) -> Result<bool, StoreError> {
        let result = self.inner.set_client_ips(client_id, ips).await;
        self.clients.remove(&client_id.to_string());
        self.evict_sessions(|s| s.client_id == client_id);
        result
    }

    async fn set_user_password(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        let result = self.inner.set_user_password(username, hash).await;
        self.evict_sessions(|s| s.username == username);
        result
    }

    async fn set_user_active(&self, username: &str, active: bool) -> Result<bool, StoreError> {
        let result = self.inner.set_user_active(username, active).await;
        self.evict_sessions(|s| s.username == username);
        result
    }

    async fn link_gsp(&self, taxpayer_client: &str, gsp_client: &str) -> Result<(), StoreError> {
        self.inner.link_gsp(taxpayer_client, gsp_client).await
    }

    async fn unlink_gsp(
        &self,
        taxpayer_client: &str,
        gsp_client: &str,
    ) -> Result<bool, StoreError> {
        let result = self.inner.unlink_gsp(taxpayer_client, gsp_client).await;
        // The cache does not know which users the taxpayer owns: drop every session of the GSP
        // client (a superset of the ones that ended).
        self.evict_sessions(|s| s.client_id == gsp_client);
        result
    }

    async fn list_gsp_links(&self, taxpayer_client: &str) -> Result<Vec<String>, StoreError> {
        self.inner.list_gsp_links(taxpayer_client).await
    }

    async fn list_sessions_for(
        &self,
        client_id: &str,
        now: i64,
    ) -> Result<Vec<Session>, StoreError> {
        self.inner.list_sessions_for(client_id, now).await
    }

    async fn revoke_session(&self, token: &str) -> Result<bool, StoreError> {
        let result = self.inner.revoke_session(token).await;
        self.sessions.remove(&token.to_string());
        result
    }

    async fn purge_expired(
        &self,
        now: i64,
        otps_before: i64,
        pending_before: i64,
    ) -> Result<u64, StoreError> {
        self.inner
            .purge_expired(now, otps_before, pending_before)
            .await
    }

    async fn deployment_key(&self, purpose: &str) -> Result<Option<String>, StoreError> {
        self.inner.deployment_key(purpose).await
    }

    async fn record_deployment_key(
        &self,
        purpose: &str,
        fingerprint: &str,
        now: i64,
        replace: bool,
    ) -> Result<String, StoreError> {
        self.inner
            .record_deployment_key(purpose, fingerprint, now, replace)
            .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    fn pool_usage(&self) -> Vec<PoolUsage> {
        self.inner.pool_usage()
    }

    async fn close(&self) {
        self.inner.close().await
    }
}
