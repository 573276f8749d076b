//! [`Store`] for [`SqliteStore`]: reads go to the reader pool, writes to the single
//! writer connection, e-invoice inserts to the group-commit task.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteConnection;
use tokio::sync::oneshot;

use super::rows::{
    admin_from_row, bind_client, bind_developer, bind_gstin, bind_otp, bind_session, bind_user,
    client_from_row, developer_from_row, einvoice_from_row, ewaybill_from_row, gstin_from_row,
    join_ips, otp_from_row, outbox_from_row, portal_session_from_row, session_auth_from_row,
    session_from_row, user_from_row,
};
use super::writer::WriteCmd;
use super::{BEGIN_WRITE, SqliteStore, closed};
use crate::error::{backend, conflict_or_backend};
use crate::{
    Admin, ApiClient, ApiUser, CancelOutcome, Developer, EInvoice, EwayBill, EwbCancelOutcome,
    EwbInsertOutcome, GstinRecord, InsertOutcome, InsertWithEwb, Otp, OtpUse, OutboxMessage,
    PoolUsage, PortalSession, Session, SessionAuth, Store, StoreError, TaxpayerBundle, sql,
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

    async fn insert_einvoice_with_ewaybill(
        &self,
        inv: EInvoice,
        bill: EwayBill,
    ) -> Result<InsertWithEwb, StoreError> {
        let (reply, answer) = oneshot::channel();
        let cmd = WriteCmd::InsertWithEwb {
            row: Box::new(inv),
            bill: Box::new(bill),
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

    async fn list_einvoices_for_period(
        &self,
        seller_gstin: &str,
        month: u32,
        year: i32,
    ) -> Result<Vec<EInvoice>, StoreError> {
        let rows = sqlx::query(sql::LIST_EINVOICES_FOR_PERIOD)
            .bind(seller_gstin.to_string())
            .bind(format!("{month:02}/{year:04}"))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(einvoice_from_row).collect()
    }

    async fn insert_ewaybill(&self, ewb: &EwayBill) -> Result<EwbInsertOutcome, StoreError> {
        // Through the group-commit writer: an e-way bill made with its IRN shares its fsync.
        let (reply, answer) = oneshot::channel();
        let cmd = WriteCmd::InsertEwb {
            bill: Box::new(ewb.clone()),
            reply,
        };
        self.inserts.send(cmd).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    async fn ewaybills_for_irn(&self, irn: &str) -> Result<Vec<EwayBill>, StoreError> {
        let rows = sqlx::query(sql::LIST_EWAYBILLS_FOR_IRN)
            .bind(irn.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(ewaybill_from_row).collect()
    }

    async fn get_ewaybill(&self, ewb_no: i64) -> Result<Option<EwayBill>, StoreError> {
        let row = sqlx::query(sql::SELECT_EWAYBILL)
            .bind(ewb_no)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(ewaybill_from_row).transpose()
    }

    async fn cancel_ewaybill(
        &self,
        ewb_no: i64,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<EwbCancelOutcome, StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        let updated = sqlx::query(sql::CANCEL_EWAYBILL)
            .bind(ewb_no)
            .bind(reason.to_string())
            .bind(remark.to_string())
            .bind(cancelled_at)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let outcome = match updated {
            Some(row) => EwbCancelOutcome::Cancelled(ewaybill_from_row(&row)?),
            None => {
                let row = sqlx::query(sql::SELECT_EWAYBILL)
                    .bind(ewb_no)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                match row {
                    Some(row) => EwbCancelOutcome::NotActive(ewaybill_from_row(&row)?),
                    None => EwbCancelOutcome::NotFound,
                }
            }
        };
        tx.commit().await.map_err(backend)?;
        Ok(outcome)
    }

    async fn create_developer(&self, dev: &Developer) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        sqlx::query(sql::DELETE_PENDING_DEVELOPER)
            .bind(dev.category.clone())
            .bind(dev.pan.clone())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        bind_developer(sqlx::query(sql::INSERT_DEVELOPER), dev)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                conflict_or_backend(
                    e,
                    &format!(
                        "a {} developer with PAN {} already exists",
                        dev.category, dev.pan
                    ),
                )
            })?;
        tx.commit().await.map_err(backend)
    }

    async fn get_developer(&self, id: &str) -> Result<Option<Developer>, StoreError> {
        let row = sqlx::query(sql::SELECT_DEVELOPER)
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(developer_from_row).transpose()
    }

    async fn get_developer_by_client(
        &self,
        client_id: &str,
    ) -> Result<Option<Developer>, StoreError> {
        let row = sqlx::query(sql::SELECT_DEVELOPER_BY_CLIENT)
            .bind(client_id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(developer_from_row).transpose()
    }

    async fn list_developers(&self, status: &str) -> Result<Vec<Developer>, StoreError> {
        let rows = sqlx::query(sql::LIST_DEVELOPERS)
            .bind(status.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(developer_from_row).collect()
    }

    async fn set_developer_status(
        &self,
        id: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(sql::SET_DEVELOPER_STATUS)
            .bind(id.to_string())
            .bind(from.to_string())
            .bind(to.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn activate_developer(
        &self,
        id: &str,
        from: &str,
        client: &ApiClient,
    ) -> Result<bool, StoreError> {
        // The client goes in first so the developer's reference to it holds; if the developer
        // is not in `from`, dropping the transaction takes the client back out.
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        insert_client(&mut tx, client).await?;
        let done = sqlx::query(sql::ACTIVATE_DEVELOPER)
            .bind(id.to_string())
            .bind(client.client_id.clone())
            .bind(from.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                conflict_or_backend(
                    e,
                    &format!("client {} already belongs to a developer", client.client_id),
                )
            })?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn set_developer_password(&self, id: &str, hash: &str) -> Result<(), StoreError> {
        let done = sqlx::query(sql::SET_DEVELOPER_PASSWORD)
            .bind(id.to_string())
            .bind(hash.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        // A password that silently went nowhere would lock the developer out.
        if done.rows_affected() != 1 {
            return Err(StoreError::Backend(format!("no developer {id}")));
        }
        Ok(())
    }

    async fn record_login_failure(
        &self,
        id: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<Developer>, StoreError> {
        let row = sqlx::query(sql::RECORD_LOGIN_FAILURE)
            .bind(id.to_string())
            .bind(now.saturating_add(lock_secs.max(0)))
            .bind(lock_after)
            .fetch_optional(&self.writer)
            .await
            .map_err(backend)?;
        row.as_ref().map(developer_from_row).transpose()
    }

    async fn clear_login_failures(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query(sql::CLEAR_LOGIN_FAILURES)
            .bind(id.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn record_admin_login_failure(
        &self,
        username: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<i64>, StoreError> {
        let until: Option<i64> = sqlx::query_scalar(sql::RECORD_ADMIN_LOGIN_FAILURE)
            .bind(username.to_string())
            .bind(now)
            .bind(now.saturating_add(lock_secs.max(0)))
            .bind(lock_after)
            .fetch_one(&self.writer)
            .await
            .map_err(backend)?;
        Ok(until.filter(|&until| until > now))
    }

    async fn admin_login_paused_until(
        &self,
        username: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let until: Option<Option<i64>> = sqlx::query_scalar(sql::SELECT_ADMIN_LOGIN_PAUSE)
            .bind(username.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        Ok(until.flatten().filter(|&until| until > now))
    }

    async fn clear_admin_login_failures(&self, username: &str) -> Result<(), StoreError> {
        sqlx::query(sql::CLEAR_ADMIN_LOGIN_FAILURES)
            .bind(username.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn create_otp(&self, otp: &Otp) -> Result<(), StoreError> {
        bind_otp(sqlx::query(sql::INSERT_OTP), otp)
            .execute(&self.writer)
            .await
            .map_err(|e| conflict_or_backend(e, &format!("OTP {} already exists", otp.id)))?;
        Ok(())
    }

    async fn get_otp(&self, id: &str) -> Result<Option<Otp>, StoreError> {
        let row = sqlx::query(sql::SELECT_OTP)
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(otp_from_row).transpose()
    }

    async fn count_otps_since(
        &self,
        developer_id: &str,
        purpose: &str,
        since: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(sql::COUNT_OTPS_SINCE)
            .bind(developer_id.to_string())
            .bind(purpose.to_string())
            .bind(since)
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        row.try_get::<i64, _>(0).map_err(backend)
    }

    async fn record_otp_failure(&self, id: &str) -> Result<i64, StoreError> {
        let row = sqlx::query(sql::RECORD_OTP_FAILURE)
            .bind(id.to_string())
            .fetch_optional(&self.writer)
            .await
            .map_err(backend)?;
        match row {
            Some(row) => row.try_get::<i64, _>(0).map_err(backend),
            None => Ok(0),
        }
    }

    async fn consume_otp(
        &self,
        id: &str,
        now: i64,
        max_attempts: i64,
    ) -> Result<OtpUse, StoreError> {
        let done = sqlx::query(sql::CONSUME_OTP)
            .bind(id.to_string())
            .bind(now)
            .bind(max_attempts)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(if done.rows_affected() == 1 {
            OtpUse::Consumed
        } else {
            OtpUse::Unusable
        })
    }

    async fn create_portal_session(&self, session: &PortalSession) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_PORTAL_SESSION)
            .bind(session.id_hash.clone())
            .bind(session.kind.clone())
            .bind(session.subject.clone())
            .bind(session.created_at)
            .bind(session.expires_at)
            .execute(&self.writer)
            .await
            .map_err(|e| conflict_or_backend(e, "portal session id already in use"))?;
        Ok(())
    }

    async fn get_portal_session(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<PortalSession>, StoreError> {
        let row = sqlx::query(sql::SELECT_PORTAL_SESSION)
            .bind(id_hash.to_string())
            .bind(now)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(portal_session_from_row).transpose()
    }

    async fn delete_portal_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sqlx::query(sql::DELETE_PORTAL_SESSION)
            .bind(id_hash.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn push_outbox(&self, msg: &OutboxMessage) -> Result<i64, StoreError> {
        let row = sqlx::query(sql::INSERT_OUTBOX)
            .bind(msg.channel.clone())
            .bind(msg.recipient.clone())
            .bind(msg.subject.clone())
            .bind(msg.body.clone())
            .bind(msg.created_at)
            .fetch_one(&self.writer)
            .await
            .map_err(backend)?;
        row.try_get::<i64, _>(0).map_err(backend)
    }

    async fn list_outbox(
        &self,
        recipient: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let query = match recipient {
            Some(to) => sqlx::query(sql::LIST_OUTBOX_TO).bind(to.to_string()),
            None => sqlx::query(sql::LIST_OUTBOX),
        };
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(outbox_from_row).collect()
    }

    async fn create_admin(&self, admin: &Admin) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_ADMIN)
            .bind(admin.username.clone())
            .bind(admin.password_hash.clone())
            .bind(admin.created_at)
            .execute(&self.writer)
            .await
            .map_err(|e| {
                conflict_or_backend(e, &format!("admin {} already exists", admin.username))
            })?;
        Ok(())
    }

    async fn get_admin(&self, username: &str) -> Result<Option<Admin>, StoreError> {
        let row = sqlx::query(sql::SELECT_ADMIN)
            .bind(username.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(admin_from_row).transpose()
    }

    async fn list_gstins_by_pan(&self, pan: &str) -> Result<Vec<GstinRecord>, StoreError> {
        let rows = sqlx::query(sql::LIST_GSTINS_BY_PAN)
            .bind(pan.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(gstin_from_row).collect()
    }

    async fn list_users_by_owner(&self, owner_client: &str) -> Result<Vec<ApiUser>, StoreError> {
        let rows = sqlx::query(sql::LIST_USERS_BY_OWNER)
            .bind(owner_client.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn list_user_clients(&self, username: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(sql::LIST_USER_CLIENTS)
            .bind(username.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(backend))
            .collect()
    }

    async fn set_client_secret(
        &self,
        client_id: &str,
        secret_hash: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(sql::SET_CLIENT_SECRET)
            .bind(client_id.to_string())
            .bind(secret_hash.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_client_ips(&self, client_id: &str, ips: &[String]) -> Result<bool, StoreError> {
        let done = sqlx::query(sql::SET_CLIENT_IPS)
            .bind(client_id.to_string())
            .bind(join_ips(ips)?)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_user_password(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        let done = sqlx::query(sql::SET_USER_PASSWORD)
            .bind(username.to_string())
            .bind(hash.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        delete_user_sessions(&mut tx, username).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn set_user_active(&self, username: &str, active: bool) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        let done = sqlx::query(sql::SET_USER_ACTIVE)
            .bind(username.to_string())
            .bind(active)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        if !active {
            delete_user_sessions(&mut tx, username).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn link_gsp(&self, taxpayer_client: &str, gsp_client: &str) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        sqlx::query(sql::INSERT_GSP_LINK)
            .bind(taxpayer_client.to_string())
            .bind(gsp_client.to_string())
            .bind(unix_now())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        sqlx::query(sql::INSERT_OWNED_USERS_CLIENT)
            .bind(taxpayer_client.to_string())
            .bind(gsp_client.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn unlink_gsp(
        &self,
        taxpayer_client: &str,
        gsp_client: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        let done = sqlx::query(sql::DELETE_GSP_LINK)
            .bind(taxpayer_client.to_string())
            .bind(gsp_client.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        // Without a link there is no access that came from it; leave explicit mappings alone.
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        for statement in [
            sql::DELETE_OWNED_USERS_CLIENT,
            sql::DELETE_OWNED_USERS_SESSIONS,
        ] {
            sqlx::query(statement)
                .bind(taxpayer_client.to_string())
                .bind(gsp_client.to_string())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn list_gsp_links(&self, taxpayer_client: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(sql::LIST_GSP_LINKS)
            .bind(taxpayer_client.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(backend))
            .collect()
    }

    async fn list_sessions_for(
        &self,
        client_id: &str,
        now: i64,
    ) -> Result<Vec<Session>, StoreError> {
        let rows = sqlx::query(sql::LIST_SESSIONS_FOR)
            .bind(client_id.to_string())
            .bind(now)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter().map(session_from_row).collect()
    }

    async fn revoke_session(&self, token: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(sql::DELETE_SESSION)
            .bind(token.to_string())
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() == 1)
    }

    async fn purge_expired(
        &self,
        now: i64,
        otps_before: i64,
        pending_before: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        let mut deleted = 0;
        for (statement, bound) in [
            (sql::PURGE_PORTAL_SESSIONS, now),
            (sql::PURGE_ADMIN_LOGIN_FAILURES, now),
            (sql::PURGE_OTPS, otps_before),
            (sql::PURGE_PENDING_DEVELOPERS, pending_before),
        ] {
            deleted += sqlx::query(statement)
                .bind(bound)
                .execute(&mut *tx)
                .await
                .map_err(backend)?
                .rows_affected();
        }
        tx.commit().await.map_err(backend)?;
        Ok(deleted)
    }

    async fn deployment_key(&self, purpose: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar(sql::SELECT_DEPLOYMENT_KEY)
            .bind(purpose.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)
    }

    async fn record_deployment_key(
        &self,
        purpose: &str,
        fingerprint: &str,
        now: i64,
        replace: bool,
    ) -> Result<String, StoreError> {
        let statement = sql::record_deployment_key(replace);
        let mut tx = self.writer.begin_with(BEGIN_WRITE).await.map_err(backend)?;
        sqlx::query(statement)
            .bind(purpose.to_string())
            .bind(fingerprint.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        let recorded = sqlx::query_scalar(sql::SELECT_DEPLOYMENT_KEY)
            .bind(purpose.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(recorded)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query(sql::PING)
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        Ok(())
    }

    fn pool_usage(&self) -> Vec<PoolUsage> {
        vec![
            PoolUsage::of("reader", &self.reader),
            PoolUsage::of("writer", &self.writer),
        ]
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
    bind_client(sqlx::query(sql::INSERT_CLIENT), client)?
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
    // A portal user also gets every GSP client its owner has linked so far; link_gsp covers
    // links made later.
    if let Some(owner) = &user.owner_client {
        sqlx::query(sql::INSERT_USER_GSP_CLIENTS)
            .bind(user.username.clone())
            .bind(owner.clone())
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
    }
    Ok(())
}

/// Ends every session of the user (password change, disabling).
async fn delete_user_sessions(
    conn: &mut SqliteConnection,
    username: &str,
) -> Result<(), StoreError> {
    sqlx::query(sql::DELETE_USER_SESSIONS)
        .bind(username.to_string())
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(())
}

/// The wall clock, only for bookkeeping columns whose trait call carries no `now` (a link's
/// created_at); no rule depends on it.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
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

/// Why a cancel changed nothing: the row is not active, an active e-way bill stands on it, or there
/// is no row.
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
        Some(row) => {
            let record = einvoice_from_row(&row)?;
            Ok(if record.status == "ACT" {
                CancelOutcome::EwbActive(record)
            } else {
                CancelOutcome::NotActive(record)
            })
        }
        None => Ok(CancelOutcome::NotFound),
    }
}
