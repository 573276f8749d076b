-- E-way bills made from registered e-invoices (Part-A from the IRN, Part-B from the request).
-- An IRN has at most one active e-way bill; after cancelling it a new one may be made.
CREATE TABLE ewaybills (
    ewb_no            BIGINT NOT NULL PRIMARY KEY,
    irn               TEXT   NOT NULL REFERENCES einvoices (irn),
    gen_gstin         TEXT   NOT NULL,
    ewb_dt            BIGINT NOT NULL,
    -- NULL for a Part-A slip (no vehicle or transport document yet).
    valid_till        BIGINT,
    status            TEXT   NOT NULL CHECK (status IN ('ACT', 'CNL')),
    distance_km       BIGINT NOT NULL,
    trans_mode        TEXT,
    trans_id          TEXT,
    trans_name        TEXT,
    trans_doc_no      TEXT,
    trans_doc_dt      TEXT,
    vehicle_no        TEXT,
    vehicle_type      TEXT,
    from_pin          BIGINT,
    to_pin            BIGINT,
    cancel_reason     TEXT,
    cancel_remark     TEXT,
    cancelled_at      BIGINT,
    created_by_user   TEXT   NOT NULL,
    created_by_client TEXT   NOT NULL
);

CREATE UNIQUE INDEX ewaybills_one_active_per_irn ON ewaybills (irn) WHERE status = 'ACT';
CREATE INDEX ewaybills_by_irn ON ewaybills (irn, ewb_dt DESC);
