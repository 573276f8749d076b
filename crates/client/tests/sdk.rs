//! The SDK against a real OpenIRP server on loopback: every call, managed sessions (token cache,
//! renewal, 1005 recovery) and the safe Generate IRN that survives a lost answer.

mod support;

use std::sync::Arc;
use std::time::Duration;
use support::{Server, today};

use openirp_client::{ClientError, Credentials, NicClient, RetryPolicy};
use serde_json::Value;

/// NIC's sample invoice (inter-state, seller in state 37) for `seller`, dated today.
fn nic_sample(seller: &str, doc_no: &str) -> String {
    include_str!("../../server/tests/fixtures/nic-sample-invoice.json")
        .replace("{{DOC_DATE}}", &today())
        .replace("37ARZPT4384Q1MT", seller)
        .replace("\"DOC/001\"", &format!("\"{doc_no}\""))
}

/// A different valid invoice (intra-state in 37, total 4130) under the same document number.
fn small_invoice(seller: &str, doc_no: &str) -> String {
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},
        "DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},
        "SellerDtls":{{"Gstin":"{seller}","LglNm":"Seller Ltd","Addr1":"Main Road","Loc":"Kurnool","Pin":518001,"Stcd":"37"}},
        "BuyerDtls":{{"Gstin":"37ARZPT4384Q1MT","LglNm":"Buyer Ltd","Pos":"37","Addr1":"MG Road","Loc":"Kurnool","Pin":518001,"Stcd":"37"}},
        "ItemList":[
          {{"SlNo":"1","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":500.0,"TotAmt":1000.0,"AssAmt":1000.0,"GstRt":18,"CgstAmt":90.00,"SgstAmt":90.00,"TotItemVal":1180.0}},
          {{"SlNo":"2","IsServc":"Y","HsnCd":"998314","UnitPrice":2500,"TotAmt":2500,"AssAmt":2500,"GstRt":18,"CgstAmt":225,"SgstAmt":225,"TotItemVal":2950}}],
        "ValDtls":{{"AssVal":3500.0,"CgstVal":315,"SgstVal":315,"TotInvVal":4130.00}}}}"#,
        date = today()
    )
}

fn token(client: &NicClient) -> String {
    client.session().expect("a session").auth_token.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_works_typed_and_logs_in_by_itself() {
    let server = Server::start(|_| {}).await;
    let creds = server.taxpayer("37").await;
    let gstin = creds.gstin.clone();
    let client = server.managed(creds);
    assert!(client.session().is_none());

    let invoice = nic_sample(&gstin, "SDK/1");
    let made = client.generate(invoice.as_bytes()).await.unwrap();
    assert_eq!(made.irn.len(), 64);
    assert_eq!(made.ack_no.to_string().len(), 15);
    assert_eq!(made.status.as_deref(), Some("ACT"));
    assert_eq!(made.ewb_no, None);
    assert!(made.signed_invoice.starts_with("eyJ"));

    assert_eq!(client.irn_details(&made.irn).await.unwrap(), made);
    let by_doc = client
        .irn_details_by_doc("INV", "sdk/1", &today())
        .await
        .unwrap();
    assert_eq!(by_doc.irn, made.irn);

    let master = client.gstin_record(&gstin).await.unwrap();
    assert_eq!(master.gstin, gstin);
    assert_eq!(master.state_code, Some(37));
    assert_eq!(master.status.as_deref(), Some("ACT"));
    let synced = client.synced_gstin_record(&gstin).await.unwrap();
    assert_eq!(synced.gstin, gstin);
    assert!(client.rejected_irn_list(&today()).await.unwrap().is_empty());

    let cancelled = client
        .cancel(&made.irn, "2", "Data entry mistake")
        .await
        .unwrap();
    assert_eq!(cancelled.irn, made.irn);
    assert_eq!(cancelled.cancel_date.len(), 19);
    let after = client.irn_details(&made.irn).await.unwrap();
    assert_eq!(after.status.as_deref(), Some("CNL"));

    // The Value methods still answer the raw decrypted JSON.
    let raw = client
        .generate_irn(nic_sample(&gstin, "SDK/2").as_bytes())
        .await
        .unwrap();
    let irn = raw["Irn"].as_str().unwrap();
    assert_eq!(client.get_irn(irn).await.unwrap()["Irn"], irn);

    // NIC errors carry their codes and nothing else for a non-duplicate.
    let err = client.generate(b"{}").await.unwrap_err();
    assert!(!err.nic_codes().is_empty(), "{err}");
    assert!(err.duplicate_irn_info().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_file_is_private_reused_and_keyed() {
    let server = Server::start(|_| {}).await;
    let creds = server.taxpayer("29").await;
    let other = server.taxpayer("29").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.json");

    let first = server.managed(creds.clone()).with_session_file(&path);
    first.gstin_record(&creds.gstin).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["key"]["gstin"], creds.gstin.as_str());

    // A wrong password cannot log in: the second client works only because it reuses the file.
    let mut no_login = creds.clone();
    no_login.password = "Wrong#Passw0rd".into();
    let second = server.managed(no_login.clone()).with_session_file(&path);
    assert_eq!(token(&second), token(&first));
    second.gstin_record(&creds.gstin).await.unwrap();

    // Another GSTIN (or user, client, IRP) never picks the file up.
    let mut foreign = no_login.clone();
    foreign.gstin = other.gstin.clone();
    assert!(
        server
            .managed(foreign)
            .with_session_file(&path)
            .session()
            .is_none()
    );
    let mut elsewhere = NicClient::new(
        &format!("{}/", server.base.replace("127.0.0.1", "localhost")),
        &server.pem,
        no_login,
    )
    .unwrap()
    .with_session_file(&path);
    assert!(elsewhere.session().is_none());
    assert!(
        elsewhere.authenticate(false).await.is_err(),
        "the wrong password is refused"
    );

    // A missing file is not an error, and the first login creates it.
    let fresh_path = dir.path().join("fresh.json");
    let third = server.managed(other.clone()).with_session_file(&fresh_path);
    third.gstin_record(&other.gstin).await.unwrap();
    assert!(fresh_path.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_renewed_once_for_many_concurrent_calls() {
    let server = Server::start(|c| c.token_minutes = 60).await;
    let creds = server.taxpayer("37").await;
    let gstin = creds.gstin.clone();
    let client = Arc::new(server.managed(creds));
    client.gstin_record(&gstin).await.unwrap();
    let before = token(&client);

    // The server's clock passes the expiry; this machine's does not, so only 1005 can tell.
    server.advance_clock(61 * 60).await;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..8 {
        let client = client.clone();
        let invoice = nic_sample(&gstin, &format!("CONC/{i}"));
        calls.spawn(async move { client.generate(invoice.as_bytes()).await });
    }
    let mut irns = std::collections::HashSet::new();
    while let Some(done) = calls.join_next().await {
        irns.insert(done.unwrap().expect("renewed and generated").irn);
    }
    assert_eq!(irns.len(), 8);
    let after = token(&client);
    assert_ne!(after, before);
    // The calls all ended on one session, which keeps working.
    client.gstin_record(&gstin).await.unwrap();
    assert_eq!(token(&client), after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_token_recovers_from_1005() {
    let server = Server::start(|_| {}).await;
    let creds = server.taxpayer("29").await;
    let gstin = creds.gstin.clone();
    let client = server.managed(creds.clone());
    client.gstin_record(&gstin).await.unwrap();
    let old = token(&client);

    // In the last 10 minutes another process forces a refresh: the old token now gets 1005.
    server.advance_clock(355 * 60).await;
    let mut other = NicClient::new(&server.base, &server.pem, creds.clone()).unwrap();
    let new = other.authenticate(true).await.unwrap().auth_token.clone();
    assert_ne!(new, old);
    // Without renewal the old session simply fails.
    let unmanaged = NicClient::new(&server.base, &server.pem, creds)
        .unwrap()
        .with_session_renewal(false);
    unmanaged.set_session((*client.session().unwrap()).clone());
    let err = unmanaged.gstin_details(&gstin).await.unwrap_err();
    assert_eq!(err.nic_codes(), ["1005"]);

    client.gstin_record(&gstin).await.expect("recovered");
    assert_eq!(token(&client), new);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_safely_survives_a_lost_answer_with_exactly_one_irn() {
    let server = Server::start(|_| {}).await;
    let creds = server.taxpayer("37").await;
    let gstin = creds.gstin.clone();
    let client = server.managed(creds).with_retry_policy(RetryPolicy {
        attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
    });
    let invoice = nic_sample(&gstin, "SAFE/1");

    // The IRP commits, then the connection drops: the retry meets 2150 and fetches the original.
    server.drop_next_generate_response().await;
    let got = client.generate_safely(invoice.as_bytes()).await.unwrap();
    assert!(got.recovered);
    let registered = client
        .irn_details_by_doc("INV", "SAFE/1", &today())
        .await
        .unwrap();
    assert_eq!(got.details.irn, registered.irn);
    assert_eq!(got.details.ack_no, registered.ack_no);
    assert!(!got.details.signed_invoice.is_empty());

    // An ERP resending after a crash gets the same IRN back.
    let again = client.generate_safely(invoice.as_bytes()).await.unwrap();
    assert!(again.recovered);
    assert_eq!(again.details.irn, registered.irn);

    // A plain first send registers and says so.
    let fresh = client
        .generate_safely(nic_sample(&gstin, "SAFE/2").as_bytes())
        .await
        .unwrap();
    assert!(!fresh.recovered);

    // A different invoice under a used document number is refused, never given the old IRN.
    let err = client
        .generate_safely(small_invoice(&gstin, "safe/1").as_bytes())
        .await
        .unwrap_err();
    match err {
        ClientError::DuplicateMismatch { irn, differences } => {
            assert_eq!(irn, registered.irn);
            assert!(
                differences
                    .iter()
                    .any(|d| d.starts_with("ValDtls.TotInvVal")),
                "{differences:?}"
            );
        }
        other => panic!("expected DuplicateMismatch, got {other}"),
    }

    // Business errors are answers: returned at once, not retried.
    let err = client.generate_safely(b"{}").await.unwrap_err();
    assert!(matches!(err, ClientError::Nic { .. }), "{err}");
    assert!(matches!(
        client.generate_safely(b"not json").await,
        Err(ClientError::Protocol(_))
    ));
}

#[tokio::test]
async fn generate_safely_gives_up_on_transport_errors_after_the_policy() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let pem = openirp_crypto::AuthKeyPair::generate()
        .unwrap()
        .public_key_pem();
    let creds = Credentials {
        client_id: "c".into(),
        client_secret: "s".into(),
        username: "u".into(),
        password: "p".into(),
        gstin: "29AAACL07TXPJK4".into(),
    };
    let client = NicClient::new(&format!("http://127.0.0.1:{port}"), &pem, creds)
        .unwrap()
        .with_retry_policy(RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(5),
        });
    let started = std::time::Instant::now();
    let err = client
        .generate_safely(br#"{"DocDtls":{}}"#)
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Http(_)), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(10), "two waits");
}
