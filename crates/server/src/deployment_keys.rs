//! The keys every node of one database must hold.
//!
//! Clients fetch the login key from whichever node answers and verify signed invoices against one
//! certificate, so all nodes on a database need the same key folder. A node started with an empty
//! folder would otherwise make keys of its own and sign invoices nobody can verify; a SQLite node
//! whose folder was lost would do the same to its own later invoices. The store records the
//! fingerprints of the first keys it sees, and a node holding other keys is refused at start, until
//! an operator adopts new keys on purpose (`--adopt-keys`).

use crate::StartError;
use openirp_crypto::{AuthKeyPair, ServerKeys, load_or_create_server_keys, server_keys_present};
use openirp_store::Store;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The common name of a newly made signing certificate.
const SIGNING_CERT_NAME: &str = "OpenIRP e-Invoice signing";

/// The recorded purposes: the signing certificate's thumbprint (the JWS `kid`) and the login key.
pub const SIGNING: &str = "signing";
pub const AUTH: &str = "auth";

/// Loads (or, for a new deployment, makes) the keys in `<dir>/keys/` and checks them against the
/// fingerprints `store` holds, recording them if none are, or replacing them if `adopt`.
pub async fn load_agreed_keys(
    dir: &Path,
    store: &dyn Store,
    adopt: bool,
) -> Result<ServerKeys, StartError> {
    let folder = dir.join("keys");
    let folder_error = |e| StartError::DataDir(folder.display().to_string(), e);
    // Checked before any key is made: a node must not mint keys for a deployment that has some.
    if !adopt
        && !server_keys_present(dir).map_err(folder_error)?
        && let Some(recorded) = store.deployment_key(SIGNING).await?
    {
        return Err(StartError::KeysDiffer(format!(
            "{} holds no keys, but this database's nodes sign with certificate {recorded}: copy the \
             keys folder of a node of this deployment there (or start with --adopt-keys to make new \
             keys the deployment's)",
            folder.display()
        )));
    }
    let keys = load_or_create_server_keys(dir, SIGNING_CERT_NAME)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    for (purpose, here) in [
        (SIGNING, keys.signing.kid().to_string()),
        (AUTH, auth_fingerprint(&keys.auth)),
    ] {
        let recorded = store
            .record_deployment_key(purpose, &here, now, adopt)
            .await?;
        if recorded != here {
            return Err(StartError::KeysDiffer(format!(
                "the {purpose} key in {} (fingerprint {here}) is not the one this database's nodes \
                 hold ({recorded}): copy the keys folder of a node of this deployment there, or start \
                 with --adopt-keys after a deliberate key change",
                folder.display()
            )));
        }
    }
    if adopt {
        tracing::warn!(
            kid = keys.signing.kid(),
            "adopted this node's keys for the deployment: every other node needs this keys folder"
        );
    }
    Ok(keys)
}

/// SHA-256 of the login key's public PEM, in hex: the same key gives the same text.
pub fn auth_fingerprint(auth: &AuthKeyPair) -> String {
    hex::encode(Sha256::digest(auth.public_key_pem().as_bytes()))
}
