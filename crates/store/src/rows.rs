//! Binding records to statements and decoding rows back into records, once for both backends.
//!
//! The SQLite and PostgreSQL rows hold the same columns under the same names, and the records bind in
//! the same order, so the code differs only in the sqlx types: [`record_rows!`] writes it for one
//! backend's database, arguments and row types. Unsigned fields are bound as i64 because PostgreSQL has
//! no unsigned types; booleans, the SEK and the IP allow-list (comma-separated text) read the same way
//! on both.

use crate::StoreError;

/// The allow-list as stored: comma-separated, '' for none. An entry that is empty or holds a
/// comma would not read back as itself, so it is refused.
pub(crate) fn join_ips(ips: &[String]) -> Result<String, StoreError> {
    if let Some(bad) = ips.iter().find(|ip| ip.is_empty() || ip.contains(',')) {
        return Err(StoreError::Backend(format!(
            "invalid allowed IP entry {bad:?}"
        )));
    }
    Ok(ips.join(","))
}

/// The inverse of [`join_ips`]: '' is an empty list.
pub(crate) fn split_ips(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|ip| !ip.is_empty())
        .map(str::to_string)
        .collect()
}

/// Converts a stored BIGINT back to a narrower unsigned field, rejecting corrupt values.
pub(crate) fn narrow<T: TryFrom<i64>>(value: i64, column: &str) -> Result<T, StoreError> {
    T::try_from(value)
        .map_err(|_| StoreError::Backend(format!("{column} value {value} is out of range")))
}

/// The binding and decoding functions for one backend: `record_rows!(Database, Arguments, Row)`.
macro_rules! record_rows {
    ($db:ty, $args:ty, $row:ty) => {
        use sqlx::Row;

        use crate::error::backend;
        use crate::rows::{narrow, split_ips};
        use crate::{
            Admin, ApiClient, ApiUser, Developer, EInvoice, EwayBill, GstinRecord, Otp,
            OutboxMessage, PortalSession, Session, SessionAuth, StoreError,
        };

        pub(crate) type Query<'q> = sqlx::query::Query<'q, $db, $args>;

        /// Binds $1..$16 in the column order of `INSERT_GSTIN` / `UPSERT_GSTIN`.
        pub(crate) fn bind_gstin<'q>(q: Query<'q>, r: &GstinRecord) -> Query<'q> {
            q.bind(r.gstin.clone())
                .bind(r.legal_name.clone())
                .bind(r.trade_name.clone())
                .bind(r.addr_bnm.clone())
                .bind(r.addr_bno.clone())
                .bind(r.addr_flno.clone())
                .bind(r.addr_st.clone())
                .bind(r.addr_loc.clone())
                .bind(i64::from(r.state_code))
                .bind(r.pincode.map(i64::from))
                .bind(r.txp_type.clone())
                .bind(r.status.clone())
                .bind(r.blk_status.clone())
                .bind(r.dt_reg.clone())
                .bind(r.dt_dreg.clone())
                .bind(r.checksum_exempt)
                .bind(r.aato_crore.clone())
        }

        /// Binds $1..$6 in the column order of `INSERT_CLIENT`; fails on an allow-list that cannot be
        /// stored (see [`join_ips`]).
        pub(crate) fn bind_client<'q>(
            q: Query<'q>,
            c: &ApiClient,
        ) -> Result<Query<'q>, StoreError> {
            Ok(q.bind(c.client_id.clone())
                .bind(c.secret_hash.clone())
                .bind(c.name.clone())
                .bind(c.pan.clone())
                .bind(c.created_at)
                .bind(join_ips(&c.allowed_ips)?))
        }

        /// Binds $1..$6 in the column order of `INSERT_USER`.
        pub(crate) fn bind_user<'q>(q: Query<'q>, u: &ApiUser) -> Query<'q> {
            q.bind(u.username.clone())
                .bind(u.gstin.clone())
                .bind(u.password_hash.clone())
                .bind(u.active)
                .bind(u.created_at)
                .bind(u.owner_client.clone())
        }

        /// Binds $1..$13 in the column order of `INSERT_DEVELOPER`.
        pub(crate) fn bind_developer<'q>(q: Query<'q>, d: &Developer) -> Query<'q> {
            q.bind(d.id.clone())
                .bind(d.category.clone())
                .bind(d.pan.clone())
                .bind(d.gstin.clone())
                .bind(d.name.clone())
                .bind(d.mobile.clone())
                .bind(d.email.clone())
                .bind(d.status.clone())
                .bind(d.client_id.clone())
                .bind(d.password_hash.clone())
                .bind(d.failed_logins)
                .bind(d.locked_until)
                .bind(d.created_at)
        }

        /// Binds $1..$9 in the column order of `INSERT_OTP`.
        pub(crate) fn bind_otp<'q>(q: Query<'q>, o: &Otp) -> Query<'q> {
            q.bind(o.id.clone())
                .bind(o.purpose.clone())
                .bind(o.developer_id.clone())
                .bind(o.code_hash.clone())
                .bind(o.payload.clone())
                .bind(o.created_at)
                .bind(o.expires_at)
                .bind(o.attempts)
                .bind(o.used)
        }

        /// Binds $1..$7 in the column order of `UPSERT_SESSION`.
        pub(crate) fn bind_session<'q>(q: Query<'q>, s: &Session) -> Query<'q> {
            q.bind(s.client_id.clone())
                .bind(s.username.clone())
                .bind(s.gstin.clone())
                .bind(s.token.clone())
                .bind(s.sek.to_vec())
                .bind(s.issued_at)
                .bind(s.expires_at)
        }

        /// Binds $1..$18 in the column order of `INSERT_EINVOICE`.
        pub(crate) fn bind_einvoice<'q>(q: Query<'q>, e: &EInvoice) -> Query<'q> {
            q.bind(e.irn.clone())
                .bind(e.seller_gstin.clone())
                .bind(e.buyer_gstin.clone())
                .bind(e.doc_type.clone())
                .bind(e.doc_no.clone())
                .bind(e.doc_date.clone())
                .bind(e.fin_year.clone())
                .bind(e.ack_no)
                .bind(e.ack_dt)
                .bind(e.signed_invoice.clone())
                .bind(e.signed_qr.clone())
                .bind(e.status.clone())
                .bind(e.cancel_reason.clone())
                .bind(e.cancel_remark.clone())
                .bind(e.cancelled_at)
                .bind(e.total_inv_value.clone())
                .bind(e.created_by_user.clone())
                .bind(e.created_by_client.clone())
        }

        pub(crate) fn gstin_from_row(row: &$row) -> Result<GstinRecord, StoreError> {
            Ok(GstinRecord {
                gstin: row.try_get("gstin").map_err(backend)?,
                legal_name: row.try_get("legal_name").map_err(backend)?,
                trade_name: row.try_get("trade_name").map_err(backend)?,
                addr_bnm: row.try_get("addr_bnm").map_err(backend)?,
                addr_bno: row.try_get("addr_bno").map_err(backend)?,
                addr_flno: row.try_get("addr_flno").map_err(backend)?,
                addr_st: row.try_get("addr_st").map_err(backend)?,
                addr_loc: row.try_get("addr_loc").map_err(backend)?,
                state_code: narrow(row.try_get("state_code").map_err(backend)?, "state_code")?,
                pincode: row
                    .try_get::<Option<i64>, _>("pincode")
                    .map_err(backend)?
                    .map(|p| narrow(p, "pincode"))
                    .transpose()?,
                txp_type: row.try_get("txp_type").map_err(backend)?,
                status: row.try_get("status").map_err(backend)?,
                blk_status: row.try_get("blk_status").map_err(backend)?,
                dt_reg: row.try_get("dt_reg").map_err(backend)?,
                dt_dreg: row.try_get("dt_dreg").map_err(backend)?,
                checksum_exempt: row.try_get("checksum_exempt").map_err(backend)?,
                aato_crore: row.try_get("aato_crore").map_err(backend)?,
            })
        }

        pub(crate) fn client_from_row(row: &$row) -> Result<ApiClient, StoreError> {
            Ok(ApiClient {
                client_id: row.try_get("client_id").map_err(backend)?,
                secret_hash: row.try_get("secret_hash").map_err(backend)?,
                name: row.try_get("name").map_err(backend)?,
                pan: row.try_get("pan").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
                allowed_ips: split_ips(&row.try_get::<String, _>("allowed_ips").map_err(backend)?),
            })
        }

        pub(crate) fn user_from_row(row: &$row) -> Result<ApiUser, StoreError> {
            Ok(ApiUser {
                username: row.try_get("username").map_err(backend)?,
                gstin: row.try_get("gstin").map_err(backend)?,
                password_hash: row.try_get("password_hash").map_err(backend)?,
                active: row.try_get("active").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
                owner_client: row.try_get("owner_client").map_err(backend)?,
            })
        }

        pub(crate) fn session_from_row(row: &$row) -> Result<Session, StoreError> {
            let sek: Vec<u8> = row.try_get("sek").map_err(backend)?;
            Ok(Session {
                token: row.try_get("token").map_err(backend)?,
                client_id: row.try_get("client_id").map_err(backend)?,
                username: row.try_get("username").map_err(backend)?,
                gstin: row.try_get("gstin").map_err(backend)?,
                sek: sek.try_into().map_err(|v: Vec<u8>| {
                    StoreError::Backend(format!("stored SEK has {} bytes, expected 32", v.len()))
                })?,
                issued_at: row.try_get("issued_at").map_err(backend)?,
                expires_at: row.try_get("expires_at").map_err(backend)?,
            })
        }

        pub(crate) fn session_auth_from_row(row: &$row) -> Result<SessionAuth, StoreError> {
            Ok(SessionAuth {
                session: session_from_row(row)?,
                client_secret_hash: row.try_get("client_secret_hash").map_err(backend)?,
                client_allowed_ips: split_ips(
                    &row.try_get::<String, _>("client_allowed_ips")
                        .map_err(backend)?,
                ),
            })
        }

        pub(crate) fn developer_from_row(row: &$row) -> Result<Developer, StoreError> {
            Ok(Developer {
                id: row.try_get("id").map_err(backend)?,
                category: row.try_get("category").map_err(backend)?,
                pan: row.try_get("pan").map_err(backend)?,
                gstin: row.try_get("gstin").map_err(backend)?,
                name: row.try_get("name").map_err(backend)?,
                mobile: row.try_get("mobile").map_err(backend)?,
                email: row.try_get("email").map_err(backend)?,
                status: row.try_get("status").map_err(backend)?,
                client_id: row.try_get("client_id").map_err(backend)?,
                password_hash: row.try_get("password_hash").map_err(backend)?,
                failed_logins: row.try_get("failed_logins").map_err(backend)?,
                locked_until: row.try_get("locked_until").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
            })
        }

        pub(crate) fn otp_from_row(row: &$row) -> Result<Otp, StoreError> {
            Ok(Otp {
                id: row.try_get("id").map_err(backend)?,
                purpose: row.try_get("purpose").map_err(backend)?,
                developer_id: row.try_get("developer_id").map_err(backend)?,
                code_hash: row.try_get("code_hash").map_err(backend)?,
                payload: row.try_get("payload").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
                expires_at: row.try_get("expires_at").map_err(backend)?,
                attempts: row.try_get("attempts").map_err(backend)?,
                used: row.try_get("used").map_err(backend)?,
            })
        }

        pub(crate) fn portal_session_from_row(row: &$row) -> Result<PortalSession, StoreError> {
            Ok(PortalSession {
                id_hash: row.try_get("id_hash").map_err(backend)?,
                kind: row.try_get("kind").map_err(backend)?,
                subject: row.try_get("subject").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
                expires_at: row.try_get("expires_at").map_err(backend)?,
            })
        }

        pub(crate) fn outbox_from_row(row: &$row) -> Result<OutboxMessage, StoreError> {
            Ok(OutboxMessage {
                id: row.try_get("id").map_err(backend)?,
                channel: row.try_get("channel").map_err(backend)?,
                recipient: row.try_get("recipient").map_err(backend)?,
                subject: row.try_get("subject").map_err(backend)?,
                body: row.try_get("body").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
            })
        }

        pub(crate) fn admin_from_row(row: &$row) -> Result<Admin, StoreError> {
            Ok(Admin {
                username: row.try_get("username").map_err(backend)?,
                password_hash: row.try_get("password_hash").map_err(backend)?,
                created_at: row.try_get("created_at").map_err(backend)?,
            })
        }

        pub(crate) fn einvoice_from_row(row: &$row) -> Result<EInvoice, StoreError> {
            Ok(EInvoice {
                irn: row.try_get("irn").map_err(backend)?,
                seller_gstin: row.try_get("seller_gstin").map_err(backend)?,
                buyer_gstin: row.try_get("buyer_gstin").map_err(backend)?,
                doc_type: row.try_get("doc_type").map_err(backend)?,
                doc_no: row.try_get("doc_no").map_err(backend)?,
                doc_date: row.try_get("doc_date").map_err(backend)?,
                fin_year: row.try_get("fin_year").map_err(backend)?,
                ack_no: row.try_get("ack_no").map_err(backend)?,
                ack_dt: row.try_get("ack_dt").map_err(backend)?,
                signed_invoice: row.try_get("signed_invoice").map_err(backend)?,
                signed_qr: row.try_get("signed_qr").map_err(backend)?,
                status: row.try_get("status").map_err(backend)?,
                cancel_reason: row.try_get("cancel_reason").map_err(backend)?,
                cancel_remark: row.try_get("cancel_remark").map_err(backend)?,
                cancelled_at: row.try_get("cancelled_at").map_err(backend)?,
                total_inv_value: row.try_get("total_inv_value").map_err(backend)?,
                created_by_user: row.try_get("created_by_user").map_err(backend)?,
                created_by_client: row.try_get("created_by_client").map_err(backend)?,
            })
        }

        /// Binds $1..$21 in the column order of `INSERT_EWAYBILL`.
        pub(crate) fn bind_ewaybill<'q>(q: Query<'q>, e: &EwayBill) -> Query<'q> {
            q.bind(e.ewb_no)
                .bind(e.irn.clone())
                .bind(e.gen_gstin.clone())
                .bind(e.ewb_dt)
                .bind(e.valid_till)
                .bind(e.status.clone())
                .bind(e.distance_km)
                .bind(e.trans_mode.clone())
                .bind(e.trans_id.clone())
                .bind(e.trans_name.clone())
                .bind(e.trans_doc_no.clone())
                .bind(e.trans_doc_dt.clone())
                .bind(e.vehicle_no.clone())
                .bind(e.vehicle_type.clone())
                .bind(e.from_pin)
                .bind(e.to_pin)
                .bind(e.cancel_reason.clone())
                .bind(e.cancel_remark.clone())
                .bind(e.cancelled_at)
                .bind(e.created_by_user.clone())
                .bind(e.created_by_client.clone())
        }

        pub(crate) fn ewaybill_from_row(row: &$row) -> Result<EwayBill, StoreError> {
            Ok(EwayBill {
                ewb_no: row.try_get("ewb_no").map_err(backend)?,
                irn: row.try_get("irn").map_err(backend)?,
                gen_gstin: row.try_get("gen_gstin").map_err(backend)?,
                ewb_dt: row.try_get("ewb_dt").map_err(backend)?,
                valid_till: row.try_get("valid_till").map_err(backend)?,
                status: row.try_get("status").map_err(backend)?,
                distance_km: row.try_get("distance_km").map_err(backend)?,
                trans_mode: row.try_get("trans_mode").map_err(backend)?,
                trans_id: row.try_get("trans_id").map_err(backend)?,
                trans_name: row.try_get("trans_name").map_err(backend)?,
                trans_doc_no: row.try_get("trans_doc_no").map_err(backend)?,
                trans_doc_dt: row.try_get("trans_doc_dt").map_err(backend)?,
                vehicle_no: row.try_get("vehicle_no").map_err(backend)?,
                vehicle_type: row.try_get("vehicle_type").map_err(backend)?,
                from_pin: row.try_get("from_pin").map_err(backend)?,
                to_pin: row.try_get("to_pin").map_err(backend)?,
                cancel_reason: row.try_get("cancel_reason").map_err(backend)?,
                cancel_remark: row.try_get("cancel_remark").map_err(backend)?,
                cancelled_at: row.try_get("cancelled_at").map_err(backend)?,
                created_by_user: row.try_get("created_by_user").map_err(backend)?,
                created_by_client: row.try_get("created_by_client").map_err(backend)?,
            })
        }
    };
}

pub(crate) use record_rows;
