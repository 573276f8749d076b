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
    ApiClient, ApiUser, CancelOutcome, EInvoice, GstinRecord, InsertOutcome, Session, SessionAuth,
    Store, StoreError, TaxpayerBundle,
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
}

impl<S: Store> CachedStore<S> {
    /// Wraps `inner`, keeping entries for `ttl`.
    pub fn new(inner: S, ttl: Duration) -> Self {
        CachedStore {
            inner,
            sessions: Expiring::new(ttl),
            gstins: Expiring::new(ttl),
        }
    }

    /// The wrapped store.
    pub fn inner(&self) -> &S {
        &self.inner
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
        self.inner.create_client(client).await
    }

    async fn get_client(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError> {
        self.inner.get_client(client_id).await
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

    async fn list_einvoices_by_seller(
        &self,
        seller_gstin: &str,
        limit: u32,
    ) -> Result<Vec<EInvoice>, StoreError> {
        self.inner
            .list_einvoices_by_seller(seller_gstin, limit)
            .await
    }

    async fn close(&self) {
        self.inner.close().await
    }
}
