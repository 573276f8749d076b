//! Statements shared by every backend. Keep them portable between SQLite (>= 3.35)
//! and PostgreSQL: `$n` placeholders, `ON CONFLICT`, `RETURNING`, BIGINT epoch
//! seconds, no dialect-only functions.

pub const INSERT_GSTIN: &str = "INSERT INTO gstins (gstin, legal_name, trade_name, addr_bnm, \
     addr_bno, addr_flno, addr_st, addr_loc, state_code, pincode, txp_type, status, blk_status, \
     dt_reg, dt_dreg, checksum_exempt, aato_crore) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";

pub const UPSERT_GSTIN: &str = "INSERT INTO gstins (gstin, legal_name, trade_name, addr_bnm, \
     addr_bno, addr_flno, addr_st, addr_loc, state_code, pincode, txp_type, status, blk_status, \
     dt_reg, dt_dreg, checksum_exempt, aato_crore) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
     ON CONFLICT (gstin) DO UPDATE SET legal_name = excluded.legal_name, \
     trade_name = excluded.trade_name, addr_bnm = excluded.addr_bnm, \
     addr_bno = excluded.addr_bno, addr_flno = excluded.addr_flno, addr_st = excluded.addr_st, \
     addr_loc = excluded.addr_loc, state_code = excluded.state_code, \
     pincode = excluded.pincode, txp_type = excluded.txp_type, status = excluded.status, \
     blk_status = excluded.blk_status, dt_reg = excluded.dt_reg, dt_dreg = excluded.dt_dreg, \
     checksum_exempt = excluded.checksum_exempt, aato_crore = excluded.aato_crore";

pub const SELECT_GSTIN: &str = "SELECT gstin, legal_name, trade_name, addr_bnm, addr_bno, \
     addr_flno, addr_st, addr_loc, state_code, pincode, txp_type, status, blk_status, dt_reg, \
     dt_dreg, checksum_exempt, aato_crore FROM gstins WHERE gstin = $1";

pub const INSERT_CLIENT: &str = "INSERT INTO api_clients (client_id, secret_hash, name, pan, \
     created_at, allowed_ips) VALUES ($1, $2, $3, $4, $5, $6)";

pub const SELECT_CLIENT: &str = "SELECT client_id, secret_hash, name, pan, created_at, \
     allowed_ips FROM api_clients WHERE client_id = $1";

pub const INSERT_USER: &str = "INSERT INTO api_users (username, gstin, password_hash, active, \
     created_at, owner_client) VALUES ($1, $2, $3, $4, $5, $6)";

pub const SELECT_USER: &str = "SELECT username, gstin, password_hash, active, created_at, \
     owner_client FROM api_users WHERE username = $1";

/// Repeated client ids in one request are harmless, hence DO NOTHING.
pub const INSERT_USER_CLIENT: &str = "INSERT INTO user_clients (username, client_id) \
     VALUES ($1, $2) ON CONFLICT (username, client_id) DO NOTHING";

pub const SELECT_USER_HAS_CLIENT: &str =
    "SELECT 1 FROM user_clients WHERE username = $1 AND client_id = $2";

/// Writes the candidate unless the current session for the key is still reusable:
/// the update only happens when `expires_at <= $8` (the caller folds expiry and the
/// force-refresh window into $8). RETURNING yields a row only if the candidate
/// was written.
pub const UPSERT_SESSION: &str = "INSERT INTO sessions (client_id, username, gstin, token, sek, \
     issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (client_id, username, gstin) DO UPDATE SET token = excluded.token, \
     sek = excluded.sek, issued_at = excluded.issued_at, expires_at = excluded.expires_at \
     WHERE sessions.expires_at <= $8 \
     RETURNING token";

pub const SELECT_SESSION_BY_KEY: &str = "SELECT token, client_id, username, gstin, sek, \
     issued_at, expires_at FROM sessions WHERE client_id = $1 AND username = $2 AND gstin = $3";

pub const SELECT_SESSION_AUTH: &str = "SELECT s.token, s.client_id, s.username, s.gstin, s.sek, \
     s.issued_at, s.expires_at, c.secret_hash AS client_secret_hash, \
     c.allowed_ips AS client_allowed_ips FROM sessions s JOIN api_clients c ON c.client_id = s.client_id WHERE s.token = $1";

/// One atomic statement: creates the counter at 1 + count or advances it by count,
/// and returns the first number of the reserved block.
pub const RESERVE_SEQUENCE: &str = "INSERT INTO sequences (name, next_value) VALUES ($1, 1 + $2) \
     ON CONFLICT (name) DO UPDATE SET next_value = sequences.next_value + $2 \
     RETURNING next_value - $2";

/// The conflict target is the IRN only: an AckNo collision must surface as an error,
/// never be swallowed as a "duplicate".
pub const INSERT_EINVOICE: &str = "INSERT INTO einvoices (irn, seller_gstin, buyer_gstin, \
     doc_type, doc_no, doc_date, fin_year, ack_no, ack_dt, signed_invoice, signed_qr, status, \
     cancel_reason, cancel_remark, cancelled_at, total_inv_value, created_by_user, \
     created_by_client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
     $15, $16, $17, $18) ON CONFLICT (irn) DO NOTHING";

pub const SELECT_EINVOICE: &str = "SELECT irn, seller_gstin, buyer_gstin, doc_type, doc_no, \
     doc_date, fin_year, ack_no, ack_dt, signed_invoice, signed_qr, status, cancel_reason, \
     cancel_remark, cancelled_at, total_inv_value, created_by_user, created_by_client \
     FROM einvoices WHERE irn = $1";

pub const LIST_EINVOICES_BY_SELLER: &str = "SELECT irn, seller_gstin, buyer_gstin, doc_type, \
     doc_no, doc_date, fin_year, ack_no, ack_dt, signed_invoice, signed_qr, status, \
     cancel_reason, cancel_remark, cancelled_at, total_inv_value, created_by_user, \
     created_by_client FROM einvoices WHERE seller_gstin = $1 \
     ORDER BY ack_dt DESC, ack_no DESC LIMIT $2";

/// Conditional on status so that concurrent cancels race on the row, not in code; an active e-way
/// bill on the IRN blocks it (NIC 2230).
pub const CANCEL_EINVOICE: &str = "UPDATE einvoices SET status = 'CNL', cancel_reason = $2, \
     cancel_remark = $3, cancelled_at = $4 WHERE irn = $1 AND status = 'ACT' \
     AND NOT EXISTS (SELECT 1 FROM ewaybills w WHERE w.irn = $1 AND w.status = 'ACT') \
     RETURNING irn, seller_gstin, buyer_gstin, doc_type, doc_no, doc_date, fin_year, ack_no, \
     ack_dt, signed_invoice, signed_qr, status, cancel_reason, cancel_remark, cancelled_at, \
     total_inv_value, created_by_user, created_by_client";

// ---- Developer portal ----

/// Column lists as macros so `concat!` can build each statement at compile time.
macro_rules! developer_columns {
    () => {
        "id, category, pan, gstin, name, mobile, email, status, client_id, password_hash, \
         failed_logins, locked_until, created_at"
    };
}

macro_rules! otp_columns {
    () => {
        "id, purpose, developer_id, code_hash, payload, created_at, expires_at, attempts, used"
    };
}

macro_rules! gstin_columns {
    () => {
        "gstin, legal_name, trade_name, addr_bnm, addr_bno, addr_flno, addr_st, addr_loc, \
         state_code, pincode, txp_type, status, blk_status, dt_reg, dt_dreg, checksum_exempt, \
         aato_crore"
    };
}

/// A new registration replaces only a PENDING one; any other row makes the insert a Conflict.
pub const DELETE_PENDING_DEVELOPER: &str =
    "DELETE FROM developers WHERE category = $1 AND pan = $2 AND status = 'PENDING'";

pub const INSERT_DEVELOPER: &str = concat!(
    "INSERT INTO developers (",
    developer_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
);

pub const SELECT_DEVELOPER: &str = concat!(
    "SELECT ",
    developer_columns!(),
    " FROM developers WHERE id = $1"
);

pub const SELECT_DEVELOPER_BY_CLIENT: &str = concat!(
    "SELECT ",
    developer_columns!(),
    " FROM developers WHERE client_id = $1"
);

pub const LIST_DEVELOPERS: &str = concat!(
    "SELECT ",
    developer_columns!(),
    " FROM developers WHERE status = $1 ORDER BY created_at, id"
);

/// Conditional on the old status so two admins acting at once cannot both move it.
pub const SET_DEVELOPER_STATUS: &str =
    "UPDATE developers SET status = $3 WHERE id = $1 AND status = $2";

pub const ACTIVATE_DEVELOPER: &str =
    "UPDATE developers SET status = 'ACTIVE', client_id = $2 WHERE id = $1 AND status = $3";

pub const SET_DEVELOPER_PASSWORD: &str = "UPDATE developers SET password_hash = $2 WHERE id = $1";

/// One statement, so concurrent wrong passwords cannot lose a count. SET expressions see the
/// old row on both backends: $2 is the lock end, $3 the count that locks.
pub const RECORD_LOGIN_FAILURE: &str = concat!(
    "UPDATE developers SET \
     failed_logins = CASE WHEN failed_logins + 1 >= $3 THEN 0 ELSE failed_logins + 1 END, \
     locked_until = CASE WHEN failed_logins + 1 >= $3 THEN $2 ELSE locked_until END \
     WHERE id = $1 RETURNING ",
    developer_columns!()
);

pub const CLEAR_LOGIN_FAILURES: &str = "UPDATE developers SET failed_logins = 0 WHERE id = $1";

/// One statement, so concurrent wrong passwords on any nodes cannot lose a count: $2 now, $3 the
/// pause's end, $4 the count that pauses. Returns the pause's end (possibly past).
pub const RECORD_ADMIN_LOGIN_FAILURE: &str = "\
    INSERT INTO admin_login_failures (username, failures, locked_until, last_failed_at) \
    VALUES ($1, CASE WHEN 1 >= $4 THEN 0 ELSE 1 END, CASE WHEN 1 >= $4 THEN $3 ELSE NULL END, $2) \
    ON CONFLICT (username) DO UPDATE SET \
    failures = CASE WHEN admin_login_failures.failures + 1 >= $4 THEN 0 \
               ELSE admin_login_failures.failures + 1 END, \
    locked_until = CASE WHEN admin_login_failures.failures + 1 >= $4 THEN $3 \
                   ELSE admin_login_failures.locked_until END, \
    last_failed_at = $2 \
    RETURNING locked_until";

pub const SELECT_ADMIN_LOGIN_PAUSE: &str =
    "SELECT locked_until FROM admin_login_failures WHERE username = $1";

pub const CLEAR_ADMIN_LOGIN_FAILURES: &str = "DELETE FROM admin_login_failures WHERE username = $1";

pub const SELECT_DEPLOYMENT_KEY: &str =
    "SELECT fingerprint FROM deployment_keys WHERE purpose = $1";

/// The first node to record a purpose's key wins; the others read back the winner's.
pub const RECORD_DEPLOYMENT_KEY: &str = "\
    INSERT INTO deployment_keys (purpose, fingerprint, recorded_at) VALUES ($1, $2, $3) \
    ON CONFLICT (purpose) DO NOTHING";

/// The statement that records a deployment key: kept if one is recorded, or replacing it.
pub fn record_deployment_key(replace: bool) -> &'static str {
    if replace {
        REPLACE_DEPLOYMENT_KEY
    } else {
        RECORD_DEPLOYMENT_KEY
    }
}

pub const REPLACE_DEPLOYMENT_KEY: &str = "\
    INSERT INTO deployment_keys (purpose, fingerprint, recorded_at) VALUES ($1, $2, $3) \
    ON CONFLICT (purpose) DO UPDATE SET fingerprint = excluded.fingerprint, \
    recorded_at = excluded.recorded_at";

pub const INSERT_OTP: &str = concat!(
    "INSERT INTO otps (",
    otp_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
);

pub const SELECT_OTP: &str = concat!("SELECT ", otp_columns!(), " FROM otps WHERE id = $1");

pub const COUNT_OTPS_SINCE: &str = "SELECT COUNT(*) FROM otps \
     WHERE developer_id = $1 AND purpose = $2 AND created_at >= $3";

pub const RECORD_OTP_FAILURE: &str =
    "UPDATE otps SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts";

/// Every condition in one UPDATE: the row decides which of concurrent callers wins.
pub const CONSUME_OTP: &str = "UPDATE otps SET used = TRUE \
     WHERE id = $1 AND used = FALSE AND expires_at > $2 AND attempts < $3";

pub const INSERT_PORTAL_SESSION: &str = "INSERT INTO portal_sessions (id_hash, kind, subject, \
     created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";

pub const SELECT_PORTAL_SESSION: &str = "SELECT id_hash, kind, subject, created_at, expires_at \
     FROM portal_sessions WHERE id_hash = $1 AND expires_at > $2";

pub const DELETE_PORTAL_SESSION: &str = "DELETE FROM portal_sessions WHERE id_hash = $1";

pub const INSERT_OUTBOX: &str = "INSERT INTO outbox (channel, recipient, subject, body, \
     created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// Ids grow with insertion, so id order is newest first without a tie on created_at.
pub const LIST_OUTBOX: &str = "SELECT id, channel, recipient, subject, body, created_at \
     FROM outbox ORDER BY id DESC LIMIT $1";

/// A separate statement rather than `$1 IS NULL OR ..`: PostgreSQL cannot type a bare NULL
/// parameter, and this one can use the (recipient, id) index.
pub const LIST_OUTBOX_TO: &str = "SELECT id, channel, recipient, subject, body, created_at \
     FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT $2";

pub const INSERT_ADMIN: &str =
    "INSERT INTO admins (username, password_hash, created_at) VALUES ($1, $2, $3)";

pub const SELECT_ADMIN: &str =
    "SELECT username, password_hash, created_at FROM admins WHERE username = $1";

/// substr is standard on both backends; characters 3..12 of a GSTIN are the PAN.
pub const LIST_GSTINS_BY_PAN: &str = concat!(
    "SELECT ",
    gstin_columns!(),
    " FROM gstins WHERE substr(gstin, 3, 10) = $1 ORDER BY gstin"
);

pub const LIST_USERS_BY_OWNER: &str = "SELECT username, gstin, password_hash, active, \
     created_at, owner_client FROM api_users WHERE owner_client = $1 ORDER BY username";

pub const LIST_USER_CLIENTS: &str =
    "SELECT client_id FROM user_clients WHERE username = $1 ORDER BY client_id";

pub const SET_CLIENT_SECRET: &str = "UPDATE api_clients SET secret_hash = $2 WHERE client_id = $1";

pub const SET_CLIENT_IPS: &str = "UPDATE api_clients SET allowed_ips = $2 WHERE client_id = $1";

pub const SET_USER_PASSWORD: &str = "UPDATE api_users SET password_hash = $2 WHERE username = $1";

pub const SET_USER_ACTIVE: &str = "UPDATE api_users SET active = $2 WHERE username = $1";

pub const DELETE_USER_SESSIONS: &str = "DELETE FROM sessions WHERE username = $1";

/// A new user of `owner_client` ($2) gets every GSP client already linked to it. The WHERE
/// clause also keeps SQLite's parser from reading ON CONFLICT as a join constraint.
pub const INSERT_USER_GSP_CLIENTS: &str = "INSERT INTO user_clients (username, client_id) \
     SELECT $1, gsp_client FROM gsp_links WHERE taxpayer_client = $2 \
     ON CONFLICT (username, client_id) DO NOTHING";

pub const INSERT_GSP_LINK: &str = "INSERT INTO gsp_links (taxpayer_client, gsp_client, \
     created_at) VALUES ($1, $2, $3) ON CONFLICT (taxpayer_client, gsp_client) DO NOTHING";

/// Gives the GSP client ($2) to every existing user owned by the taxpayer's client ($1).
pub const INSERT_OWNED_USERS_CLIENT: &str = "INSERT INTO user_clients (username, client_id) \
     SELECT username, $2 FROM api_users WHERE owner_client = $1 \
     ON CONFLICT (username, client_id) DO NOTHING";

pub const DELETE_GSP_LINK: &str =
    "DELETE FROM gsp_links WHERE taxpayer_client = $1 AND gsp_client = $2";

pub const DELETE_OWNED_USERS_CLIENT: &str = "DELETE FROM user_clients WHERE client_id = $2 \
     AND username IN (SELECT username FROM api_users WHERE owner_client = $1)";

pub const DELETE_OWNED_USERS_SESSIONS: &str = "DELETE FROM sessions WHERE client_id = $2 \
     AND username IN (SELECT username FROM api_users WHERE owner_client = $1)";

pub const LIST_GSP_LINKS: &str =
    "SELECT gsp_client FROM gsp_links WHERE taxpayer_client = $1 ORDER BY gsp_client";

pub const LIST_SESSIONS_FOR: &str = "SELECT token, client_id, username, gstin, sek, issued_at, \
     expires_at FROM sessions WHERE expires_at > $2 AND (client_id = $1 \
     OR username IN (SELECT username FROM api_users WHERE owner_client = $1)) \
     ORDER BY issued_at DESC, token";

pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token = $1";

pub const PING: &str = "SELECT 1";

// Housekeeping: rows nobody can use any more.
pub const PURGE_PORTAL_SESSIONS: &str = "DELETE FROM portal_sessions WHERE expires_at <= $1";
/// Counts of wrong admin passwords are forgotten a day after the last one, once no pause runs.
pub const PURGE_ADMIN_LOGIN_FAILURES: &str = "DELETE FROM admin_login_failures \
     WHERE COALESCE(locked_until, 0) <= $1 AND last_failed_at <= $1 - 86400";
pub const PURGE_OTPS: &str = "DELETE FROM otps WHERE expires_at < $1";
pub const PURGE_PENDING_DEVELOPERS: &str =
    "DELETE FROM developers WHERE status = 'PENDING' AND created_at < $1";

/// The seller's e-invoices (active and cancelled) whose document date falls in month `$2` of the
/// form `mm/yyyy`: `doc_date` is stored as `dd/mm/yyyy`, so characters 4–10 are the month.
pub const LIST_EINVOICES_FOR_PERIOD: &str = "SELECT irn, seller_gstin, buyer_gstin, doc_type, \
     doc_no, doc_date, fin_year, ack_no, ack_dt, signed_invoice, signed_qr, status, \
     cancel_reason, cancel_remark, cancelled_at, total_inv_value, created_by_user, \
     created_by_client FROM einvoices WHERE seller_gstin = $1 AND substr(doc_date, 4, 7) = $2 \
     ORDER BY ack_no";

// ---- E-way bills ----

/// The e-way bill columns, in the order of `INSERT_EWAYBILL` (a macro so that `concat!` can build
/// static statements from it).
macro_rules! ewaybill_columns {
    () => {
        "ewb_no, irn, gen_gstin, ewb_dt, valid_till, status, distance_km, trans_mode, trans_id, \
         trans_name, trans_doc_no, trans_doc_dt, vehicle_no, vehicle_type, from_pin, to_pin, \
         cancel_reason, cancel_remark, cancelled_at, created_by_user, created_by_client"
    };
}

pub const INSERT_EWAYBILL: &str = concat!(
    "INSERT INTO ewaybills (",
    ewaybill_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19, $20, $21)"
);

pub const SELECT_EINVOICE_STATUS: &str = "SELECT status FROM einvoices WHERE irn = $1";

pub const SELECT_ACTIVE_EWAYBILL_FOR_IRN: &str = concat!(
    "SELECT ",
    ewaybill_columns!(),
    " FROM ewaybills WHERE irn = $1 AND status = 'ACT'"
);

/// Newest first.
pub const LIST_EWAYBILLS_FOR_IRN: &str = concat!(
    "SELECT ",
    ewaybill_columns!(),
    " FROM ewaybills WHERE irn = $1 ORDER BY ewb_dt DESC, ewb_no DESC"
);

pub const SELECT_EWAYBILL: &str = concat!(
    "SELECT ",
    ewaybill_columns!(),
    " FROM ewaybills WHERE ewb_no = $1"
);

/// Conditional on status so that concurrent cancels race on the row.
pub const CANCEL_EWAYBILL: &str = concat!(
    "UPDATE ewaybills SET status = 'CNL', cancel_reason = $2, cancel_remark = $3, \
     cancelled_at = $4 WHERE ewb_no = $1 AND status = 'ACT' RETURNING ",
    ewaybill_columns!()
);
