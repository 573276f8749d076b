use crate::harness::{TestServer, copy_keys};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openirp_server::StartError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_published_and_agree_with_each_other() {
    let server = TestServer::start().await;
    let pem = server.auth_public_key().await;
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    let cert = server.signing_cert().await;
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"));

    let (key, jwk) = server.jwks_key().await;
    let kid = jwk["kid"].as_str().unwrap();
    assert_eq!(kid.len(), 40);
    assert!(
        kid.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
    );
    let kid_bytes: Vec<u8> = (0..20)
        .map(|i| u8::from_str_radix(&kid[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    assert_eq!(
        jwk["x5t"].as_str().unwrap(),
        URL_SAFE_NO_PAD.encode(&kid_bytes)
    );
    assert_eq!(jwk["alg"], "RS256");

    // The JWK's modulus and exponent verify what the server signs, as an independent library sees it.
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let doc = crate::harness::intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "K/1");
    let out = client.generate_irn(doc.as_bytes()).await.unwrap();
    let jws = out["SignedInvoice"].as_str().unwrap();
    let token =
        jsonwebtoken::decode::<serde_json::Value>(jws, &key, &crate::harness::nic_jwt_validation())
            .expect("verifies with the JWK");
    assert_eq!(token.header.kid.as_deref(), Some(kid));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_private_files_and_a_restart_reuses_them() {
    let server = TestServer::start().await;
    let dir = server.data_dir.clone();
    let pem = server.auth_public_key().await;
    let cert = server.signing_cert().await;
    let keep = server.stop().await;

    use std::os::unix::fs::PermissionsExt;
    for name in ["auth-key.pem", "signing-key.pem", "signing-cert.pem"] {
        let mode = std::fs::metadata(dir.join("keys").join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
    if let Some(db) = keep.sqlite_file() {
        let db_mode = std::fs::metadata(db).unwrap().permissions().mode() & 0o777;
        assert_eq!(db_mode, 0o600);
    }

    let again = keep.restart(|_| {}).await;
    assert_eq!(again.auth_public_key().await, pem);
    assert_eq!(again.signing_cert().await, cert);
    again.stop().await;
    drop(keep);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_with_other_keys_is_refused_until_they_are_adopted() {
    let server = TestServer::start().await;
    let dir = server.data_dir.clone();
    let first_cert = server.signing_cert().await;
    let keep = server.stop().await;
    let keys = dir.join("keys");
    let saved = tempfile::tempdir().unwrap();
    copy_keys(&dir, saved.path());

    // The key folder lost: the start is refused, and no keys of its own are made.
    std::fs::remove_dir_all(&keys).unwrap();
    let refused = keep.try_restart(|_| {}).await.err().expect("refused");
    assert!(
        matches!(&refused, StartError::KeysDiffer(m) if m.contains("holds no keys")),
        "{refused}"
    );
    assert!(!keys.exists(), "a refused node made keys");

    // Another deployment's keys: refused too.
    let other = TestServer::start().await;
    let other_cert = other.signing_cert().await;
    let other_keep = other.stop().await;
    copy_keys(&other_keep.data_dir, &dir);
    let refused = keep.try_restart(|_| {}).await.err().expect("refused");
    assert!(
        matches!(&refused, StartError::KeysDiffer(m) if m.contains("is not the one")),
        "{refused}"
    );

    // Adopted on purpose: the node starts and publishes them; now the first keys are refused.
    let adopted = keep.restart(|c| c.adopt_keys = true).await;
    assert_eq!(adopted.signing_cert().await, other_cert);
    adopted.stop().await;
    std::fs::remove_dir_all(&keys).unwrap();
    copy_keys(saved.path(), &dir);
    assert!(keep.try_restart(|_| {}).await.is_err());
    let back = keep.restart(|c| c.adopt_keys = true).await;
    assert_eq!(back.signing_cert().await, first_cert);
    back.stop().await;
    drop((keep, other_keep));
}
