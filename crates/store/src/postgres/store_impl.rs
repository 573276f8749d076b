//! [`Store`] for [`PgStore`]: every operation is one attempt (an async block) run by the
//! `retrying!` macro, which decides in one place ([`PgStore::settle`]) whether a failed attempt
//! may run again.

use async_trait::async_trait;
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};

use super::rows::{
    admin_from_row, bind_client, bind_developer, bind_einvoice, bind_ewaybill, bind_gstin,
    bind_otp, bind_session, bind_user, client_from_row, developer_from_row, einvoice_from_row,
    ewaybill_from_row, gstin_from_row, join_ips, otp_from_row, outbox_from_row,
    portal_session_from_row, session_auth_from_row, session_from_row, user_from_row,
};
use super::{PgStore, pause};
use crate::error::backend;
use crate::{
    Admin, ApiClient, ApiUser, CancelOutcome, Developer, EInvoice, EwayBill, EwbCancelOutcome,
    EwbInsertOutcome, GstinRecord, InsertOutcome, InsertWithEwb, Otp, OtpUse, OutboxMessage,
    PoolUsage, PortalSession, Session, SessionAuth, Store, StoreError, TaxpayerBundle, sql,
};

/// PostgreSQL only (SQLite has no row locks): locks the e-invoice row and reads its status. Taken
/// by `insert_ewaybill` and `insert_einvoice_with_ewaybill` before they look for an active e-way
/// bill, and by `cancel_einvoice` before its UPDATE. The shared CANCEL_EINVOICE alone is not
/// enough under READ COMMITTED: its `NOT EXISTS (active bill)` is evaluated with the snapshot
/// taken when the statement started, so if an e-way bill transaction held the row lock (FOR
/// UPDATE does not change the row, so no re-check happens) the cancel would still go through
/// once that bill committed. Taking the lock first makes the UPDATE start after the bill is
/// visible.
const LOCK_EINVOICE: &str = "SELECT status FROM einvoices WHERE irn = $1 FOR UPDATE";

/// Why one attempt failed.
pub(super) enum Fail {
    /// Failed before anything could commit (a failed statement, a refused connection, a
    /// transaction that rolled back): trying again cannot apply the write twice.
    Before(sqlx::Error),
    /// The connection failed while a COMMIT or a lone autocommit write was in flight: the write
    /// may or may not have been applied.
    InDoubt(sqlx::Error),
    /// A final answer (a Conflict, a corrupt row): returned as it is.
    Final(StoreError),
}

impl From<StoreError> for Fail {
    fn from(err: StoreError) -> Self {
        Fail::Final(err)
    }
}

/// Whether an operation may run again when its commit is in doubt.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Replay {
    /// Running it twice leaves the same rows and gives the same answer (reads, plain setters,
    /// UPSERTs keyed on the written values).
    Safe,
    /// Running it twice could apply it twice or answer differently: not retried when in doubt.
    Unsafe,
}

/// Runs the attempt expression `$op` (a future, built anew for each attempt) until
/// [`PgStore::settle`] accepts its result.
macro_rules! retrying {
    ($store:expr, $replay:expr, $op:expr) => {{
        let mut attempt = 0;
        loop {
            if let Some(answer) = $store.settle($op.await, $replay, &mut attempt).await {
                break answer;
            }
        }
    }};
}

impl PgStore {
    /// Settles one attempt: `Some(answer)` to return, or `None` after pausing to try again.
    async fn settle<T>(
        &self,
        result: Result<T, Fail>,
        replay: Replay,
        attempt: &mut u32,
    ) -> Option<Result<T, StoreError>> {
        let err = match result {
            Ok(value) => return Some(Ok(value)),
            Err(Fail::Final(err)) => return Some(Err(err)),
            Err(Fail::Before(err)) => err,
            Err(Fail::InDoubt(err)) if replay == Replay::Safe => err,
            Err(Fail::InDoubt(err)) => {
                return Some(Err(StoreError::Backend(format!(
                    "connection lost while committing; the write may or may not have been \
                     applied: {err}"
                ))));
            }
        };
        if !transient(&err) || *attempt >= self.retries {
            return Some(Err(backend(err)));
        }
        *attempt += 1;
        tracing::warn!(error = %err, attempt = *attempt, "retrying PostgreSQL operation");
        tokio::time::sleep(pause(*attempt)).await;
        if !matches!(&err, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("40")))
        {
            self.drop_dead_connections().await;
        }
        None
    }

    /// After a broken connection: a server restart or failover breaks every pooled connection at
    /// once, and connections are not pinged before use (that would cost a round trip on every
    /// operation), so the retry would likely draw another dead one. Ping the idle connections
    /// now and close those that do not answer; the pool opens fresh ones as needed.
    async fn drop_dead_connections(&self) {
        let mut alive = Vec::new();
        for _ in 0..self.pool.num_idle() {
            let Some(mut conn) = self.pool.try_acquire() else {
                break;
            };
            if conn.ping().await.is_err() {
                conn.close_on_drop();
            } else {
                alive.push(conn);
            }
        }
    }
}

/// Errors worth another attempt: serialization failure, deadlock, a broken or refused connection,
/// a server shutting down, no pooled connection in time. A closed pool is final.
fn transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            matches!(&*code, "40001" | "40P01" | "57P01" | "57P02" | "57P03")
                || code.starts_with("08")
        }),
        _ => false,
    }
}

/// Classifies an error from a COMMIT or an autocommit write. An error the server reported, or
/// one raised before a connection was had, means nothing was applied; anything else (the
/// connection dropped) leaves the outcome unknown.
fn sent(err: sqlx::Error) -> Fail {
    match err {
        sqlx::Error::Database(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            Fail::Before(err)
        }
        _ => Fail::InDoubt(err),
    }
}

/// A unique violation inside a transaction: Conflict with `what`.
fn conflict(err: sqlx::Error, what: impl FnOnce() -> String) -> Fail {
    if is_unique(&err) {
        Fail::Final(StoreError::Conflict(what()))
    } else {
        Fail::Before(err)
    }
}

/// A unique violation of an autocommit write: Conflict with `what`; otherwise as [`sent`].
fn sent_conflict(err: sqlx::Error, what: impl FnOnce() -> String) -> Fail {
    if is_unique(&err) {
        Fail::Final(StoreError::Conflict(what()))
    } else {
        sent(err)
    }
}

fn is_unique(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Shorthand for errors that cannot have applied anything (reads, statements in a transaction).
use Fail::Before as before;

#[async_trait]
impl Store for PgStore {
    async fn put_gstin(&self, rec: &GstinRecord) -> Result<(), StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            bind_gstin(sqlx::query(sql::UPSERT_GSTIN), rec)
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(())
        })
    }

    async fn get_gstin(&self, gstin: &str) -> Result<Option<GstinRecord>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_GSTIN)
                .bind(gstin.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(gstin_from_row).transpose()?)
        })
    }

    async fn create_client(&self, client: &ApiClient) -> Result<(), StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            bind_client(sqlx::query(sql::INSERT_CLIENT), client)?
                .execute(&mut *conn)
                .await
                .map_err(|e| {
                    sent_conflict(e, || format!("client {} already exists", client.client_id))
                })?;
            Ok(())
        })
    }

    async fn get_client(&self, client_id: &str) -> Result<Option<ApiClient>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_CLIENT)
                .bind(client_id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(client_from_row).transpose()?)
        })
    }

    async fn create_user(&self, user: &ApiUser, client_ids: &[String]) -> Result<(), StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            insert_user(&mut tx, user, client_ids).await?;
            tx.commit().await.map_err(sent)
        })
    }

    async fn get_user(&self, username: &str) -> Result<Option<ApiUser>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_USER)
                .bind(username.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(user_from_row).transpose()?)
        })
    }

    async fn user_has_client(&self, username: &str, client_id: &str) -> Result<bool, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_USER_HAS_CLIENT)
                .bind(username.to_string())
                .bind(client_id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.is_some())
        })
    }

    async fn create_taxpayer(&self, bundle: &TaxpayerBundle) -> Result<(), StoreError> {
        retrying!(self, Replay::Unsafe, async {
            // Dropping the transaction on any error rolls everything back.
            let mut tx = self.pool.begin().await.map_err(before)?;
            bind_gstin(sqlx::query(sql::INSERT_GSTIN), &bundle.gstin)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    conflict(e, || format!("GSTIN {} already exists", bundle.gstin.gstin))
                })?;
            insert_client(&mut tx, &bundle.client).await?;
            insert_user(
                &mut tx,
                &bundle.user,
                std::slice::from_ref(&bundle.client.client_id),
            )
            .await?;
            tx.commit().await.map_err(sent)
        })
    }

    async fn issue_session(
        &self,
        candidate: &Session,
        now: i64,
        force_refresh: bool,
        refresh_window_secs: i64,
    ) -> Result<Session, StoreError> {
        let threshold = replace_threshold(now, force_refresh, refresh_window_secs);
        // Safe to replay: if a lost COMMIT did store the candidate, the retry finds it valid
        // (or replaces it with itself) and answers it.
        retrying!(self, Replay::Safe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            // ON CONFLICT DO UPDATE locks the key's row even when its WHERE keeps the row, so
            // the SELECT below reads the session that stays.
            let written = bind_session(sqlx::query(sql::UPSERT_SESSION), candidate)
                .bind(threshold)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| conflict(e, || "session token already in use".to_string()))?;
            let session = match written {
                Some(_) => candidate.clone(),
                None => current_session(&mut tx, candidate).await?,
            };
            tx.commit().await.map_err(sent)?;
            Ok(session)
        })
    }

    async fn session_by_token(&self, token: &str) -> Result<Option<SessionAuth>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_SESSION_AUTH)
                .bind(token.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(session_auth_from_row).transpose()?)
        })
    }

    async fn reserve_sequence(&self, name: &str, count: i64) -> Result<i64, StoreError> {
        if count <= 0 {
            return Err(StoreError::Backend(format!(
                "sequence {name}: count must be positive, got {count}"
            )));
        }
        // Not replayed when in doubt: a second reservation would be a different block.
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let row = sqlx::query(sql::RESERVE_SEQUENCE)
                .bind(name.to_string())
                .bind(count)
                .fetch_one(&mut *conn)
                .await
                .map_err(sent)?;
            row.try_get::<i64, _>(0).map_err(before)
        })
    }

    async fn insert_einvoice(&self, inv: EInvoice) -> Result<InsertOutcome, StoreError> {
        // Safe to replay even when the COMMIT is in doubt: the IRN key makes the insert
        // idempotent. A retry after a lost acknowledgement finds the row it wrote itself and
        // answers Duplicate with that row; the row is identical to `inv`, which the server then
        // treats as its own registration.
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let done = bind_einvoice(sqlx::query(sql::INSERT_EINVOICE), &inv)
                .execute(&mut *conn)
                .await
                .map_err(|e| sent_conflict(e, || ack_no_taken(&inv)))?;
            if done.rows_affected() == 1 {
                return Ok(InsertOutcome::Inserted);
            }
            existing(&mut conn, &inv.irn).await
        })
    }

    async fn insert_einvoice_with_ewaybill(
        &self,
        inv: EInvoice,
        bill: EwayBill,
    ) -> Result<InsertWithEwb, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            let done = bind_einvoice(sqlx::query(sql::INSERT_EINVOICE), &inv)
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict(e, || ack_no_taken(&inv)))?;
            if done.rows_affected() != 1 {
                let invoice = existing(&mut tx, &inv.irn).await?;
                return Ok(InsertWithEwb { invoice, ewb: None });
            }
            // A savepoint: in PostgreSQL a failed statement aborts the whole transaction, and a
            // failed e-way bill must not undo the e-invoice.
            let mut savepoint = Connection::begin(&mut *tx).await.map_err(before)?;
            let ewb = match insert_ewb(&mut savepoint, &bill).await {
                Ok(outcome) => {
                    savepoint.commit().await.map_err(before)?;
                    Ok(outcome)
                }
                Err(Fail::Final(err)) => {
                    savepoint.rollback().await.map_err(before)?;
                    Err(err)
                }
                Err(other) => return Err(other),
            };
            tx.commit().await.map_err(sent)?;
            Ok(InsertWithEwb {
                invoice: InsertOutcome::Inserted,
                ewb: Some(ewb),
            })
        })
    }

    async fn get_einvoice(&self, irn: &str) -> Result<Option<EInvoice>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_EINVOICE)
                .bind(irn.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(einvoice_from_row).transpose()?)
        })
    }

    async fn cancel_einvoice(
        &self,
        irn: &str,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<CancelOutcome, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            // The row lock orders this cancel against e-way bills being made (LOCK_EINVOICE).
            let locked = sqlx::query(LOCK_EINVOICE)
                .bind(irn.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(before)?;
            if locked.is_none() {
                return Ok(CancelOutcome::NotFound);
            }
            let updated = sqlx::query(sql::CANCEL_EINVOICE)
                .bind(irn.to_string())
                .bind(reason.to_string())
                .bind(remark.to_string())
                .bind(cancelled_at)
                .fetch_optional(&mut *tx)
                .await
                .map_err(before)?;
            let outcome = match updated {
                Some(row) => CancelOutcome::Cancelled(einvoice_from_row(&row)?),
                None => not_cancelled(&mut tx, irn).await?,
            };
            tx.commit().await.map_err(sent)?;
            Ok(outcome)
        })
    }

    async fn list_einvoices_by_seller(
        &self,
        seller_gstin: &str,
        limit: u32,
    ) -> Result<Vec<EInvoice>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_EINVOICES_BY_SELLER)
                .bind(seller_gstin.to_string())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows
                .iter()
                .map(einvoice_from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    async fn list_einvoices_for_period(
        &self,
        seller_gstin: &str,
        month: u32,
        year: i32,
    ) -> Result<Vec<EInvoice>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_EINVOICES_FOR_PERIOD)
                .bind(seller_gstin.to_string())
                .bind(format!("{month:02}/{year:04}"))
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows
                .iter()
                .map(einvoice_from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    async fn insert_ewaybill(&self, ewb: &EwayBill) -> Result<EwbInsertOutcome, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            let outcome = insert_ewb(&mut tx, ewb).await?;
            tx.commit().await.map_err(sent)?;
            Ok(outcome)
        })
    }

    async fn ewaybills_for_irn(&self, irn: &str) -> Result<Vec<EwayBill>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_EWAYBILLS_FOR_IRN)
                .bind(irn.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows
                .iter()
                .map(ewaybill_from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    async fn get_ewaybill(&self, ewb_no: i64) -> Result<Option<EwayBill>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_EWAYBILL)
                .bind(ewb_no)
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(ewaybill_from_row).transpose()?)
        })
    }

    async fn cancel_ewaybill(
        &self,
        ewb_no: i64,
        reason: &str,
        remark: &str,
        cancelled_at: i64,
    ) -> Result<EwbCancelOutcome, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            // One conditional UPDATE: a concurrent cancel waits on the row and then finds it
            // no longer ACT. Bills are never deleted, so the read below cannot miss the row.
            let updated = sqlx::query(sql::CANCEL_EWAYBILL)
                .bind(ewb_no)
                .bind(reason.to_string())
                .bind(remark.to_string())
                .bind(cancelled_at)
                .fetch_optional(&mut *conn)
                .await
                .map_err(sent)?;
            if let Some(row) = updated {
                return Ok(EwbCancelOutcome::Cancelled(ewaybill_from_row(&row)?));
            }
            let row = sqlx::query(sql::SELECT_EWAYBILL)
                .bind(ewb_no)
                .fetch_optional(&mut *conn)
                .await
                .map_err(before)?;
            Ok(match row {
                Some(row) => EwbCancelOutcome::NotActive(ewaybill_from_row(&row)?),
                None => EwbCancelOutcome::NotFound,
            })
        })
    }

    async fn create_developer(&self, dev: &Developer) -> Result<(), StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            sqlx::query(sql::DELETE_PENDING_DEVELOPER)
                .bind(dev.category.clone())
                .bind(dev.pan.clone())
                .execute(&mut *tx)
                .await
                .map_err(before)?;
            bind_developer(sqlx::query(sql::INSERT_DEVELOPER), dev)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    conflict(e, || {
                        format!(
                            "a {} developer with PAN {} already exists",
                            dev.category, dev.pan
                        )
                    })
                })?;
            tx.commit().await.map_err(sent)
        })
    }

    async fn get_developer(&self, id: &str) -> Result<Option<Developer>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_DEVELOPER)
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(developer_from_row).transpose()?)
        })
    }

    async fn get_developer_by_client(
        &self,
        client_id: &str,
    ) -> Result<Option<Developer>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_DEVELOPER_BY_CLIENT)
                .bind(client_id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(developer_from_row).transpose()?)
        })
    }

    async fn list_developers(&self, status: &str) -> Result<Vec<Developer>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_DEVELOPERS)
                .bind(status.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows
                .iter()
                .map(developer_from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    async fn set_developer_status(
        &self,
        id: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let done = sqlx::query(sql::SET_DEVELOPER_STATUS)
                .bind(id.to_string())
                .bind(from.to_string())
                .bind(to.to_string())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(done.rows_affected() == 1)
        })
    }

    async fn activate_developer(
        &self,
        id: &str,
        from: &str,
        client: &ApiClient,
    ) -> Result<bool, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            // The client goes in first so the developer's reference to it holds; if the
            // developer is not in `from`, dropping the transaction takes the client back out.
            let mut tx = self.pool.begin().await.map_err(before)?;
            insert_client(&mut tx, client).await?;
            let done = sqlx::query(sql::ACTIVATE_DEVELOPER)
                .bind(id.to_string())
                .bind(client.client_id.clone())
                .bind(from.to_string())
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    conflict(e, || {
                        format!("client {} already belongs to a developer", client.client_id)
                    })
                })?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            tx.commit().await.map_err(sent)?;
            Ok(true)
        })
    }

    async fn set_developer_password(&self, id: &str, hash: &str) -> Result<(), StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let done = sqlx::query(sql::SET_DEVELOPER_PASSWORD)
                .bind(id.to_string())
                .bind(hash.to_string())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            // A password that silently went nowhere would lock the developer out.
            if done.rows_affected() != 1 {
                return Err(Fail::Final(StoreError::Backend(format!(
                    "no developer {id}"
                ))));
            }
            Ok(())
        })
    }

    async fn record_login_failure(
        &self,
        id: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<Developer>, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let row = sqlx::query(sql::RECORD_LOGIN_FAILURE)
                .bind(id.to_string())
                .bind(now.saturating_add(lock_secs.max(0)))
                .bind(lock_after)
                .fetch_optional(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(row.as_ref().map(developer_from_row).transpose()?)
        })
    }

    async fn clear_login_failures(&self, id: &str) -> Result<(), StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query(sql::CLEAR_LOGIN_FAILURES)
                .bind(id.to_string())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(())
        })
    }

    async fn record_admin_login_failure(
        &self,
        username: &str,
        now: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<Option<i64>, StoreError> {
        let until: Option<i64> = retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query_scalar(sql::RECORD_ADMIN_LOGIN_FAILURE)
                .bind(username.to_string())
                .bind(now)
                .bind(now.saturating_add(lock_secs.max(0)))
                .bind(lock_after)
                .fetch_one(&mut *conn)
                .await
                .map_err(sent)
        })?;
        Ok(until.filter(|&until| until > now))
    }

    async fn admin_login_paused_until(
        &self,
        username: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let until: Option<Option<i64>> = retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query_scalar(sql::SELECT_ADMIN_LOGIN_PAUSE)
                .bind(username.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(before)
        })?;
        Ok(until.flatten().filter(|&until| until > now))
    }

    async fn clear_admin_login_failures(&self, username: &str) -> Result<(), StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query(sql::CLEAR_ADMIN_LOGIN_FAILURES)
                .bind(username.to_string())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(())
        })
    }

    async fn create_otp(&self, otp: &Otp) -> Result<(), StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            bind_otp(sqlx::query(sql::INSERT_OTP), otp)
                .execute(&mut *conn)
                .await
                .map_err(|e| sent_conflict(e, || format!("OTP {} already exists", otp.id)))?;
            Ok(())
        })
    }

    async fn get_otp(&self, id: &str) -> Result<Option<Otp>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_OTP)
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(otp_from_row).transpose()?)
        })
    }

    async fn count_otps_since(
        &self,
        developer_id: &str,
        purpose: &str,
        since: i64,
    ) -> Result<i64, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::COUNT_OTPS_SINCE)
                .bind(developer_id.to_string())
                .bind(purpose.to_string())
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .map_err(before)?;
            row.try_get::<i64, _>(0).map_err(before)
        })
    }

    async fn record_otp_failure(&self, id: &str) -> Result<i64, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let row = sqlx::query(sql::RECORD_OTP_FAILURE)
                .bind(id.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(sent)?;
            match row {
                Some(row) => row.try_get::<i64, _>(0).map_err(before),
                None => Ok(0),
            }
        })
    }

    async fn consume_otp(
        &self,
        id: &str,
        now: i64,
        max_attempts: i64,
    ) -> Result<OtpUse, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let done = sqlx::query(sql::CONSUME_OTP)
                .bind(id.to_string())
                .bind(now)
                .bind(max_attempts)
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(if done.rows_affected() == 1 {
                OtpUse::Consumed
            } else {
                OtpUse::Unusable
            })
        })
    }

    async fn create_portal_session(&self, session: &PortalSession) -> Result<(), StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query(sql::INSERT_PORTAL_SESSION)
                .bind(session.id_hash.clone())
                .bind(session.kind.clone())
                .bind(session.subject.clone())
                .bind(session.created_at)
                .bind(session.expires_at)
                .execute(&mut *conn)
                .await
                .map_err(|e| sent_conflict(e, || "portal session id already in use".to_string()))?;
            Ok(())
        })
    }

    async fn get_portal_session(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<PortalSession>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_PORTAL_SESSION)
                .bind(id_hash.to_string())
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(portal_session_from_row).transpose()?)
        })
    }

    async fn delete_portal_session(&self, id_hash: &str) -> Result<(), StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query(sql::DELETE_PORTAL_SESSION)
                .bind(id_hash.to_string())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(())
        })
    }

    async fn push_outbox(&self, msg: &OutboxMessage) -> Result<i64, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let row = sqlx::query(sql::INSERT_OUTBOX)
                .bind(msg.channel.clone())
                .bind(msg.recipient.clone())
                .bind(msg.subject.clone())
                .bind(msg.body.clone())
                .bind(msg.created_at)
                .fetch_one(&mut *conn)
                .await
                .map_err(sent)?;
            row.try_get::<i64, _>(0).map_err(before)
        })
    }

    async fn list_outbox(
        &self,
        recipient: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let query = match recipient {
                Some(to) => sqlx::query(sql::LIST_OUTBOX_TO).bind(to.to_string()),
                None => sqlx::query(sql::LIST_OUTBOX),
            };
            let rows = query
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows.iter().map(outbox_from_row).collect::<Result<_, _>>()?)
        })
    }

    async fn create_admin(&self, admin: &Admin) -> Result<(), StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query(sql::INSERT_ADMIN)
                .bind(admin.username.clone())
                .bind(admin.password_hash.clone())
                .bind(admin.created_at)
                .execute(&mut *conn)
                .await
                .map_err(|e| {
                    sent_conflict(e, || format!("admin {} already exists", admin.username))
                })?;
            Ok(())
        })
    }

    async fn get_admin(&self, username: &str) -> Result<Option<Admin>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let row = sqlx::query(sql::SELECT_ADMIN)
                .bind(username.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(before)?;
            Ok(row.as_ref().map(admin_from_row).transpose()?)
        })
    }

    async fn list_gstins_by_pan(&self, pan: &str) -> Result<Vec<GstinRecord>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_GSTINS_BY_PAN)
                .bind(pan.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows.iter().map(gstin_from_row).collect::<Result<_, _>>()?)
        })
    }

    async fn list_users_by_owner(&self, owner_client: &str) -> Result<Vec<ApiUser>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_USERS_BY_OWNER)
                .bind(owner_client.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows.iter().map(user_from_row).collect::<Result<_, _>>()?)
        })
    }

    async fn list_user_clients(&self, username: &str) -> Result<Vec<String>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_USER_CLIENTS)
                .bind(username.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            rows.iter()
                .map(|r| r.try_get::<String, _>(0).map_err(before))
                .collect()
        })
    }

    async fn set_client_secret(
        &self,
        client_id: &str,
        secret_hash: &str,
    ) -> Result<bool, StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let done = sqlx::query(sql::SET_CLIENT_SECRET)
                .bind(client_id.to_string())
                .bind(secret_hash.to_string())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(done.rows_affected() == 1)
        })
    }

    async fn set_client_ips(&self, client_id: &str, ips: &[String]) -> Result<bool, StoreError> {
        let stored = join_ips(ips)?;
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let done = sqlx::query(sql::SET_CLIENT_IPS)
                .bind(client_id.to_string())
                .bind(stored.clone())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(done.rows_affected() == 1)
        })
    }

    async fn set_user_password(&self, username: &str, hash: &str) -> Result<bool, StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            let done = sqlx::query(sql::SET_USER_PASSWORD)
                .bind(username.to_string())
                .bind(hash.to_string())
                .execute(&mut *tx)
                .await
                .map_err(before)?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            delete_user_sessions(&mut tx, username).await?;
            tx.commit().await.map_err(sent)?;
            Ok(true)
        })
    }

    async fn set_user_active(&self, username: &str, active: bool) -> Result<bool, StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            let done = sqlx::query(sql::SET_USER_ACTIVE)
                .bind(username.to_string())
                .bind(active)
                .execute(&mut *tx)
                .await
                .map_err(before)?;
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            if !active {
                delete_user_sessions(&mut tx, username).await?;
            }
            tx.commit().await.map_err(sent)?;
            Ok(true)
        })
    }

    async fn link_gsp(&self, taxpayer_client: &str, gsp_client: &str) -> Result<(), StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            sqlx::query(sql::INSERT_GSP_LINK)
                .bind(taxpayer_client.to_string())
                .bind(gsp_client.to_string())
                .bind(unix_now())
                .execute(&mut *tx)
                .await
                .map_err(before)?;
            sqlx::query(sql::INSERT_OWNED_USERS_CLIENT)
                .bind(taxpayer_client.to_string())
                .bind(gsp_client.to_string())
                .execute(&mut *tx)
                .await
                .map_err(before)?;
            tx.commit().await.map_err(sent)
        })
    }

    async fn unlink_gsp(
        &self,
        taxpayer_client: &str,
        gsp_client: &str,
    ) -> Result<bool, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
            let done = sqlx::query(sql::DELETE_GSP_LINK)
                .bind(taxpayer_client.to_string())
                .bind(gsp_client.to_string())
                .execute(&mut *tx)
                .await
                .map_err(before)?;
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
                    .map_err(before)?;
            }
            tx.commit().await.map_err(sent)?;
            Ok(true)
        })
    }

    async fn list_gsp_links(&self, taxpayer_client: &str) -> Result<Vec<String>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_GSP_LINKS)
                .bind(taxpayer_client.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            rows.iter()
                .map(|r| r.try_get::<String, _>(0).map_err(before))
                .collect()
        })
    }

    async fn list_sessions_for(
        &self,
        client_id: &str,
        now: i64,
    ) -> Result<Vec<Session>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let rows = sqlx::query(sql::LIST_SESSIONS_FOR)
                .bind(client_id.to_string())
                .bind(now)
                .fetch_all(&self.pool)
                .await
                .map_err(before)?;
            Ok(rows
                .iter()
                .map(session_from_row)
                .collect::<Result<_, _>>()?)
        })
    }

    async fn revoke_session(&self, token: &str) -> Result<bool, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            let done = sqlx::query(sql::DELETE_SESSION)
                .bind(token.to_string())
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            Ok(done.rows_affected() == 1)
        })
    }

    async fn purge_expired(
        &self,
        now: i64,
        otps_before: i64,
        pending_before: i64,
    ) -> Result<u64, StoreError> {
        retrying!(self, Replay::Unsafe, async {
            let mut tx = self.pool.begin().await.map_err(before)?;
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
                    .map_err(before)?
                    .rows_affected();
            }
            tx.commit().await.map_err(sent)?;
            Ok(deleted)
        })
    }

    async fn deployment_key(&self, purpose: &str) -> Result<Option<String>, StoreError> {
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query_scalar(sql::SELECT_DEPLOYMENT_KEY)
                .bind(purpose.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(before)
        })
    }

    async fn record_deployment_key(
        &self,
        purpose: &str,
        fingerprint: &str,
        now: i64,
        replace: bool,
    ) -> Result<String, StoreError> {
        let statement = sql::record_deployment_key(replace);
        // Both statements give the same rows when run again.
        retrying!(self, Replay::Safe, async {
            let mut conn = self.pool.acquire().await.map_err(before)?;
            sqlx::query(statement)
                .bind(purpose.to_string())
                .bind(fingerprint.to_string())
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(sent)?;
            sqlx::query_scalar(sql::SELECT_DEPLOYMENT_KEY)
                .bind(purpose.to_string())
                .fetch_one(&mut *conn)
                .await
                .map_err(before)
        })
    }

    async fn ping(&self) -> Result<(), StoreError> {
        retrying!(self, Replay::Safe, async {
            sqlx::query(sql::PING)
                .fetch_one(&self.pool)
                .await
                .map_err(before)?;
            Ok(())
        })
    }

    fn pool_usage(&self) -> Vec<PoolUsage> {
        vec![PoolUsage::of("main", &self.pool)]
    }

    async fn close(&self) {
        PgStore::close(self).await
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

fn ack_no_taken(inv: &EInvoice) -> String {
    format!("AckNo {} is already used by another IRN", inv.ack_no)
}

/// Inserts one client inside a transaction; Conflict if the id exists.
async fn insert_client(conn: &mut PgConnection, client: &ApiClient) -> Result<(), Fail> {
    bind_client(sqlx::query(sql::INSERT_CLIENT), client)?
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict(e, || format!("client {} already exists", client.client_id)))?;
    Ok(())
}

/// Inserts one user and its client mappings inside a transaction; Conflict if the username
/// exists.
async fn insert_user(
    conn: &mut PgConnection,
    user: &ApiUser,
    client_ids: &[String],
) -> Result<(), Fail> {
    bind_user(sqlx::query(sql::INSERT_USER), user)
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict(e, || format!("user {} already exists", user.username)))?;
    for client_id in client_ids {
        sqlx::query(sql::INSERT_USER_CLIENT)
            .bind(user.username.clone())
            .bind(client_id.clone())
            .execute(&mut *conn)
            .await
            .map_err(before)?;
    }
    // A portal user also gets every GSP client its owner has linked so far; link_gsp covers
    // links made later.
    if let Some(owner) = &user.owner_client {
        sqlx::query(sql::INSERT_USER_GSP_CLIENTS)
            .bind(user.username.clone())
            .bind(owner.clone())
            .execute(&mut *conn)
            .await
            .map_err(before)?;
    }
    Ok(())
}

/// Ends every session of the user (password change, disabling).
async fn delete_user_sessions(conn: &mut PgConnection, username: &str) -> Result<(), Fail> {
    sqlx::query(sql::DELETE_USER_SESSIONS)
        .bind(username.to_string())
        .execute(&mut *conn)
        .await
        .map_err(before)?;
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
async fn current_session(conn: &mut PgConnection, key: &Session) -> Result<Session, Fail> {
    let row = sqlx::query(sql::SELECT_SESSION_BY_KEY)
        .bind(key.client_id.clone())
        .bind(key.username.clone())
        .bind(key.gstin.clone())
        .fetch_one(&mut *conn)
        .await
        .map_err(before)?;
    Ok(session_from_row(&row)?)
}

/// Reads the row that blocked an insert on its IRN.
async fn existing(conn: &mut PgConnection, irn: &str) -> Result<InsertOutcome, Fail> {
    let found = sqlx::query(sql::SELECT_EINVOICE)
        .bind(irn.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(before)?;
    match found {
        Some(r) => Ok(InsertOutcome::Duplicate(einvoice_from_row(&r)?)),
        None => Err(Fail::Final(StoreError::Backend(format!(
            "insert of IRN {irn} was ignored but no row holds it"
        )))),
    }
}

/// Records an e-way bill inside the caller's transaction if its IRN is active and has no active
/// e-way bill. The e-invoice row stays locked until the caller commits.
async fn insert_ewb(conn: &mut PgConnection, bill: &EwayBill) -> Result<EwbInsertOutcome, Fail> {
    let status = sqlx::query(LOCK_EINVOICE)
        .bind(bill.irn.clone())
        .fetch_optional(&mut *conn)
        .await
        .map_err(before)?;
    let Some(status) = status else {
        return Ok(EwbInsertOutcome::IrnNotFound);
    };
    if status.try_get::<String, _>(0).map_err(before)? != "ACT" {
        return Ok(EwbInsertOutcome::IrnNotActive);
    }
    let active = sqlx::query(sql::SELECT_ACTIVE_EWAYBILL_FOR_IRN)
        .bind(bill.irn.clone())
        .fetch_optional(&mut *conn)
        .await
        .map_err(before)?;
    if let Some(row) = active {
        return Ok(EwbInsertOutcome::AlreadyActive(ewaybill_from_row(&row)?));
    }
    bind_ewaybill(sqlx::query(sql::INSERT_EWAYBILL), bill)
        .execute(&mut *conn)
        .await
        .map_err(|e| conflict(e, || format!("e-way bill number {} is taken", bill.ewb_no)))?;
    Ok(EwbInsertOutcome::Inserted)
}

/// Why a cancel changed nothing: the row is not active, or an active e-way bill stands on it.
async fn not_cancelled(conn: &mut PgConnection, irn: &str) -> Result<CancelOutcome, Fail> {
    let row = sqlx::query(sql::SELECT_EINVOICE)
        .bind(irn.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(before)?;
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
