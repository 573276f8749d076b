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
     created_at) VALUES ($1, $2, $3, $4, $5)";

pub const SELECT_CLIENT: &str = "SELECT client_id, secret_hash, name, pan, created_at \
     FROM api_clients WHERE client_id = $1";

pub const INSERT_USER: &str = "INSERT INTO api_users (username, gstin, password_hash, active, \
     created_at) VALUES ($1, $2, $3, $4, $5)";

pub const SELECT_USER: &str = "SELECT username, gstin, password_hash, active, created_at \
     FROM api_users WHERE username = $1";

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
     s.issued_at, s.expires_at, c.secret_hash AS client_secret_hash \
     FROM sessions s JOIN api_clients c ON c.client_id = s.client_id WHERE s.token = $1";

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

/// Conditional on status so that concurrent cancels race on the row, not in code.
pub const CANCEL_EINVOICE: &str = "UPDATE einvoices SET status = 'CNL', cancel_reason = $2, \
     cancel_remark = $3, cancelled_at = $4 WHERE irn = $1 AND status = 'ACT' \
     RETURNING irn, seller_gstin, buyer_gstin, doc_type, doc_no, doc_date, fin_year, ack_no, \
     ack_dt, signed_invoice, signed_qr, status, cancel_reason, cancel_remark, cancelled_at, \
     total_inv_value, created_by_user, created_by_client";
