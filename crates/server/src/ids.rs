//! Random identifiers and credentials from the OS random source.

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER_DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters drawn uniformly from `alphabet` (rejection sampling avoids modulo bias).
pub fn random_from(alphabet: &[u8], len: usize) -> String {
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut buf = [0u8; 64];
        if getrandom::fill(&mut buf).is_err() {
            // The OS random source does not fail on supported systems; fall back to a fresh key.
            buf[..32].copy_from_slice(&openirp_crypto::random_key());
        }
        for &b in buf.iter().filter(|&&b| usize::from(b) < limit) {
            if out.len() == len {
                break;
            }
            out.push(alphabet[usize::from(b) % alphabet.len()] as char);
        }
    }
    out
}

/// An auth token: 25 letters and digits, like NIC's.
pub fn auth_token() -> String {
    random_from(ALNUM, 25)
}

/// A client id: 20 capital letters and digits.
pub fn client_id() -> String {
    random_from(UPPER_DIGITS, 20)
}

/// A client secret: 24 letters and digits.
pub fn client_secret() -> String {
    random_from(ALNUM, 24)
}

/// A sandbox API user name: short, since user name and password share 66 bytes of the RSA block.
pub fn username() -> String {
    format!("api_{}", random_from(LOWER_DIGITS, 8))
}

/// A password that meets NIC's policy (upper, lower, digit and one of `% $ # @ _ ! *`).
pub fn password() -> String {
    format!(
        "{}{}{}@{}",
        random_from(b"ABCDEFGHJKLMNPQRSTUVWXYZ", 2),
        random_from(b"abcdefghijkmnpqrstuvwxyz", 4),
        random_from(b"23456789", 3),
        random_from(ALNUM, 3)
    )
}

/// A PAN-shaped identifier for a dummy taxpayer: the fourth letter `C` marks a company.
pub fn pan() -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    format!(
        "{}C{}{}{}",
        random_from(letters, 3),
        random_from(letters, 1),
        random_from(b"0123456789", 4),
        random_from(letters, 1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_credentials_have_their_shapes() {
        assert_eq!(auth_token().len(), 25);
        assert_ne!(auth_token(), auth_token());
        assert!(client_id().bytes().all(|b| UPPER_DIGITS.contains(&b)));
        let p = password();
        assert!(p.bytes().any(|b| b.is_ascii_uppercase()));
        assert!(p.bytes().any(|b| b.is_ascii_lowercase()));
        assert!(p.bytes().any(|b| b.is_ascii_digit()));
        assert!(p.contains('@'));
        assert!(openirp_model::gstin::is_pan(&pan()));
        assert!(username().len() + p.len() <= 66);
    }
}
