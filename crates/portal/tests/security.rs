//! The portal's security edges over real HTTP: OTPs (wrong, expired, reused, locked, rate-limited),
//! CSRF, other developers' GSTINs, users and tokens, login lockout, production approval, and the IP
//! allow-list on the NIC API.

mod harness;

use harness::{Browser, TestPortal, create_user, mint_gstin, register, register_ok};
use openirp_client::Credentials;

async fn registration_otp(
    portal: &TestPortal,
    browser: &mut Browser,
    pan: &str,
    mobile: &str,
) -> String {
    browser.get("/register").await;
    let sent = browser
        .post(
            "/register",
            &[
                ("category", "GSP"),
                ("identifier", pan),
                ("name", "Edge GSP"),
                ("mobile", mobile),
                ("email", "edge@example.com"),
            ],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let _ = portal;
    sent.hidden("otp_id").unwrap()
}

#[tokio::test]
async fn a_wrong_otp_is_refused_and_five_wrong_ones_lock_it() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    let otp_id = registration_otp(&portal, &mut b, "AAAPE1111A", "9000000001").await;
    let right = portal.latest_otp("9000000001").await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for tries_left in (1..=4).rev() {
        let page = b
            .post("/register/verify", &[("otp_id", &otp_id), ("code", wrong)])
            .await;
        assert_eq!(page.status, 400);
        assert!(
            page.body.contains(&format!("{tries_left} tries left")),
            "{}",
            page.body
        );
    }
    let fifth = b
        .post("/register/verify", &[("otp_id", &otp_id), ("code", wrong)])
        .await;
    assert_eq!(fifth.status, 429, "{}", fifth.body);
    // Locked: even the right code no longer works, and nothing was issued.
    let late = b
        .post("/register/verify", &[("otp_id", &otp_id), ("code", &right)])
        .await;
    assert_eq!(late.status, 429);
    assert!(late.by_id("client-secret").is_none());
}

#[tokio::test]
async fn an_expired_otp_is_refused() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    let otp_id = registration_otp(&portal, &mut b, "AAAPE2222B", "9000000002").await;
    let code = portal.latest_otp("9000000002").await;
    portal.app.clock.advance(10 * 60 + 1);
    let page = b
        .post("/register/verify", &[("otp_id", &otp_id), ("code", &code)])
        .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("expired"), "{}", page.body);
}

#[tokio::test]
async fn an_otp_works_once() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    let otp_id = registration_otp(&portal, &mut b, "AAAPE3333C", "9000000003").await;
    let code = portal.latest_otp("9000000003").await;
    let first = b
        .post("/register/verify", &[("otp_id", &otp_id), ("code", &code)])
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.by_id("client-secret").is_some());
    let again = b
        .post("/register/verify", &[("otp_id", &otp_id), ("code", &code)])
        .await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("already used"), "{}", again.body);
}

#[tokio::test]
async fn otp_sending_is_rate_limited() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    let reg = register_ok(
        &portal,
        &mut b,
        "GSP",
        "AAAPE4444D",
        "Rate GSP",
        "9000000004",
    )
    .await;
    let mut other = portal.browser();
    other.get("/login").await;
    for _ in 0..5 {
        let page = other
            .post("/login/otp", &[("client_id", &reg.client_id), ("next", "")])
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
    }
    let sixth = other
        .post("/login/otp", &[("client_id", &reg.client_id), ("next", "")])
        .await;
    assert_eq!(sixth.status, 429, "{}", sixth.body);
}

#[tokio::test]
async fn forms_without_the_visitors_csrf_token_are_refused() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    b.get("/register").await;
    let fields = [
        ("category", "GSP"),
        ("identifier", "AAAPE5555E"),
        ("name", "Csrf GSP"),
        ("mobile", "9000000005"),
        ("email", "c@example.com"),
    ];
    let missing = b.post_raw("/register", &fields, &[]).await;
    assert_eq!(missing.status, 403, "{}", missing.body);
    // Another browser's token is not this browser's.
    let mut other = portal.browser();
    other.get("/register").await;
    let foreign = other.csrf.clone().unwrap();
    let mut with_foreign = vec![("csrf", foreign.as_str())];
    with_foreign.extend_from_slice(&fields);
    assert_eq!(
        b.post_raw("/register", &with_foreign, &[]).await.status,
        403
    );
    // The right token from another site's page.
    let own = b.csrf.clone().unwrap();
    let mut with_own = vec![("csrf", own.as_str())];
    with_own.extend_from_slice(&fields);
    let cross = b
        .post_raw(
            "/register",
            &with_own,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(cross.status, 403);
    // A proxy's forwarded host names the other site: still refused.
    let forwarded_elsewhere = b
        .post_raw(
            "/register",
            &with_own,
            &[
                ("origin", "https://evil.example"),
                ("x-forwarded-host", "portal.example"),
            ],
        )
        .await;
    assert_eq!(forwarded_elsewhere.status, 403);
    // No cookie at all (a forged form from elsewhere).
    let mut fresh = portal.browser();
    assert_eq!(
        fresh.post_raw("/register", &with_own, &[]).await.status,
        403
    );
    // Nothing was registered by any of them.
    assert!(
        portal
            .app
            .store
            .list_outbox(Some("9000000005"), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // And the same form with its token goes through, also from behind a proxy that forwards the host.
    let proxied = b
        .post_raw(
            "/register",
            &with_own,
            &[
                ("origin", "https://portal.example"),
                ("x-forwarded-host", "portal.example"),
            ],
        )
        .await;
    assert_eq!(proxied.status, 200, "{}", proxied.body);
}

#[tokio::test]
async fn another_developers_gstins_users_and_tokens_are_out_of_reach() {
    let portal = TestPortal::sandbox().await;
    let mut alice = portal.browser();
    let a = register_ok(
        &portal,
        &mut alice,
        "GSP",
        "AAAPA1234A",
        "Alice GSP",
        "9000000011",
    )
    .await;
    let alice_gstin = mint_gstin(&mut alice, "29").await;
    let (alice_user, alice_password) = create_user(&mut alice, &alice_gstin).await;

    let mut bob = portal.browser();
    register_ok(
        &portal,
        &mut bob,
        "GSP",
        "AAAPB1234B",
        "Bob GSP",
        "9000000012",
    )
    .await;
    bob.get("/workspace").await;
    let steal_gstin = bob
        .post(
            "/workspace/users",
            &[("gstin", &alice_gstin), ("username", ""), ("password", "")],
        )
        .await;
    assert_eq!(steal_gstin.status, 403, "{}", steal_gstin.body);
    for path in ["/workspace/users/password", "/workspace/users/active"] {
        let page = bob
            .post(path, &[("username", &alice_user), ("active", "false")])
            .await;
        assert_eq!(page.status, 403, "{path}: {}", page.body);
    }
    // Alice's live token cannot be revoked by Bob.
    let mut nic = portal
        .nic_client(Credentials {
            client_id: a.client_id.clone(),
            client_secret: a.client_secret.clone(),
            username: alice_user.clone(),
            password: alice_password.clone(),
            gstin: alice_gstin.clone(),
        })
        .await;
    let token = nic.authenticate(false).await.unwrap().auth_token.clone();
    let revoke = bob
        .post("/workspace/tokens/revoke", &[("token", &token)])
        .await;
    assert_eq!(revoke.status, 403);
    assert!(
        portal
            .app
            .store
            .session_by_token(&token)
            .await
            .unwrap()
            .is_some()
    );
    // Bob cannot mint GSTINs on Alice's PAN either: the workspace only ever uses his own PAN.
    let page = bob.get("/workspace").await;
    assert!(!page.body.contains(&alice_gstin));
}

#[tokio::test]
async fn password_login_locks_after_five_wrong_passwords() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    let reg = register_ok(
        &portal,
        &mut b,
        "GSP",
        "AAAPL1234L",
        "Lock GSP",
        "9000000021",
    )
    .await;
    b.get("/workspace").await;
    let set = b
        .post(
            "/workspace/password",
            &[("password", "Portal@123"), ("confirm", "Portal@123")],
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    let mut other = portal.browser();
    other.get("/login").await;
    let ok = other
        .post(
            "/login",
            &[
                ("client_id", &reg.client_id),
                ("password", "Portal@123"),
                ("next", "/workspace"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/workspace"));

    let mut attacker = portal.browser();
    attacker.get("/login").await;
    for _ in 0..4 {
        let page = attacker
            .post(
                "/login",
                &[
                    ("client_id", &reg.client_id),
                    ("password", "Wrong@123"),
                    ("next", ""),
                ],
            )
            .await;
        assert_eq!(page.status, 400);
    }
    let locked = attacker
        .post(
            "/login",
            &[
                ("client_id", &reg.client_id),
                ("password", "Wrong@123"),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    let right_but_locked = attacker
        .post(
            "/login",
            &[
                ("client_id", &reg.client_id),
                ("password", "Portal@123"),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(right_but_locked.status, 429);
}

#[tokio::test]
async fn pages_need_a_session_and_logout_ends_it() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    let anonymous = b.get("/workspace").await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.location.as_deref(),
        Some("/login?next=/workspace")
    );
    register_ok(
        &portal,
        &mut b,
        "GSP",
        "AAAPO1234O",
        "Out GSP",
        "9000000031",
    )
    .await;
    assert_eq!(b.get("/workspace").await.status, 200);
    let session = b.cookies.get("openirp_session").cloned().unwrap();
    b.get("/workspace").await;
    assert_eq!(b.post("/logout", &[]).await.status, 303);
    assert_eq!(b.get("/workspace").await.status, 303);
    // The old cookie value is dead on the server, not only forgotten by the browser.
    b.cookies.insert("openirp_session".into(), session);
    assert_eq!(b.get("/workspace").await.status, 303);
}

#[tokio::test]
async fn a_production_registration_waits_for_an_administrators_approval() {
    let portal = TestPortal::production().await;
    let mut dev = portal.browser();
    let page = register(
        &portal,
        &mut dev,
        "GSP",
        "AAAPP1234P",
        "Prod GSP",
        "9000000041",
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Registration received"), "{}", page.body);
    assert!(page.by_id("client-secret").is_none());
    assert!(!dev.cookies.contains_key("openirp_session"));
    assert_eq!(dev.get("/workspace").await.status, 303);
    let waiting = portal
        .app
        .store
        .list_developers("AWAITING_APPROVAL")
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].client_id.is_none());

    // Developers cannot approve; administrators can.
    let approve = format!("/admin/registrations/{}/approve", waiting[0].id);
    dev.get("/login").await;
    let refused = dev.post(&approve, &[]).await;
    assert_eq!(refused.status, 303);
    assert_eq!(
        refused.location.as_deref(),
        Some(format!("/admin/login?next={approve}").as_str())
    );

    openirp_portal::admin::create_admin(&*portal.app.store, "root", "correct horse battery", 0)
        .await
        .unwrap();
    let mut admin = portal.browser();
    admin.get("/admin/login").await;
    let wrong = admin
        .post(
            "/admin/login",
            &[("username", "root"), ("password", "nope"), ("next", "")],
        )
        .await;
    assert_eq!(wrong.status, 400);
    // Guessing pauses a name's admin login; the clock moving past the pause lifts it.
    openirp_portal::admin::create_admin(&*portal.app.store, "guessed", "another admin password", 0)
        .await
        .unwrap();
    let guess = [("username", "guessed"), ("password", "nope"), ("next", "")];
    for _ in 0..5 {
        assert_eq!(admin.post("/admin/login", &guess).await.status, 400);
    }
    let right = [
        ("username", "guessed"),
        ("password", "another admin password"),
        ("next", ""),
    ];
    let paused = admin.post("/admin/login", &right).await;
    assert_eq!(paused.status, 429, "{}", paused.body);
    portal.app.clock.advance(15 * 60 + 1);
    let back = admin.post("/admin/login", &right).await;
    assert_eq!(back.status, 303, "{}", back.body);
    let mut admin = portal.browser();
    admin.get("/admin/login").await;
    let signed = admin
        .post(
            "/admin/login",
            &[
                ("username", "root"),
                ("password", "correct horse battery"),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(signed.status, 303);
    let queue = admin.get("/admin").await;
    assert!(queue.body.contains("AAAPP1234P"), "{}", queue.body);
    let approved = admin.post(&approve, &[]).await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let dev_row = portal
        .app
        .store
        .get_developer(&waiting[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dev_row.status, "ACTIVE");
    let client_id = dev_row.client_id.unwrap();
    // The credentials went to the registered mobile, and only there.
    let sms = portal
        .app
        .store
        .list_outbox(Some("9000000041"), 10)
        .await
        .unwrap();
    assert!(
        sms.iter()
            .any(|m| m.body.contains(&client_id) && m.body.contains("Client secret"))
    );

    // Production user creation needs an OTP.
    let mut signed_dev = portal.browser();
    signed_dev.get("/login").await;
    let otp_page = signed_dev
        .post("/login/otp", &[("client_id", &client_id), ("next", "")])
        .await;
    let code = portal.latest_otp("9000000041").await;
    let otp_id = otp_page.hidden("otp_id").unwrap();
    let in_ = signed_dev
        .post("/login/otp/verify", &[("otp_id", &otp_id), ("code", &code)])
        .await;
    assert_eq!(in_.status, 303, "{}", in_.body);
    // No dummy GSTINs in production: a real one of the PAN must be in the master.
    signed_dev.get("/workspace").await;
    let mint = signed_dev
        .post("/workspace/gstins", &[("state_code", "29")])
        .await;
    assert_eq!(mint.status, 403);
    let gstin = openirp_model::gstin::make_gstin(29, "AAAPP1234P", 1).unwrap();
    portal
        .app
        .store
        .put_gstin(&openirp_server::sandbox::taxpayer_record(
            &gstin, 29, "Prod GSP", "Prod GSP",
        ))
        .await
        .unwrap();
    signed_dev.get("/workspace").await;
    let ask = signed_dev
        .post(
            "/workspace/users",
            &[
                ("gstin", &gstin),
                ("username", "produser1"),
                ("password", "Prod@1234"),
            ],
        )
        .await;
    assert_eq!(ask.status, 200, "{}", ask.body);
    let otp_id = ask.hidden("otp_id").expect("an OTP is asked for");
    assert!(
        portal
            .app
            .store
            .get_user("produser1")
            .await
            .unwrap()
            .is_none()
    );
    let code = portal.latest_otp("9000000041").await;
    let made = signed_dev
        .post(
            "/workspace/users/verify",
            &[("otp_id", &otp_id), ("code", &code)],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert!(
        portal
            .app
            .store
            .get_user("produser1")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn the_ip_allow_list_guards_the_nic_api() {
    let portal = TestPortal::sandbox().await;
    let mut b = portal.browser();
    let reg = register_ok(&portal, &mut b, "GSP", "AAAPI1234I", "Ip GSP", "9000000051").await;
    let gstin = mint_gstin(&mut b, "27").await;
    let (user, password) = create_user(&mut b, &gstin).await;
    let creds = Credentials {
        client_id: reg.client_id.clone(),
        client_secret: reg.client_secret.clone(),
        username: user,
        password,
        gstin: gstin.clone(),
    };
    b.get("/workspace").await;
    let five = b
        .post(
            "/workspace/ips",
            &[(
                "ips",
                "203.0.113.1 203.0.113.2 203.0.113.3 203.0.113.4 203.0.113.5",
            )],
        )
        .await;
    assert_eq!(five.status, 400);
    let elsewhere = b.post("/workspace/ips", &[("ips", "203.0.113.9")]).await;
    assert_eq!(elsewhere.status, 303);
    let mut nic = portal.nic_client(creds.clone()).await;
    let refused = nic.authenticate(false).await.unwrap_err();
    assert!(
        refused.to_string().contains("403") || refused.has_nic_code("1010"),
        "{refused}"
    );
    b.get("/workspace").await;
    b.post("/workspace/ips", &[("ips", "203.0.113.9\n127.0.0.1")])
        .await;
    let mut nic = portal.nic_client(creds).await;
    nic.authenticate(false).await.expect("allowed address");
}
