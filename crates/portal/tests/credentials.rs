//! Credentials management seen from a NIC client over HTTP: a reset client secret, a reset password, a
//! disabled user and a revoked token each stop working at once, and a GSP's live token on a taxpayer's
//! user dies when the taxpayer unlinks the GSP.

mod harness;

use harness::{Browser, TestPortal, create_user, mint_gstin, register_ok};
use openirp_client::{Credentials, NicClient};

struct Setup {
    portal: TestPortal,
    browser: Browser,
    creds: Credentials,
}

async fn gsp_with_user() -> Setup {
    let portal = TestPortal::sandbox().await;
    let mut browser = portal.browser();
    let reg = register_ok(
        &portal,
        &mut browser,
        "GSP",
        "AAACM1234M",
        "Cred GSP",
        "9000000061",
    )
    .await;
    let gstin = mint_gstin(&mut browser, "07").await;
    let (username, password) = create_user(&mut browser, &gstin).await;
    let creds = Credentials {
        client_id: reg.client_id,
        client_secret: reg.client_secret,
        username,
        password,
        gstin,
    };
    Setup {
        portal,
        browser,
        creds,
    }
}

/// A GSTIN lookup through the session: any authenticated call would do.
async fn call_works(nic: &NicClient, gstin: &str) -> Result<(), String> {
    nic.gstin_details(gstin)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_reset_client_secret_replaces_the_old_one_at_once() {
    let mut s = gsp_with_user().await;
    let mut nic = s.portal.nic_client(s.creds.clone()).await;
    nic.authenticate(false).await.unwrap();
    s.browser.get("/workspace").await;
    let page = s.browser.post("/workspace/secret", &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let new_secret = page.by_id("client-secret").unwrap();
    assert_ne!(new_secret, s.creds.client_secret);
    // The old secret fails on the live session and on a new login (NIC 1010).
    let stale = call_works(&nic, &s.creds.gstin).await.unwrap_err();
    assert!(stale.contains("1010"), "{stale}");
    let mut old = s.portal.nic_client(s.creds.clone()).await;
    assert!(
        old.authenticate(false)
            .await
            .unwrap_err()
            .has_nic_code("1010")
    );
    let mut fresh = s
        .portal
        .nic_client(Credentials {
            client_secret: new_secret.clone(),
            ..s.creds.clone()
        })
        .await;
    fresh
        .authenticate(false)
        .await
        .expect("the new secret works");
    // And it went to the registered mobile.
    let sms = s
        .portal
        .app
        .store
        .list_outbox(Some("9000000061"), 5)
        .await
        .unwrap();
    assert!(sms[0].body.contains(&new_secret));
}

#[tokio::test]
async fn a_reset_password_and_a_disabled_user_end_the_users_access() {
    let mut s = gsp_with_user().await;
    let mut nic = s.portal.nic_client(s.creds.clone()).await;
    nic.authenticate(false).await.unwrap();
    s.browser.get("/workspace").await;
    let page = s
        .browser
        .post(
            "/workspace/users/password",
            &[("username", &s.creds.username), ("password", "")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let new_password = page.by_id("new-password").unwrap();
    assert!(
        call_works(&nic, &s.creds.gstin)
            .await
            .unwrap_err()
            .contains("1005")
    );
    let mut old = s.portal.nic_client(s.creds.clone()).await;
    assert!(
        old.authenticate(false)
            .await
            .unwrap_err()
            .has_nic_code("1019")
    );
    let creds = Credentials {
        password: new_password,
        ..s.creds.clone()
    };
    let mut nic = s.portal.nic_client(creds.clone()).await;
    nic.authenticate(false)
        .await
        .expect("the new password works");

    s.browser.get("/workspace").await;
    let off = s
        .browser
        .post(
            "/workspace/users/active",
            &[("username", &creds.username), ("active", "false")],
        )
        .await;
    assert_eq!(off.status, 303);
    assert!(
        call_works(&nic, &creds.gstin)
            .await
            .unwrap_err()
            .contains("1005")
    );
    let mut again = s.portal.nic_client(creds.clone()).await;
    assert!(
        again
            .authenticate(false)
            .await
            .unwrap_err()
            .has_nic_code("1014")
    );
    s.browser.get("/workspace").await;
    s.browser
        .post(
            "/workspace/users/active",
            &[("username", &creds.username), ("active", "true")],
        )
        .await;
    again.authenticate(false).await.expect("enabled again");
}

#[tokio::test]
async fn live_tokens_are_listed_and_can_be_revoked() {
    let mut s = gsp_with_user().await;
    let mut nic = s.portal.nic_client(s.creds.clone()).await;
    let token = nic.authenticate(false).await.unwrap().auth_token.clone();
    let page = s.browser.get("/workspace").await;
    assert!(
        page.body
            .contains(&format!("name=\"token\" value=\"{token}\"")),
        "token listed"
    );
    let done = s
        .browser
        .post("/workspace/tokens/revoke", &[("token", &token)])
        .await;
    assert_eq!(done.status, 303);
    assert!(
        call_works(&nic, &s.creds.gstin)
            .await
            .unwrap_err()
            .contains("1005")
    );
    let page = s.browser.get("/workspace").await;
    assert!(!page.body.contains(&token));
}

#[tokio::test]
async fn unlinking_a_gsp_ends_its_live_tokens_on_the_taxpayers_users() {
    let portal = TestPortal::sandbox().await;
    let mut gsp_browser = portal.browser();
    let gsp = register_ok(
        &portal,
        &mut gsp_browser,
        "GSP",
        "AAACN1234N",
        "Link GSP",
        "9000000071",
    )
    .await;
    let mut tp_browser = portal.browser();
    let gstin = openirp_model::gstin::make_gstin(24, "AAACT9999T", 1).unwrap();
    register_ok(
        &portal,
        &mut tp_browser,
        "TAXPAYER",
        &gstin,
        "",
        "9000000072",
    )
    .await;
    let (username, password) = create_user(&mut tp_browser, &gstin).await;
    tp_browser.get("/workspace").await;
    let linked = tp_browser
        .post("/workspace/links", &[("gsp_client", &gsp.client_id)])
        .await;
    assert_eq!(linked.status, 303, "{}", linked.body);
    let through_gsp = Credentials {
        client_id: gsp.client_id.clone(),
        client_secret: gsp.client_secret.clone(),
        username,
        password,
        gstin: gstin.clone(),
    };
    let mut nic = portal.nic_client(through_gsp.clone()).await;
    nic.authenticate(false)
        .await
        .expect("the linked GSP logs in");
    call_works(&nic, &gstin).await.unwrap();
    // The GSP cannot unlink itself from the taxpayer's side.
    gsp_browser.get("/workspace").await;
    let not_taxpayer = gsp_browser
        .post("/workspace/links/remove", &[("gsp_client", &gsp.client_id)])
        .await;
    assert_eq!(not_taxpayer.status, 403);
    tp_browser.get("/workspace").await;
    let unlinked = tp_browser
        .post("/workspace/links/remove", &[("gsp_client", &gsp.client_id)])
        .await;
    assert_eq!(unlinked.status, 303);
    assert!(call_works(&nic, &gstin).await.unwrap_err().contains("1005"));
    let mut again = portal.nic_client(through_gsp).await;
    assert!(
        again
            .authenticate(false)
            .await
            .unwrap_err()
            .has_nic_code("1018")
    );
}

#[tokio::test]
async fn users_are_made_only_for_own_active_gstins_within_nics_limits() {
    let mut s = gsp_with_user().await;
    let gstin = s.creds.gstin.clone();
    s.browser.get("/workspace").await;
    let weak = s
        .browser
        .post(
            "/workspace/users",
            &[
                ("gstin", &gstin),
                ("username", "weakpass1"),
                ("password", "password"),
            ],
        )
        .await;
    assert_eq!(weak.status, 400);
    assert!(weak.body.contains("3003"));
    let taken = s
        .browser
        .post(
            "/workspace/users",
            &[
                ("gstin", &gstin),
                ("username", &s.creds.username),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(taken.status, 409);
    for _ in 0..9 {
        create_user(&mut s.browser, &gstin).await;
    }
    s.browser.get("/workspace").await;
    let eleventh = s
        .browser
        .post(
            "/workspace/users",
            &[("gstin", &gstin), ("username", ""), ("password", "")],
        )
        .await;
    assert_eq!(eleventh.status, 409);
    assert!(eleventh.body.contains("3007"));
}
