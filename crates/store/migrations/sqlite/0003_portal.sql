-- Developer portal: self-service accounts, OTPs, browser sessions, an outbox of sent messages,
-- administrators, and GSP links. Portable SQL; the PostgreSQL mirror uses BIGSERIAL/identity
-- for outbox.id and BOOLEAN/BIGINT as here.

-- NIC lets a client restrict its source addresses (up to four). Comma-separated so the column
-- stays a plain TEXT on both backends; '' means any address.
ALTER TABLE api_clients ADD COLUMN allowed_ips TEXT NOT NULL DEFAULT '';

-- The client whose developer created the user on the portal; NULL for users made otherwise
-- (imports, the CLI). GSP links of this client extend to the user.
ALTER TABLE api_users ADD COLUMN owner_client TEXT REFERENCES api_clients (client_id);

CREATE INDEX api_users_by_owner ON api_users (owner_client);

-- One registration per (category, PAN). A PENDING row is replaced when the developer starts
-- again; the unique key stops a second live account for the same PAN.
CREATE TABLE developers (
    id            TEXT   NOT NULL PRIMARY KEY,
    category      TEXT   NOT NULL,
    pan           TEXT   NOT NULL,
    gstin         TEXT,
    name          TEXT   NOT NULL,
    mobile        TEXT   NOT NULL,
    email         TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    client_id     TEXT   REFERENCES api_clients (client_id),
    password_hash TEXT,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    UNIQUE (category, pan)
);

-- Login looks the developer up by client id; one account per client (NULLs do not collide).
CREATE UNIQUE INDEX developers_by_client ON developers (client_id);

-- The approval queue lists by status, oldest first.
CREATE INDEX developers_by_status ON developers (status, created_at);

-- One-time passwords. No foreign key to developers: a PENDING registration that is replaced
-- takes its row with it, and its spent OTPs must not block that.
CREATE TABLE otps (
    id           TEXT    NOT NULL PRIMARY KEY,
    purpose      TEXT    NOT NULL,
    developer_id TEXT    NOT NULL,
    code_hash    TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    attempts     BIGINT  NOT NULL DEFAULT 0,
    used         BOOLEAN NOT NULL DEFAULT FALSE
);

-- The send rate limit counts recent OTPs per (developer, purpose).
CREATE INDEX otps_by_developer ON otps (developer_id, purpose, created_at);

-- Portal browser sessions, keyed by the SHA-256 of the cookie value.
CREATE TABLE portal_sessions (
    id_hash    TEXT   NOT NULL PRIMARY KEY,
    kind       TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Every SMS and e-mail, sent or (sandbox) only recorded. AUTOINCREMENT so ids are never reused
-- and id order is insertion order ("newest first" sorts by id).
CREATE TABLE outbox (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    channel    TEXT    NOT NULL,
    recipient  TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);

CREATE INDEX outbox_by_recipient ON outbox (recipient, id);

-- Portal administrators (production approvals).
CREATE TABLE admins (
    username      TEXT   NOT NULL PRIMARY KEY,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);

-- A taxpayer's client lets a GSP's client authenticate its users. user_clients holds the
-- resulting rows; this table remembers the link so users created later get them too.
CREATE TABLE gsp_links (
    taxpayer_client TEXT   NOT NULL REFERENCES api_clients (client_id),
    gsp_client      TEXT   NOT NULL REFERENCES api_clients (client_id),
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (taxpayer_client, gsp_client)
);

-- Ending a user's sessions (password change, disable, list_sessions_for) finds them by user;
-- lookups by client already use the primary key's prefix.
CREATE INDEX sessions_by_username ON sessions (username);
