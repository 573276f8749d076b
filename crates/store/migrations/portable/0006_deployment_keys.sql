-- The fingerprints of the keys every node of this database must hold: the signing certificate's
-- thumbprint and the login key's. A node that starts with other keys (a forgotten copy of the key
-- folder, a key folder lost and regenerated) is refused instead of signing what nobody can verify.
CREATE TABLE deployment_keys (
    purpose      TEXT   NOT NULL PRIMARY KEY,
    fingerprint  TEXT   NOT NULL,
    recorded_at  BIGINT NOT NULL
);
