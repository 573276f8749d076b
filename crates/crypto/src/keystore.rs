//! Persistence of the server's two keys in the data directory:
//!
//! ```text
//! <dir>/keys/            mode 0700
//!     auth-key.pem       mode 0600  PKCS#8, login decryption (AuthKeyPair)
//!     signing-key.pem    mode 0600  PKCS#8, JWS signing (SigningIdentity)
//!     signing-cert.pem   mode 0600  self-signed X.509 of the signing key
//! ```
//!
//! First start creates all three; later starts load them. A partial set is
//! an error: silently regenerating would invalidate every certificate and
//! public key that clients already downloaded.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::encoding::hex_upper;
use crate::{AuthKeyPair, CryptoError, SigningIdentity};

const KEYS_DIR: &str = "keys";
const AUTH_KEY_FILE: &str = "auth-key.pem";
const SIGNING_KEY_FILE: &str = "signing-key.pem";
const SIGNING_CERT_FILE: &str = "signing-cert.pem";

const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// The server's keys and where they live.
#[derive(Debug)]
pub struct ServerKeys {
    pub auth: AuthKeyPair,
    /// Shared with the signer threads.
    pub signing: std::sync::Arc<SigningIdentity>,
    pub auth_key_path: PathBuf,
    pub signing_key_path: PathBuf,
    pub signing_cert_path: PathBuf,
    /// `true` if this call generated the keys, `false` if it loaded them.
    pub created: bool,
}

/// Whether any of the key files exists in `<dir>/keys/` (so that [`load_or_create_server_keys`]
/// would load, or refuse a partial set, rather than create).
pub fn server_keys_present(dir: &Path) -> std::io::Result<bool> {
    let keys_dir = dir.join(KEYS_DIR);
    for file in [AUTH_KEY_FILE, SIGNING_KEY_FILE, SIGNING_CERT_FILE] {
        if keys_dir.join(file).try_exists()? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Loads the keys from `<dir>/keys/`, or creates them there on first use.
/// `cert_common_name` is used only when a new certificate is issued.
pub fn load_or_create_server_keys(
    dir: &Path,
    cert_common_name: &str,
) -> Result<ServerKeys, CryptoError> {
    let keys_dir = dir.join(KEYS_DIR);
    let paths = [
        keys_dir.join(AUTH_KEY_FILE),
        keys_dir.join(SIGNING_KEY_FILE),
        keys_dir.join(SIGNING_CERT_FILE),
    ];
    let mut present = Vec::new();
    for path in &paths {
        if path.try_exists()? {
            present.push(path);
        }
    }
    let [auth_key_path, signing_key_path, signing_cert_path] = paths.clone();
    let (auth, signing, created) = match present.len() {
        0 => {
            let (auth, signing) = create_keys(&keys_dir, &paths, cert_common_name)?;
            (auth, signing, true)
        }
        n if n == paths.len() => {
            let (auth, signing) = load_keys(&paths)?;
            (auth, signing, false)
        }
        _ => return Err(partial_key_set(&keys_dir, &paths, &present)),
    };
    Ok(ServerKeys {
        auth,
        signing: std::sync::Arc::new(signing),
        auth_key_path,
        signing_key_path,
        signing_cert_path,
        created,
    })
}

fn load_keys(paths: &[PathBuf; 3]) -> Result<(AuthKeyPair, SigningIdentity), CryptoError> {
    let [auth_key, signing_key, signing_cert] = paths;
    let auth = AuthKeyPair::from_pkcs8_pem(&read_key_file(auth_key)?)?;
    let signing =
        SigningIdentity::from_pem(&read_key_file(signing_key)?, &read_key_file(signing_cert)?)?;
    Ok((auth, signing))
}

/// Reads a key file, naming the file in the error (a bare "bad PEM" at
/// startup would not say which of the three files is broken).
fn read_key_file(path: &Path) -> Result<String, CryptoError> {
    let text = fs::read_to_string(path)?;
    if text.trim().is_empty() {
        return Err(CryptoError::KeyFormat(format!(
            "{} is empty",
            path.display()
        )));
    }
    Ok(text)
}

fn create_keys(
    keys_dir: &Path,
    paths: &[PathBuf; 3],
    cert_common_name: &str,
) -> Result<(AuthKeyPair, SigningIdentity), CryptoError> {
    let auth = AuthKeyPair::generate()?;
    let signing = SigningIdentity::generate(cert_common_name)?;
    create_private_dir(keys_dir)?;
    let contents = [auth.to_pkcs8_pem(), signing.key_pem(), signing.cert_pem()];
    // Write all temporaries first and rename afterwards, so the window in
    // which a crash leaves a partial set is as small as three renames.
    let mut temps = Vec::with_capacity(paths.len());
    for (path, text) in paths.iter().zip(&contents) {
        match write_private_temp(path, text.as_bytes()) {
            Ok(temp) => temps.push(temp),
            Err(e) => {
                remove_quietly(&temps);
                return Err(e);
            }
        }
    }
    for (i, (temp, path)) in temps.iter().zip(paths).enumerate() {
        if let Err(e) = fs::rename(temp, path) {
            remove_quietly(&temps[i..]);
            return Err(e.into());
        }
    }
    File::open(keys_dir)?.sync_all()?; // make the renames durable
    Ok((auth, signing))
}

/// Best-effort cleanup of temporaries after a failed write; the original
/// error is what the caller needs to see.
fn remove_quietly(paths: &[PathBuf]) {
    for path in paths {
        let _ = fs::remove_file(path);
    }
}

/// Creates `dir` (and parents) and makes sure it is private to this user.
fn create_private_dir(dir: &Path) -> Result<(), CryptoError> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    // `mode` only applies to newly created directories; tighten an existing one.
    fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))?;
    Ok(())
}

/// Writes `bytes` to a fresh, uniquely named mode-0600 file next to `path`
/// and flushes it to disk; returns the temporary path.
fn write_private_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf, CryptoError> {
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("key");
    let mut nonce = [0u8; 8];
    aws_lc_rs::rand::fill(&mut nonce)
        .map_err(|_| CryptoError::KeyGeneration("system random number generator failed".into()))?;
    let temp = path.with_file_name(format!(".{file_name}.{}.tmp", hex_upper(&nonce)));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&temp)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        remove_quietly(std::slice::from_ref(&temp));
        return Err(e.into());
    }
    Ok(temp)
}

fn partial_key_set(keys_dir: &Path, all: &[PathBuf; 3], present: &[&PathBuf]) -> CryptoError {
    let names = |paths: &mut dyn Iterator<Item = &PathBuf>| {
        paths
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let missing = names(&mut all.iter().filter(|p| !present.contains(p)));
    let found = names(&mut present.iter().copied());
    CryptoError::KeyStore {
        dir: keys_dir.to_path_buf(),
        reason: format!(
            "incomplete key set (found: {found}; missing: {missing}). Refusing to generate new \
             keys over existing ones: restore the missing files from a backup, or remove the \
             remaining ones to start over with new keys"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode_of(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn first_call_creates_private_files_second_call_reuses_them() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_server_keys(dir.path(), "OpenIRP Test").unwrap();
        assert!(first.created);
        assert_eq!(first.auth_key_path, dir.path().join("keys/auth-key.pem"));
        assert_eq!(
            first.signing_key_path,
            dir.path().join("keys/signing-key.pem")
        );
        assert_eq!(
            first.signing_cert_path,
            dir.path().join("keys/signing-cert.pem")
        );
        assert_eq!(mode_of(&dir.path().join("keys")), 0o700);
        for path in [
            &first.auth_key_path,
            &first.signing_key_path,
            &first.signing_cert_path,
        ] {
            assert_eq!(mode_of(path), 0o600, "{}", path.display());
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("keys"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        let second = load_or_create_server_keys(dir.path(), "ignored on reload").unwrap();
        assert!(!second.created);
        assert_eq!(second.signing.kid(), first.signing.kid());
        assert_eq!(second.auth.public_key_pem(), first.auth.public_key_pem());
        assert_eq!(
            second.signing.sign_jws(b"{}"),
            first.signing.sign_jws(b"{}")
        );
        let ct = crate::AuthPublicKey::from_pem(&first.auth.public_key_pem())
            .unwrap()
            .encrypt(b"login")
            .unwrap();
        assert_eq!(second.auth.decrypt(&ct).unwrap(), b"login");
    }

    #[test]
    fn partial_key_set_is_an_error_and_is_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let keys = load_or_create_server_keys(dir.path(), "OpenIRP Test").unwrap();
        fs::remove_file(&keys.signing_cert_path).unwrap();
        let auth_before = fs::read(&keys.auth_key_path).unwrap();

        let err = load_or_create_server_keys(dir.path(), "OpenIRP Test").unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, CryptoError::KeyStore { .. }));
        assert!(message.contains("missing: signing-cert.pem"), "{message}");
        assert!(!keys.signing_cert_path.exists());
        assert_eq!(fs::read(&keys.auth_key_path).unwrap(), auth_before);
    }

    #[test]
    fn corrupt_key_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let keys = load_or_create_server_keys(dir.path(), "OpenIRP Test").unwrap();
        fs::write(&keys.auth_key_path, "").unwrap();
        let err = load_or_create_server_keys(dir.path(), "OpenIRP Test").unwrap_err();
        assert!(err.to_string().contains("auth-key.pem is empty"), "{err}");
        assert_eq!(fs::read(&keys.auth_key_path).unwrap(), b"");
    }
}
