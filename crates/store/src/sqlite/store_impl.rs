//! [`Store`] for [`SqliteStore`]: reads go to the reader pool, writes to the single
//! writer connection, e-invoice inserts to the group-commit task.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteConnection;
use tokio::sync::oneshot;

use super::rows::{
    bind_client, bind_gstin, bind_session, bind_user, client_from_row, einvoice_from_row,
    gstin_from_row, session_auth_from_row, session_from_row, user_from_row,
};
use super::writer::WriteCmd;
use super::{BEGIN_WRITE, SqliteStore, closed};
use crate::error::{backend, conflict_or_backend};
use crate::{
    ApiClient, ApiUser, CancelOutcome, EInvoice, GstinRecord, InsertOutcome, Session, SessionAuth,
    Store, StoreError, TaxpayerBundle, sql,
};

#[async_trait]
impl Store for SqliteStore {
    async fn put_gstin(&self, rec: &GstinRecord) -> Result<(), StoreError> {
        bind_gstin(sqlx::query(sql::UPSERT_GSTIN), rec)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn get_gstin(&self, gstin: &str) -> Result<Option<GstinRecord>, StoreError> {
        let row = sqlx::query(sql::SELECT_GSTIN)
            .bind(gstin.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(gstin_from_row).transpose()
    }

    async fn create_client(&self, client: &ApiClient) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await.map_err(backend)?;
        insert_client(&mut conn, client).await
    }

    async fn get_client(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError> {
        let row = sqlx::query(sql::SELECT_CLIENT)
            .bind(client_id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(client_from_row).transpose()
    }

    async fn create_user(&self, user: &ApiUser, client_ids: &[String]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        insert_user(&mut tx, user, client_ids).await?;
        tx.commit().await.map_err(backend)
    }

    async fn get_user(&self, username: &str) -> Result<Option<ApiUser>, StoreError> {
        let row = sqlx::query(sql::SELECT_USER)
            .bind(username.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_has_client(&self, username: &str, client_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(sql::SELECT_USER_HAS_CLIENT)
            .bind(username.to_string())
            .bind(client_id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        Ok(row.is_some())
    }

    async fn create_taxpayer(&self, bundle: &TaxpayerBundle) -> Result<(), StoreError> {
        // Dropping the transaction on any error rolls everything back.
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        bind_gstin(sqlx::query(sql::INSERT_GSTIN), &bundle.gstin)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                conflict_or_backend(e, &format!("GSTIN {} already exists", bundle.gstin.gstin))
            })?;
        insert_client(&mut tx, &bundle.client).await?;
        insert_user(
            &mut tx,
            &bundle.user,
            std::slice::from_ref(&bundle.client.client_id),
        )
        .await?;
        tx.commit().await.map_err(backend)
    }

    async fn issue_session(
        &self,
        candidate: &Session,
        now: i64,
        force_refresh: bool,
        refresh_window_secs: i64,
    ) -> Result<Session, StoreError> {
        let threshold = replace_threshold(now, force_refresh, refresh_window_secs);
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        let written = bind_session(sqlx::query(sql::UPSERT_SESSION), candidate)
            .bind(threshold)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| conflict_or_backend(e, "session token already in use"))?;
        let session = match written {
            Some(_) => candidate.clone(),
            None => current_session(&mut tx, candidate).await?,
        };
        tx.commit().await.map_err(backend)?;
        Ok(session)
    }

    async fn session_by_token(&self, token: &str) -> Result<Option<SessionAuth>, StoreError> {
        let row = sqlx::query(sql::SELECT_SESSION_AUTH)
            .bind(token.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(session_auth_from_row).transpose()
    }

    async fn reserve_sequence(&self, name: &str, count: i64) -> Result<i64, StoreError> {
        if count <= 0 {
            return Err(StoreError::Backend(format!(
                "sequence {name}: count must be positive, got {count}"
            )));
        }
        let row = sqlx::query(sql::RESERVE_SEQUENCE)
            .bind(name.to_string())
            .bind(count)
            .fetch_one(&self.writer)
            .await
            .map_err(backend)?;
        row.try_get::<i64, _>(0).map_err(backend)
    }

    async fn insert_einvoice(&self, inv: EInvoice) -> Result<InsertOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        let cmd = WriteCmd::Insert {
            row: Box::new(inv),
            reply,
        };
        self.inserts.send(cmd).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    async fn get_einvoice(&self, irn: &str) -> Result<Option<EInvoice>, StoreError> {
        let row = sqlx::query(sql::SELECT_EINVOICE)
            .bind(irn.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(einvoice_from_row).transpose()
    }

    async fn cancel_einvoice(
        &self,
        irn: &str,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<CancelOutcome, StoreError> {
        // One transaction, so "not active" and "not found" describe the same moment
        // the conditional UPDATE saw.
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        let updated = sqlx::query(sql::CANCEL_EINVOICE)
            .bind(irn.to_string())
            .bind(reason.to_string())
            .bind(remark.to_string())
            .bind(cancelled_at)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let outcome = match updated {
            Some(row) => CancelOutcome::Cancelled(einvoice_from_row(&row)?),
            None => not_cancelled(&mut tx, irn).await?,
        };
        tx.commit().await.map_err(backend)?;
        Ok(outcome)
    }

    async fn list_einvoices_by_seller(
        &self,
        seller_gstin: &str,
        limit: u32,
    ) -> Result<Vec<EInvoice>, StoreError> {
        let rows = sqlx::query(sql::LIST_EINVOICES_BY_SELLER)
            .bind(seller_gstin.to_string())
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(einvoice_from_row).collect()
    }

    async fn close(&self) {
        // The inherent method: flush queued inserts, stop the writer, close the pools.
        SqliteStore::close(self).await
    }
}

/// Sessions with `expires_at <= threshold` get replaced. Without force that is
/// "expired"; with force it also covers the last `window` seconds of validity.
fn replace_threshold(now: i64, force_refresh: bool, window: i64) -> i64 {
    if force_refresh {
        now.saturating_add(window.max(0))
    } else {
        now
    }
}

/// Inserts one client; Conflict if the id exists.
async fn insert_client(conn: &mut SqliteConnection, client: &ApiClient) -> Result<(), StoreError> {
    bind_client(sqlx::query(sql::INSERT_CLIENT), client)
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            conflict_or_backend(e, &format!("client {} already exists", client.client_id))
        })?;
    Ok(())
}

/// Inserts one user and its client mappings; Conflict if the username exists.
async fn insert_user(
    conn: &mut SqliteConnection,
    user: &ApiUser,
    client_ids: &[String],
) -> Result<(), StoreError> {
    bind_user(sqlx::query(sql::INSERT_USER), user)
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict_or_backend(e, &format!("user {} already exists", user.username)))?;
    for client_id in client_ids {
        sqlx::query(sql::INSERT_USER_CLIENT)
            .bind(user.username.clone())
            .bind(client_id.clone())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

/// The session currently stored for the candidate's key (the one that was kept).
async fn current_session(
    conn: &mut SqliteConnection,
    key: &Session,
) -> Result<Session, StoreError> {
    let row = sqlx::query(sql::SELECT_SESSION_BY_KEY)
        .bind(key.client_id.clone())
        .bind(key.username.clone())
        .bind(key.gstin.clone())
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
    session_from_row(&row)
}

/// Why a cancel changed nothing: the row is not active, or there is no row.
async fn not_cancelled(
    conn: &mut SqliteConnection,
    irn: &str,
) -> Result<CancelOutcome, StoreError> {
    let row = sqlx::query(sql::SELECT_EINVOICE)
        .bind(irn.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
    match row {
        Some(row) => Ok(CancelOutcome::NotActive(einvoice_from_row(&row)?)),
        None => Ok(CancelOutcome::NotFound),
    }
}
