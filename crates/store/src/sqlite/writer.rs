//! Group commit for e-invoice and e-way bill inserts.
//!
//! Callers send their row with a oneshot reply channel. One task drains whatever is
//! waiting (up to [`MAX_BATCH`] rows), inserts all of it in ONE transaction on the
//! single writer connection, commits once (one fsync for the whole batch) and only
//! then answers. While a batch commits, the next one queues up, so batches grow
//! with load and no artificial delay is needed. An e-way bill made with its IRN
//! thus costs no fsync of its own.

use sqlx::error::ErrorKind;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::BEGIN_WRITE;
use super::rows::{bind_einvoice, bind_ewaybill, einvoice_from_row, ewaybill_from_row};
use crate::error::backend;
use crate::{EInvoice, EwayBill, EwbInsertOutcome, InsertOutcome, InsertWithEwb, StoreError, sql};

/// Largest batch committed at once; bounds the time other writers wait.
pub(crate) const MAX_BATCH: usize = 256;

pub(crate) type Reply = oneshot::Sender<Result<InsertOutcome, StoreError>>;
pub(crate) type EwbReply = oneshot::Sender<Result<EwbInsertOutcome, StoreError>>;
pub(crate) type BothReply = oneshot::Sender<Result<InsertWithEwb, StoreError>>;

pub(crate) enum WriteCmd {
    Insert {
        row: Box<EInvoice>,
        reply: Reply,
    },
    InsertEwb {
        bill: Box<EwayBill>,
        reply: EwbReply,
    },
    /// An e-invoice and the e-way bill made with it: the bill is tried only if the e-invoice is new.
    InsertWithEwb {
        row: Box<EInvoice>,
        bill: Box<EwayBill>,
        reply: BothReply,
    },
    /// Commit everything queued before this command, then stop.
    Shutdown {
        done: oneshot::Sender<()>,
    },
}

/// A row waiting in a batch, with the caller to answer.
pub(crate) enum Pending {
    Invoice(Box<EInvoice>, Reply),
    Ewb(Box<EwayBill>, EwbReply),
    InvoiceWithEwb(Box<EInvoice>, Box<EwayBill>, BothReply),
}

/// What one row of a batch came to.
#[expect(
    clippy::large_enum_variant,
    reason = "a batch holds at most MAX_BATCH of these, briefly; boxing would only complicate matching"
)]
enum Done {
    Invoice(Result<InsertOutcome, StoreError>),
    Ewb(Result<EwbInsertOutcome, StoreError>),
    InvoiceWithEwb(Result<InsertWithEwb, StoreError>),
}

impl Pending {
    /// Answers the caller. A caller that gave up waiting is not an error for the others.
    fn answer(self, done: Done) {
        match (self, done) {
            (Pending::Invoice(_, reply), Done::Invoice(r)) => {
                let _ = reply.send(r);
            }
            (Pending::Ewb(_, reply), Done::Ewb(r)) => {
                let _ = reply.send(r);
            }
            (Pending::InvoiceWithEwb(_, _, reply), Done::InvoiceWithEwb(r)) => {
                let _ = reply.send(r);
            }
            // Results are made in the order and kind of the batch; anything else is a bug here.
            (pending, _) => pending.fail(StoreError::Backend(
                "insert batch answered out of order".to_string(),
            )),
        }
    }

    /// Answers the caller with `err`.
    fn fail(self, err: StoreError) {
        match self {
            Pending::Invoice(_, reply) => {
                let _ = reply.send(Err(err));
            }
            Pending::Ewb(_, reply) => {
                let _ = reply.send(Err(err));
            }
            Pending::InvoiceWithEwb(_, _, reply) => {
                let _ = reply.send(Err(err));
            }
        }
    }
}

/// The writer task: runs until the channel closes or a Shutdown arrives.
pub(crate) async fn run(pool: SqlitePool, mut rx: mpsc::Receiver<WriteCmd>) {
    let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
    loop {
        let Some(first) = rx.recv().await else { return };
        let shutdown = collect(first, &mut rx, &mut batch);
        commit_batch(&pool, &mut batch).await;
        if let Some(done) = shutdown {
            // Rows sent after close() are dropped with the receiver; their callers
            // get an error instead of an acknowledgement.
            rx.close();
            let _ = done.send(());
            return;
        }
    }
}

/// Moves `first` and everything already waiting (up to MAX_BATCH) into `batch`.
/// Returns the Shutdown acknowledgement if one was met.
fn collect(
    first: WriteCmd,
    rx: &mut mpsc::Receiver<WriteCmd>,
    batch: &mut Vec<Pending>,
) -> Option<oneshot::Sender<()>> {
    let mut next = Some(first);
    while let Some(cmd) = next.take() {
        match cmd {
            WriteCmd::Insert { row, reply } => batch.push(Pending::Invoice(row, reply)),
            WriteCmd::InsertEwb { bill, reply } => batch.push(Pending::Ewb(bill, reply)),
            WriteCmd::InsertWithEwb { row, bill, reply } => {
                batch.push(Pending::InvoiceWithEwb(row, bill, reply));
            }
            WriteCmd::Shutdown { done } => return Some(done),
        }
        if batch.len() < MAX_BATCH {
            next = rx.try_recv().ok();
        }
    }
    None
}

/// Inserts and commits `batch`, then answers every caller. Empties `batch`.
async fn commit_batch(pool: &SqlitePool, batch: &mut Vec<Pending>) {
    if batch.is_empty() {
        return;
    }
    match write_batch(pool, batch).await {
        Ok(outcomes) => {
            for (pending, done) in batch.drain(..).zip(outcomes) {
                pending.answer(done);
            }
        }
        Err(err) => {
            tracing::error!(error = %err, rows = batch.len(), "insert batch failed");
            let err = StoreError::Backend(format!("insert batch not committed: {err}"));
            for pending in batch.drain(..) {
                pending.fail(err.clone());
            }
        }
    }
}

/// One transaction for the whole batch. The outer error means nothing was committed;
/// inner errors belong to single rows (constraint violations) that did not stop the rest.
async fn write_batch(pool: &SqlitePool, batch: &[Pending]) -> Result<Vec<Done>, sqlx::Error> {
    let mut tx: Transaction<'static, Sqlite> = pool.begin_with(BEGIN_WRITE).await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for pending in batch {
        outcomes.push(match pending {
            Pending::Invoice(row, _) => Done::Invoice(insert_one(&mut tx, row).await?),
            Pending::Ewb(bill, _) => Done::Ewb(insert_ewb(&mut tx, bill).await?),
            Pending::InvoiceWithEwb(row, bill, _) => {
                Done::InvoiceWithEwb(match insert_one(&mut tx, row).await? {
                    Ok(InsertOutcome::Inserted) => Ok(InsertWithEwb {
                        invoice: InsertOutcome::Inserted,
                        ewb: Some(insert_ewb(&mut tx, bill).await?),
                    }),
                    Ok(duplicate) => Ok(InsertWithEwb {
                        invoice: duplicate,
                        ewb: None,
                    }),
                    Err(e) => Err(e),
                })
            }
        });
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// Records an e-way bill inside the batch transaction if its IRN is active (possibly inserted
/// earlier in this batch) and has no active e-way bill.
async fn insert_ewb(
    conn: &mut SqliteConnection,
    bill: &EwayBill,
) -> Result<Result<EwbInsertOutcome, StoreError>, sqlx::Error> {
    let status = sqlx::query(sql::SELECT_EINVOICE_STATUS)
        .bind(bill.irn.clone())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(status) = status else {
        return Ok(Ok(EwbInsertOutcome::IrnNotFound));
    };
    if sqlx::Row::try_get::<String, _>(&status, 0)? != "ACT" {
        return Ok(Ok(EwbInsertOutcome::IrnNotActive));
    }
    let active = sqlx::query(sql::SELECT_ACTIVE_EWAYBILL_FOR_IRN)
        .bind(bill.irn.clone())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = active {
        return Ok(ewaybill_from_row(&row).map(EwbInsertOutcome::AlreadyActive));
    }
    let inserted = bind_ewaybill(sqlx::query(sql::INSERT_EWAYBILL), bill)
        .execute(&mut *conn)
        .await;
    match inserted {
        Ok(_) => Ok(Ok(EwbInsertOutcome::Inserted)),
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(Err(
            StoreError::Conflict(format!("e-way bill number {} is taken", bill.ewb_no)),
        )),
        Err(err) => Err(err),
    }
}

/// Inserts one row inside the batch transaction. An IRN already present (committed
/// earlier or earlier in this batch) yields Duplicate with that row.
async fn insert_one(
    conn: &mut SqliteConnection,
    row: &EInvoice,
) -> Result<Result<InsertOutcome, StoreError>, sqlx::Error> {
    let inserted = bind_einvoice(sqlx::query(sql::INSERT_EINVOICE), row)
        .execute(&mut *conn)
        .await;
    match inserted {
        Ok(done) if done.rows_affected() == 1 => Ok(Ok(InsertOutcome::Inserted)),
        Ok(_) => Ok(existing(conn, &row.irn).await?),
        Err(err) => row_error(err, row),
    }
}

/// Reads the row that blocked an insert on its IRN.
async fn existing(
    conn: &mut SqliteConnection,
    irn: &str,
) -> Result<Result<InsertOutcome, StoreError>, sqlx::Error> {
    let found = sqlx::query(sql::SELECT_EINVOICE)
        .bind(irn.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match found {
        Some(r) => einvoice_from_row(&r).map(InsertOutcome::Duplicate),
        None => Err(StoreError::Backend(format!(
            "insert of IRN {irn} was ignored but no row holds it"
        ))),
    })
}

/// Constraint violations roll back only their statement in SQLite, so they fail
/// just this row. Anything else (I/O, full disk) may have ended the transaction,
/// so it fails the whole batch.
fn row_error(
    err: sqlx::Error,
    row: &EInvoice,
) -> Result<Result<InsertOutcome, StoreError>, sqlx::Error> {
    let sqlx::Error::Database(db) = &err else {
        return Err(err);
    };
    if db.is_unique_violation() {
        return Ok(Err(StoreError::Conflict(format!(
            "AckNo {} is already used by another IRN",
            row.ack_no
        ))));
    }
    let row_only = matches!(
        db.kind(),
        ErrorKind::CheckViolation | ErrorKind::NotNullViolation | ErrorKind::ForeignKeyViolation
    );
    if row_only {
        return Ok(Err(backend(err)));
    }
    Err(err)
}

#[cfg(test)]
mod tests {
    //! Batches built by hand, so the same-batch cases are certain to be same-batch.

    use super::*;
    use crate::sqlite::{SqliteOptions, SqliteStore};

    fn row(irn: char, ack_no: i64) -> EInvoice {
        EInvoice {
            irn: irn.to_string().repeat(64),
            seller_gstin: "29AAACB1234C1Z5".to_string(),
            buyer_gstin: "27AAACB1234C1Z7".to_string(),
            doc_type: "INV".to_string(),
            doc_no: format!("D-{ack_no}"),
            doc_date: "01/04/2025".to_string(),
            fin_year: "2025-26".to_string(),
            ack_no,
            ack_dt: 1_750_000_000,
            signed_invoice: "si".to_string(),
            signed_qr: "sq".to_string(),
            status: "ACT".to_string(),
            cancel_reason: None,
            cancel_remark: None,
            cancelled_at: None,
            total_inv_value: "1.00".to_string(),
            created_by_user: "u".to_string(),
            created_by_client: "c".to_string(),
        }
    }

    type Answer = oneshot::Receiver<Result<InsertOutcome, StoreError>>;

    fn pending(rows: &[EInvoice]) -> (Vec<Pending>, Vec<Answer>) {
        rows.iter()
            .map(|r| {
                let (reply, answer) = oneshot::channel();
                (Pending::Invoice(Box::new(r.clone()), reply), answer)
            })
            .unzip()
    }

    async fn store(dir: &tempfile::TempDir) -> SqliteStore {
        let options = SqliteOptions {
            durable: false,
            ..SqliteOptions::default()
        };
        SqliteStore::open_with(&dir.path().join("w.db"), options)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn within_one_batch_the_first_irn_wins_and_row_errors_stay_local() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let rows = [row('a', 1), row('a', 2), row('b', 1), row('c', 3)];
        let (mut batch, answers) = pending(&rows);
        commit_batch(&store.writer, &mut batch).await;

        let mut results = Vec::new();
        for answer in answers {
            results.push(answer.await.unwrap());
        }
        assert_eq!(results[0], Ok(InsertOutcome::Inserted));
        assert_eq!(results[1], Ok(InsertOutcome::Duplicate(rows[0].clone())));
        assert!(matches!(results[2], Err(StoreError::Conflict(_))));
        assert_eq!(results[3], Ok(InsertOutcome::Inserted));
        assert!(batch.is_empty());
    }

    fn bill(ewb_no: i64, irn: char) -> EwayBill {
        EwayBill {
            ewb_no,
            irn: irn.to_string().repeat(64),
            gen_gstin: "29AAACB1234C1Z5".to_string(),
            ewb_dt: 1_750_000_100,
            valid_till: None,
            status: "ACT".to_string(),
            distance_km: 10,
            trans_mode: None,
            trans_id: Some("29AAACB1234C1Z5".to_string()),
            trans_name: None,
            trans_doc_no: None,
            trans_doc_dt: None,
            vehicle_no: None,
            vehicle_type: None,
            from_pin: None,
            to_pin: None,
            cancel_reason: None,
            cancel_remark: None,
            cancelled_at: None,
            created_by_user: "u".to_string(),
            created_by_client: "c".to_string(),
        }
    }

    #[tokio::test]
    async fn an_ewaybill_may_follow_its_irn_in_the_same_batch() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let (mut batch, invoice_answers) = pending(&[row('a', 1)]);
        let mut ewb_answers = Vec::new();
        for b in [
            bill(100_000_000_001, 'a'),
            bill(100_000_000_002, 'a'),
            bill(100_000_000_003, 'z'),
        ] {
            let (reply, answer) = oneshot::channel();
            batch.push(Pending::Ewb(Box::new(b), reply));
            ewb_answers.push(answer);
        }
        commit_batch(&store.writer, &mut batch).await;
        assert_eq!(
            invoice_answers.into_iter().next().unwrap().await.unwrap(),
            Ok(InsertOutcome::Inserted)
        );
        let mut outcomes = Vec::new();
        for a in ewb_answers {
            outcomes.push(a.await.unwrap().unwrap());
        }
        assert_eq!(outcomes[0], EwbInsertOutcome::Inserted);
        assert_eq!(
            outcomes[1],
            EwbInsertOutcome::AlreadyActive(bill(100_000_000_001, 'a'))
        );
        assert_eq!(outcomes[2], EwbInsertOutcome::IrnNotFound);
    }

    #[tokio::test]
    async fn a_failed_batch_answers_every_caller_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        store.writer.close().await;
        let (mut batch, answers) = pending(&[row('a', 1), row('b', 2)]);
        commit_batch(&store.writer, &mut batch).await;
        for answer in answers {
            assert!(matches!(answer.await.unwrap(), Err(StoreError::Backend(_))));
        }
    }
}
