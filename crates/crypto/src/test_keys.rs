//! Keys shared by the unit tests: RSA key generation costs ~50 ms, so each
//! kind is generated once per test binary.

use std::sync::OnceLock;

use crate::{AuthKeyPair, SigningIdentity};

pub(crate) fn auth_pair() -> &'static AuthKeyPair {
    static PAIR: OnceLock<AuthKeyPair> = OnceLock::new();
    PAIR.get_or_init(|| AuthKeyPair::generate().expect("generate auth key"))
}

pub(crate) fn signing_identity() -> &'static SigningIdentity {
    static IDENTITY: OnceLock<SigningIdentity> = OnceLock::new();
    IDENTITY.get_or_init(|| SigningIdentity::generate("OpenIRP Test Signer").expect("generate"))
}
