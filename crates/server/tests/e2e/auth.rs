use crate::harness::{TestServer, codes, first_code, raw_post};
use openirp_client::{ClientError, build_auth_request};
use openirp_crypto::AuthPublicKey;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reauth_returns_the_same_token_and_key_until_the_refresh_window() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let mut client = server.client(&tp).await;
    let first = client.authenticate(false).await.unwrap().clone();
    assert_eq!(first.auth_token.len(), 25);
    // A second login (with a new AppKey) gets the same token and the same session key.
    let second = client.authenticate(false).await.unwrap().clone();
    assert_eq!(second.auth_token, first.auth_token);
    assert_eq!(second.sek, first.sek);
    assert_eq!(second.token_expiry, first.token_expiry);
    // A forced refresh early in the token's life is not honoured.
    let forced_early = client.authenticate(true).await.unwrap().clone();
    assert_eq!(forced_early.auth_token, first.auth_token);

    // In the last 10 minutes it is: a new token and key, and the old token stops working.
    server.advance_clock(360 * 60 - 5 * 60).await;
    let old = server.logged_in(&tp).await;
    let refreshed = client.authenticate(true).await.unwrap().clone();
    assert_ne!(refreshed.auth_token, first.auth_token);
    assert_ne!(refreshed.sek, first.sek);
    client
        .gstin_details(&tp.gstin)
        .await
        .expect("new token works");
    let err = old.gstin_details(&tp.gstin).await.unwrap_err();
    assert_eq!(codes(&err), ["1005"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refused_and_a_new_login_gets_a_new_one() {
    let server = TestServer::start_with(|c| c.token_minutes = 60).await;
    let tp = server.new_taxpayer("27").await;
    let mut client = server.logged_in(&tp).await;
    let token = client.session().unwrap().auth_token.clone();
    server.advance_clock(61 * 60).await;
    let err = client.gstin_details(&tp.gstin).await.unwrap_err();
    assert_eq!(codes(&err), ["1005"]);
    let fresh = client.authenticate(false).await.unwrap();
    assert_ne!(fresh.auth_token, token);
    client.gstin_details(&tp.gstin).await.unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_errors_carry_nics_codes() {
    let server = TestServer::start().await;
    let a = server.new_taxpayer("29").await;
    let b = server.new_taxpayer("07").await;
    let key = AuthPublicKey::from_pem(&server.auth_public_key().await).unwrap();
    let body = |user: &str, pw: &str| build_auth_request(&key, user, pw, false).unwrap().body;
    let auth = "/eivital/v1.04/auth";
    let hdr = |tp: &crate::harness::Taxpayer| {
        vec![
            ("client_id", tp.client_id.clone()),
            ("client_secret", tp.client_secret.clone()),
            ("gstin", tp.gstin.clone()),
        ]
    };
    let call = |headers: Vec<(&'static str, String)>, body: String| {
        let server = &server;
        async move {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            raw_post(server, auth, &h, body).await
        }
    };
    let good = body(&a.username, &a.password);

    let mut h = hdr(&a);
    h.retain(|(k, _)| *k != "client_id");
    assert_eq!(first_code(&call(h, good.clone()).await), "1011");
    let mut h = hdr(&a);
    h.retain(|(k, _)| *k != "client_secret");
    assert_eq!(first_code(&call(h, good.clone()).await), "1012");
    let mut h = hdr(&a);
    h.retain(|(k, _)| *k != "gstin");
    assert_eq!(first_code(&call(h, good.clone()).await), "1004");
    let mut h = hdr(&a);
    h[1].1 = "wrong-secret".into();
    assert_eq!(first_code(&call(h, good.clone()).await), "1010");
    assert_eq!(
        first_code(&call(hdr(&a), body(&a.username, "Wrong@123")).await),
        "1019"
    );
    assert_eq!(
        first_code(&call(hdr(&a), body("nobody_here", "Wrong@123")).await),
        "1017"
    );
    // B's user through A's client id: not mapped.
    assert_eq!(
        first_code(&call(hdr(&a), body(&b.username, &b.password)).await),
        "1018"
    );
    // A's user asking for B's GSTIN.
    let mut h = hdr(&a);
    h[2].1 = b.gstin.clone();
    assert_eq!(first_code(&call(h, good.clone()).await), "1015");
    // Not encrypted with our key, not base64, no Data at all.
    assert_eq!(
        first_code(&call(hdr(&a), r#"{"Data":"AAAA"}"#.into()).await),
        "1020"
    );
    assert_eq!(
        first_code(&call(hdr(&a), r#"{"Data":"***"}"#.into()).await),
        "1020"
    );
    let empty = call(hdr(&a), "{}".into()).await;
    assert_eq!(first_code(&empty), "5003");
    assert_eq!(
        empty["ErrorDetails"][0]["ErrorMessage"],
        "Data cannot be null or empty"
    );
    // The well-formed login still works after all that.
    let ok = call(hdr(&a), good).await;
    assert_eq!(ok["Status"], 1, "{ok}");
    assert_eq!(ok["Data"]["UserName"], a.username.as_str());
    assert_eq!(ok["Data"]["Sek"].as_str().unwrap().len(), 64);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_errors_on_api_calls() {
    let server = TestServer::start().await;
    let a = server.new_taxpayer("29").await;
    let b = server.new_taxpayer("29").await;
    let ca = server.logged_in(&a).await;
    let cb = server.logged_in(&b).await;
    let token_a = ca.session().unwrap().auth_token.clone();
    let path = format!("/eivital/v1.04/Master/gstin/{}", a.gstin);
    let get = |headers: Vec<(&'static str, String)>| {
        let server = &server;
        let path = path.clone();
        async move {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            crate::harness::raw_get(server, &path, &h).await
        }
    };
    let base = || {
        vec![
            ("client_id", a.client_id.clone()),
            ("client_secret", a.client_secret.clone()),
            ("gstin", a.gstin.clone()),
            ("user_name", a.username.clone()),
            ("authtoken", token_a.clone()),
        ]
    };
    assert_eq!(get(base()).await["Status"], 1);
    let without = |name: &str| {
        base()
            .into_iter()
            .filter(|(k, _)| *k != name)
            .collect::<Vec<_>>()
    };
    assert_eq!(first_code(&get(without("client_id")).await), "1011");
    assert_eq!(first_code(&get(without("client_secret")).await), "1012");
    assert_eq!(first_code(&get(without("gstin")).await), "1004");
    assert_eq!(first_code(&get(without("user_name")).await), "1006");
    assert_eq!(first_code(&get(without("authtoken")).await), "1005");
    let with = |i: usize, v: String| {
        let mut h = base();
        h[i].1 = v;
        h
    };
    assert_eq!(first_code(&get(with(1, "bad".into())).await), "1010");
    assert_eq!(first_code(&get(with(4, "notatoken".into())).await), "1005");
    // B's token with A's client: invalid for this client.
    assert_eq!(
        first_code(&get(with(4, cb.session().unwrap().auth_token.clone())).await),
        "1005"
    );
    assert_eq!(first_code(&get(with(3, b.username.clone())).await), "1005");
    // The GSTIN header of another user.
    assert_eq!(first_code(&get(with(2, b.gstin.clone())).await), "1015");

    // Header names in any case, with '-' for '_'.
    let spelled = vec![
        ("Client-Id", a.client_id.clone()),
        ("CLIENT_SECRET", a.client_secret.clone()),
        ("Gstin", a.gstin.clone()),
        ("User-Name", a.username.clone()),
        ("AuthToken", token_a.clone()),
    ];
    assert_eq!(get(spelled).await["Status"], 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_v103_login_still_works() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("33").await;
    let key = AuthPublicKey::from_pem(&server.auth_public_key().await).unwrap();
    let app_key = openirp_crypto::random_key();
    let b64 = openirp_crypto::b64_encode;
    let body = serde_json::json!({"data": {
        "UserName": tp.username,
        "Password": b64(&key.encrypt(tp.password.as_bytes()).unwrap()),
        "AppKey": b64(&key.encrypt(&app_key).unwrap()),
        "ForceRefreshAccessToken": false
    }});
    let h = [
        ("client_id", tp.client_id.as_str()),
        ("client_secret", tp.client_secret.as_str()),
    ];
    let out = raw_post(&server, "/eivital/v1.03/auth", &h, body.to_string()).await;
    assert_eq!(out["Status"], 1, "{out}");
    let sek =
        openirp_crypto::aes_decrypt_b64(&app_key, out["Data"]["Sek"].as_str().unwrap()).unwrap();
    assert_eq!(sek.len(), 32);
    // The same session as a v1.04 login would get.
    let modern = server.logged_in(&tp).await;
    assert_eq!(modern.session().unwrap().sek.as_slice(), sek.as_slice());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_before_login_fail_in_the_client() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.client(&tp).await;
    assert!(matches!(
        client.gstin_details(&tp.gstin).await,
        Err(ClientError::NotAuthenticated)
    ));
    server.stop().await;
}
