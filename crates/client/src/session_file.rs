//! The token cache: a session saved to a file (mode 0600: it holds the token and the SEK) so the next
//! process can skip the login while the token is valid. The file records which IRP, client id, user
//! and GSTIN the session belongs to, and is used only for exactly those.

use std::io::Write;
use std::path::{Path, PathBuf};

use openirp_crypto::{b64_decode, b64_encode};
use serde::{Deserialize, Serialize};

use crate::auth::Session;

/// Bumped if the layout changes; other versions are ignored.
const FORMAT: u32 = 1;

/// Whose session a file may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SessionKey {
    pub base_url: String,
    pub client_id: String,
    pub username: String,
    pub gstin: String,
}

#[derive(Serialize, Deserialize)]
struct SessionFile {
    format: u32,
    key: SessionKey,
    auth_token: String,
    /// The 32-byte SEK, base64.
    sek: String,
    token_expiry: String,
    /// The user name as the IRP returned it.
    user_name: String,
}

/// The saved session for `key`, if the file exists, parses and belongs to `key`. Any problem means
/// "no cached session": the client then simply logs in.
pub(crate) fn load(path: &Path, key: &SessionKey) -> Option<Session> {
    let bytes = std::fs::read(path).ok()?;
    let file: SessionFile = serde_json::from_slice(&bytes).ok()?;
    if file.format != FORMAT || &file.key != key {
        return None;
    }
    let sek = <[u8; 32]>::try_from(b64_decode(&file.sek).ok()?.as_slice()).ok()?;
    Some(Session {
        auth_token: file.auth_token,
        sek,
        token_expiry: file.token_expiry,
        username: file.user_name,
        gstin: file.key.gstin,
    })
}

/// Writes `session` for `key` atomically: a private temporary file in the same directory, then a
/// rename, so a reader never sees half a file and the secret is never world-readable.
pub(crate) fn save(path: &Path, key: &SessionKey, session: &Session) -> std::io::Result<()> {
    let file = SessionFile {
        format: FORMAT,
        key: key.clone(),
        auth_token: session.auth_token.clone(),
        sek: b64_encode(&session.sek),
        token_expiry: session.token_expiry.clone(),
        user_name: session.username.clone(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    let temp = temp_path(path);
    let written = write_private(&temp, &json).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// `<dir>/.<name>.<pid>.<random>.tmp`: unique per writer, so concurrent savers do not collide.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "session".to_owned());
    let nonce: String = openirp_crypto::random_key()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    path.with_file_name(format!(".{name}.{}.{nonce}.tmp", std::process::id()))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(gstin: &str) -> SessionKey {
        SessionKey {
            base_url: "http://irp".into(),
            client_id: "c".into(),
            username: "u".into(),
            gstin: gstin.into(),
        }
    }

    #[test]
    fn a_saved_session_loads_only_for_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.json");
        let session = Session {
            auth_token: "tok".into(),
            sek: [7; 32],
            token_expiry: "2030-01-01 00:00:00".into(),
            username: "U".into(),
            gstin: "29A".into(),
        };
        save(&path, &key("29A"), &session).unwrap();
        let loaded = load(&path, &key("29A")).unwrap();
        assert_eq!((loaded.auth_token.as_str(), loaded.sek), ("tok", [7; 32]));
        assert!(load(&path, &key("07B")).is_none());
        std::fs::write(&path, b"{not json").unwrap();
        assert!(load(&path, &key("29A")).is_none());
        assert!(load(&dir.path().join("absent"), &key("29A")).is_none());
        // Only the file itself is left: the temporary was renamed, not copied.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
