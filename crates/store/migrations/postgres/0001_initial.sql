-- OpenIRP schema, PostgreSQL dialect: the same tables, columns, constraints and indexes as
-- migrations/sqlite/0001_initial.sql; times are BIGINT Unix epoch seconds, the SEK is BYTEA.

-- GSTIN master: what GetGSTINDetails answers and what rules check parties against.
CREATE TABLE gstins (
    gstin           TEXT    NOT NULL PRIMARY KEY,
    legal_name      TEXT    NOT NULL,
    trade_name      TEXT,
    addr_bnm        TEXT,
    addr_bno        TEXT,
    addr_flno       TEXT,
    addr_st         TEXT,
    addr_loc        TEXT,
    state_code      BIGINT  NOT NULL,
    pincode         BIGINT,
    txp_type        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    blk_status      TEXT,
    dt_reg          TEXT,
    dt_dreg         TEXT,
    checksum_exempt BOOLEAN NOT NULL DEFAULT FALSE
);

-- API clients (client_id / client_secret pairs handed to ERPs and GSPs).
CREATE TABLE api_clients (
    client_id   TEXT   NOT NULL PRIMARY KEY,
    secret_hash TEXT   NOT NULL,
    name        TEXT   NOT NULL,
    pan         TEXT,
    created_at  BIGINT NOT NULL
);

-- API users. No foreign key on gstin: the GSTIN master may be loaded after users
-- (imports, NIC sandbox GSTINs), and the auth path checks the GSTIN itself.
CREATE TABLE api_users (
    username      TEXT    NOT NULL PRIMARY KEY,
    gstin         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    active        BOOLEAN NOT NULL,
    created_at    BIGINT  NOT NULL
);

-- Which clients a user may authenticate through.
CREATE TABLE user_clients (
    username  TEXT NOT NULL REFERENCES api_users (username),
    client_id TEXT NOT NULL REFERENCES api_clients (client_id),
    PRIMARY KEY (username, client_id)
);

-- One current session per (client, user, GSTIN); token lookups run on every request.
CREATE TABLE sessions (
    client_id  TEXT   NOT NULL REFERENCES api_clients (client_id),
    username   TEXT   NOT NULL REFERENCES api_users (username),
    gstin      TEXT   NOT NULL,
    token      TEXT   NOT NULL UNIQUE,
    sek        BYTEA  NOT NULL,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (client_id, username, gstin)
);

-- Named counters (AckNo blocks). next_value is the first number not yet handed out.
CREATE TABLE sequences (
    name       TEXT   NOT NULL PRIMARY KEY,
    next_value BIGINT NOT NULL
);

-- Registered e-invoices. The IRN is a hash of the document key, so the primary key
-- is what makes a duplicate registration impossible.
CREATE TABLE einvoices (
    irn               TEXT   NOT NULL PRIMARY KEY,
    seller_gstin      TEXT   NOT NULL,
    buyer_gstin       TEXT   NOT NULL,
    doc_type          TEXT   NOT NULL,
    doc_no            TEXT   NOT NULL,
    doc_date          TEXT   NOT NULL,
    fin_year          TEXT   NOT NULL,
    ack_no            BIGINT NOT NULL UNIQUE,
    ack_dt            BIGINT NOT NULL,
    signed_invoice    TEXT   NOT NULL,
    signed_qr         TEXT   NOT NULL,
    status            TEXT   NOT NULL CHECK (status IN ('ACT', 'CNL')),
    cancel_reason     TEXT,
    cancel_remark     TEXT,
    cancelled_at      BIGINT,
    total_inv_value   TEXT   NOT NULL,
    created_by_user   TEXT   NOT NULL,
    created_by_client TEXT   NOT NULL
);

CREATE INDEX einvoices_by_seller ON einvoices (seller_gstin, ack_dt DESC, ack_no DESC);
