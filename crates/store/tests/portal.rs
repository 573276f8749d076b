//! The developer-portal half of the store, on every backend (see `support`): accounts, OTPs,
//! browser sessions, the outbox, GSP links, and what a developer manages.

mod support;

use std::time::Duration;

use openirp_store::{
    Admin, ApiClient, ApiUser, Developer, Otp, OtpUse, OutboxMessage, PortalSession, Session,
    Store, StoreError, TaxpayerBundle,
};
use support::backends;
use support::records::{NOW, gstin};

fn developer(id: &str, category: &str, pan: &str) -> Developer {
    Developer {
        id: id.to_string(),
        category: category.to_string(),
        pan: pan.to_string(),
        gstin: (category == "TAXPAYER").then(|| format!("29{pan}1Z5")),
        name: format!("Dev {id}"),
        mobile: "9999999999".to_string(),
        email: format!("{id}@example.com"),
        status: "PENDING".to_string(),
        client_id: None,
        password_hash: None,
        failed_logins: 0,
        locked_until: 0,
        created_at: NOW,
    }
}

fn client(id: &str) -> ApiClient {
    ApiClient {
        client_id: id.to_string(),
        secret_hash: format!("hash-{id}"),
        name: format!("Client {id}"),
        pan: Some("AAACB1234C".to_string()),
        created_at: NOW,
        allowed_ips: Vec::new(),
    }
}

fn user(name: &str, owner: Option<&str>) -> ApiUser {
    ApiUser {
        username: name.to_string(),
        gstin: "29AAACB1234C1Z5".to_string(),
        password_hash: format!("pw-{name}"),
        active: true,
        created_at: NOW,
        owner_client: owner.map(str::to_string),
    }
}

fn otp(id: &str, created_at: i64) -> Otp {
    Otp {
        id: id.to_string(),
        purpose: "LOGIN".to_string(),
        developer_id: "dev1".to_string(),
        code_hash: "code-hash".to_string(),
        payload: "{}".to_string(),
        created_at,
        expires_at: created_at + 300,
        attempts: 0,
        used: false,
    }
}

fn session(token: &str, client_id: &str, username: &str, issued_at: i64) -> Session {
    Session {
        token: token.to_string(),
        client_id: client_id.to_string(),
        username: username.to_string(),
        gstin: "29AAACB1234C1Z5".to_string(),
        sek: [9; 32],
        issued_at,
        expires_at: issued_at + 3600,
    }
}

fn message(recipient: &str, subject: &str, created_at: i64) -> OutboxMessage {
    OutboxMessage {
        id: 0,
        channel: "SMS".to_string(),
        recipient: recipient.to_string(),
        subject: subject.to_string(),
        body: format!("body of {subject}"),
        created_at,
    }
}

async fn issue(store: &dyn Store, s: &Session) {
    let got = store.issue_session(s, NOW, false, 600).await.unwrap();
    assert_eq!(&got, s);
}

/// Taxpayer client TP (owner of `owned`), GSP clients G1 and G2, and a taxpayer user `own` that
/// the portal did not create.
async fn gsp_setup(store: &dyn Store) {
    for id in ["TP", "G1", "G2"] {
        store.create_client(&client(id)).await.unwrap();
    }
    store
        .create_user(&user("owned", Some("TP")), &["TP".to_string()])
        .await
        .unwrap();
    store
        .create_user(&user("own", None), &["TP".to_string()])
        .await
        .unwrap();
}

#[tokio::test]
async fn developer_round_trip_and_lookups() {
    for b in backends().await {
        let d = developer("dev1", "GSP", "AAACG1234G");
        b.store.create_developer(&d).await.unwrap();
        assert_eq!(
            b.store.get_developer("dev1").await.unwrap(),
            Some(d.clone())
        );
        assert_eq!(b.store.get_developer("nope").await.unwrap(), None);

        let mut later = developer("dev2", "TAXPAYER", "AAACT1234T");
        later.created_at = NOW + 10;
        b.store.create_developer(&later).await.unwrap();
        let pending: Vec<String> = b
            .store
            .list_developers("PENDING")
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(pending, ["dev1", "dev2"], "oldest first");
        assert!(b.store.list_developers("ACTIVE").await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_pending_registration_is_replaced_but_a_live_one_conflicts() {
    for b in backends().await {
        b.store
            .create_developer(&developer("first", "GSP", "AAACG1234G"))
            .await
            .unwrap();
        // Same category and PAN while still PENDING: the new registration replaces the old.
        b.store
            .create_developer(&developer("second", "GSP", "AAACG1234G"))
            .await
            .unwrap();
        assert_eq!(b.store.get_developer("first").await.unwrap(), None);
        assert!(b.store.get_developer("second").await.unwrap().is_some());
        // The same PAN in the other category is a separate account.
        b.store
            .create_developer(&developer("tp", "TAXPAYER", "AAACG1234G"))
            .await
            .unwrap();

        assert!(
            b.store
                .set_developer_status("second", "PENDING", "AWAITING_APPROVAL")
                .await
                .unwrap()
        );
        let again = b
            .store
            .create_developer(&developer("third", "GSP", "AAACG1234G"))
            .await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        assert_eq!(b.store.get_developer("third").await.unwrap(), None);
        assert_eq!(
            b.store
                .get_developer("second")
                .await
                .unwrap()
                .unwrap()
                .status,
            "AWAITING_APPROVAL"
        );
    }
}

#[tokio::test]
async fn set_developer_status_only_moves_from_the_expected_status() {
    for b in backends().await {
        b.store
            .create_developer(&developer("dev1", "GSP", "AAACG1234G"))
            .await
            .unwrap();
        assert!(
            !b.store
                .set_developer_status("dev1", "AWAITING_APPROVAL", "REJECTED")
                .await
                .unwrap()
        );
        assert!(
            b.store
                .set_developer_status("dev1", "PENDING", "AWAITING_APPROVAL")
                .await
                .unwrap()
        );
        assert!(
            !b.store
                .set_developer_status("dev1", "PENDING", "AWAITING_APPROVAL")
                .await
                .unwrap()
        );
        assert!(
            !b.store
                .set_developer_status("ghost", "PENDING", "ACTIVE")
                .await
                .unwrap()
        );
    }
}

#[tokio::test]
async fn activate_developer_creates_the_client_once_and_only_from_the_right_status() {
    for b in backends().await {
        b.store
            .create_developer(&developer("dev1", "GSP", "AAACG1234G"))
            .await
            .unwrap();

        // Wrong status: nothing written, not even the client.
        assert!(
            !b.store
                .activate_developer("dev1", "AWAITING_APPROVAL", &client("C1"))
                .await
                .unwrap()
        );
        assert_eq!(b.store.get_client("C1").await.unwrap(), None);
        assert_eq!(
            b.store.get_developer("dev1").await.unwrap().unwrap().status,
            "PENDING"
        );

        assert!(
            b.store
                .activate_developer("dev1", "PENDING", &client("C1"))
                .await
                .unwrap()
        );
        let dev = b.store.get_developer("dev1").await.unwrap().unwrap();
        assert_eq!(dev.status, "ACTIVE");
        assert_eq!(dev.client_id.as_deref(), Some("C1"));
        assert_eq!(b.store.get_client("C1").await.unwrap(), Some(client("C1")));
        assert_eq!(
            b.store.get_developer_by_client("C1").await.unwrap(),
            Some(dev)
        );
        assert_eq!(b.store.get_developer_by_client("C2").await.unwrap(), None);

        // A second activation (e.g. a double click) does nothing.
        assert!(
            !b.store
                .activate_developer("dev1", "PENDING", &client("C2"))
                .await
                .unwrap()
        );
        assert_eq!(b.store.get_client("C2").await.unwrap(), None);
        assert_eq!(
            b.store
                .get_developer("dev1")
                .await
                .unwrap()
                .unwrap()
                .client_id
                .as_deref(),
            Some("C1")
        );
    }
}

#[tokio::test]
async fn developer_password_and_login_lockout() {
    for b in backends().await {
        b.store
            .create_developer(&developer("dev1", "GSP", "AAACG1234G"))
            .await
            .unwrap();
        b.store
            .set_developer_password("dev1", "argon")
            .await
            .unwrap();
        assert_eq!(
            b.store
                .get_developer("dev1")
                .await
                .unwrap()
                .unwrap()
                .password_hash
                .as_deref(),
            Some("argon")
        );
        assert!(b.store.set_developer_password("ghost", "x").await.is_err());

        let store = &b.store;
        let after = |n| async move {
            store
                .record_login_failure("dev1", NOW + n, 3, 900)
                .await
                .unwrap()
                .unwrap()
        };
        let one = after(1).await;
        assert_eq!((one.failed_logins, one.locked_until), (1, 0));
        // A right password restarts the count.
        b.store.clear_login_failures("dev1").await.unwrap();
        assert_eq!(after(2).await.failed_logins, 1);
        assert_eq!(after(3).await.failed_logins, 2);
        let locked = after(4).await;
        assert_eq!(locked.failed_logins, 0, "the count restarts once locked");
        assert_eq!(locked.locked_until, NOW + 4 + 900);
        let next = after(5).await;
        assert_eq!((next.failed_logins, next.locked_until), (1, NOW + 4 + 900));

        assert_eq!(
            b.store
                .record_login_failure("ghost", NOW, 3, 900)
                .await
                .unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn otp_is_spent_once() {
    for b in backends().await {
        let o = otp("o1", NOW);
        b.store.create_otp(&o).await.unwrap();
        assert_eq!(b.store.get_otp("o1").await.unwrap(), Some(o.clone()));
        assert!(matches!(
            b.store.create_otp(&o).await,
            Err(StoreError::Conflict(_))
        ));

        assert_eq!(
            b.store.consume_otp("o1", NOW + 1, 5).await.unwrap(),
            OtpUse::Consumed
        );
        assert_eq!(
            b.store.consume_otp("o1", NOW + 2, 5).await.unwrap(),
            OtpUse::Unusable
        );
        assert!(b.store.get_otp("o1").await.unwrap().unwrap().used);
        assert_eq!(
            b.store.consume_otp("ghost", NOW, 5).await.unwrap(),
            OtpUse::Unusable
        );
    }
}

#[tokio::test]
async fn an_expired_otp_is_unusable() {
    for b in backends().await {
        b.store.create_otp(&otp("o1", NOW)).await.unwrap();
        // expires_at = NOW + 300: valid only while now < expires_at.
        assert_eq!(
            b.store.consume_otp("o1", NOW + 300, 5).await.unwrap(),
            OtpUse::Unusable
        );
        assert_eq!(
            b.store.consume_otp("o1", NOW + 299, 5).await.unwrap(),
            OtpUse::Consumed
        );
    }
}

#[tokio::test]
async fn an_otp_locks_after_max_wrong_codes() {
    for b in backends().await {
        b.store.create_otp(&otp("o1", NOW)).await.unwrap();
        assert_eq!(b.store.record_otp_failure("o1").await.unwrap(), 1);
        assert_eq!(b.store.record_otp_failure("o1").await.unwrap(), 2);
        assert_eq!(b.store.record_otp_failure("o1").await.unwrap(), 3);
        assert_eq!(b.store.record_otp_failure("ghost").await.unwrap(), 0);
        assert_eq!(b.store.get_otp("o1").await.unwrap().unwrap().attempts, 3);
        assert_eq!(
            b.store.consume_otp("o1", NOW + 1, 3).await.unwrap(),
            OtpUse::Unusable
        );
        assert!(!b.store.get_otp("o1").await.unwrap().unwrap().used);
        // The limit is the caller's: with room for one more, it is still live.
        assert_eq!(
            b.store.consume_otp("o1", NOW + 1, 4).await.unwrap(),
            OtpUse::Consumed
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_consumes_have_one_winner() {
    for b in backends().await {
        b.store.create_otp(&otp("o1", NOW)).await.unwrap();
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let store = b.store.clone();
            tasks.push(tokio::spawn(async move {
                store.consume_otp("o1", NOW + 1, 5).await.unwrap()
            }));
        }
        let mut consumed = 0;
        for t in tasks {
            if t.await.unwrap() == OtpUse::Consumed {
                consumed += 1;
            }
        }
        assert_eq!(consumed, 1);
    }
}

#[tokio::test]
async fn count_otps_since_counts_per_developer_and_purpose() {
    for b in backends().await {
        for (id, at) in [("a", NOW - 100), ("b", NOW - 10), ("c", NOW)] {
            b.store.create_otp(&otp(id, at)).await.unwrap();
        }
        let mut other_purpose = otp("d", NOW);
        other_purpose.purpose = "REGISTER".to_string();
        b.store.create_otp(&other_purpose).await.unwrap();
        let mut other_dev = otp("e", NOW);
        other_dev.developer_id = "dev2".to_string();
        b.store.create_otp(&other_dev).await.unwrap();

        let count = |since| b.store.count_otps_since("dev1", "LOGIN", since);
        assert_eq!(count(NOW - 100).await.unwrap(), 3, "since is inclusive");
        assert_eq!(count(NOW - 99).await.unwrap(), 2);
        assert_eq!(count(NOW + 1).await.unwrap(), 0);
        assert_eq!(
            b.store
                .count_otps_since("dev1", "REGISTER", 0)
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn portal_sessions_expire_and_can_be_deleted() {
    for b in backends().await {
        let s = PortalSession {
            id_hash: "ab".repeat(32),
            kind: "DEVELOPER".to_string(),
            subject: "dev1".to_string(),
            created_at: NOW,
            expires_at: NOW + 600,
        };
        b.store.create_portal_session(&s).await.unwrap();
        assert_eq!(
            b.store
                .get_portal_session(&s.id_hash, NOW + 599)
                .await
                .unwrap(),
            Some(s.clone())
        );
        assert_eq!(
            b.store
                .get_portal_session(&s.id_hash, NOW + 600)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            b.store.get_portal_session("other", NOW).await.unwrap(),
            None
        );
        b.store.delete_portal_session(&s.id_hash).await.unwrap();
        assert_eq!(
            b.store.get_portal_session(&s.id_hash, NOW).await.unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn outbox_is_newest_first_and_filters_by_recipient() {
    for b in backends().await {
        let mut ids = Vec::new();
        // Equal timestamps: the order must still follow insertion.
        for (to, subject) in [("a", "1"), ("b", "2"), ("a", "3"), ("a", "4")] {
            ids.push(
                b.store
                    .push_outbox(&message(to, subject, NOW))
                    .await
                    .unwrap(),
            );
        }
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

        let all = b.store.list_outbox(None, 10).await.unwrap();
        let subjects: Vec<&str> = all.iter().map(|m| m.subject.as_str()).collect();
        assert_eq!(subjects, ["4", "3", "2", "1"]);
        assert_eq!(all[0].id, ids[3]);
        assert_eq!(
            all[0],
            OutboxMessage {
                id: ids[3],
                ..message("a", "4", NOW)
            }
        );

        let to_a = b.store.list_outbox(Some("a"), 2).await.unwrap();
        let subjects: Vec<&str> = to_a.iter().map(|m| m.subject.as_str()).collect();
        assert_eq!(subjects, ["4", "3"]);
        assert!(b.store.list_outbox(Some("z"), 10).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn admin_round_trip_and_conflict() {
    for b in backends().await {
        let a = Admin {
            username: "root".to_string(),
            password_hash: "argon".to_string(),
            created_at: NOW,
        };
        b.store.create_admin(&a).await.unwrap();
        assert_eq!(b.store.get_admin("root").await.unwrap(), Some(a.clone()));
        assert_eq!(b.store.get_admin("nobody").await.unwrap(), None);
        assert!(matches!(
            b.store.create_admin(&a).await,
            Err(StoreError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn gstins_by_pan_match_characters_3_to_12() {
    for b in backends().await {
        for g in ["29AAACB1234C1Z5", "07AAACB1234C1Z1", "29AAACX1234C1Z5"] {
            b.store.put_gstin(&gstin(g)).await.unwrap();
        }
        let found: Vec<String> = b
            .store
            .list_gstins_by_pan("AAACB1234C")
            .await
            .unwrap()
            .into_iter()
            .map(|g| g.gstin)
            .collect();
        assert_eq!(found, ["07AAACB1234C1Z1", "29AAACB1234C1Z5"]);
        assert!(
            b.store
                .list_gstins_by_pan("AAACB")
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn users_by_owner_and_their_clients() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        b.store
            .create_user(
                &user("alpha", Some("TP")),
                &["TP".to_string(), "G2".to_string()],
            )
            .await
            .unwrap();
        let owned: Vec<String> = b
            .store
            .list_users_by_owner("TP")
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(owned, ["alpha", "owned"]);
        assert_eq!(
            b.store.get_user("alpha").await.unwrap(),
            Some(user("alpha", Some("TP")))
        );
        assert_eq!(
            b.store.list_user_clients("alpha").await.unwrap(),
            ["G2", "TP"]
        );
        assert!(
            b.store
                .list_user_clients("nobody")
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn client_secret_and_ips_are_replaced() {
    for b in backends().await {
        b.store.create_client(&client("C1")).await.unwrap();
        b.store
            .create_user(&user("u1", None), &["C1".to_string()])
            .await
            .unwrap();
        issue(b.store.as_ref(), &session("t1", "C1", "u1", NOW)).await;

        assert!(b.store.set_client_secret("C1", "new-hash").await.unwrap());
        assert!(!b.store.set_client_secret("ghost", "x").await.unwrap());
        assert_eq!(
            b.store.get_client("C1").await.unwrap().unwrap().secret_hash,
            "new-hash"
        );
        let auth = b.store.session_by_token("t1").await.unwrap().unwrap();
        assert_eq!(auth.client_secret_hash, "new-hash");
        assert!(auth.client_allowed_ips.is_empty());

        let ips = vec!["203.0.113.7".to_string(), "198.51.100.0".to_string()];
        assert!(b.store.set_client_ips("C1", &ips).await.unwrap());
        assert!(!b.store.set_client_ips("ghost", &ips).await.unwrap());
        assert_eq!(
            b.store.get_client("C1").await.unwrap().unwrap().allowed_ips,
            ips
        );
        assert_eq!(
            b.store
                .session_by_token("t1")
                .await
                .unwrap()
                .unwrap()
                .client_allowed_ips,
            ips
        );
        // An entry that would not read back as itself is refused, and nothing changes.
        let bad = b
            .store
            .set_client_ips("C1", &["1.2.3.4,5.6.7.8".to_string()])
            .await;
        assert!(matches!(bad, Err(StoreError::Backend(_))), "{bad:?}");
        assert_eq!(
            b.store.get_client("C1").await.unwrap().unwrap().allowed_ips,
            ips
        );

        assert!(b.store.set_client_ips("C1", &[]).await.unwrap());
        assert!(
            b.store
                .get_client("C1")
                .await
                .unwrap()
                .unwrap()
                .allowed_ips
                .is_empty()
        );
    }
}

#[tokio::test]
async fn password_change_and_disabling_end_the_users_sessions() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        issue(b.store.as_ref(), &session("t-owned", "TP", "owned", NOW)).await;
        issue(b.store.as_ref(), &session("t-own", "TP", "own", NOW)).await;

        assert!(b.store.set_user_password("owned", "pw2").await.unwrap());
        assert!(!b.store.set_user_password("ghost", "pw2").await.unwrap());
        assert_eq!(
            b.store
                .get_user("owned")
                .await
                .unwrap()
                .unwrap()
                .password_hash,
            "pw2"
        );
        assert!(b.store.session_by_token("t-owned").await.unwrap().is_none());
        assert!(b.store.session_by_token("t-own").await.unwrap().is_some());

        // Enabling keeps sessions; disabling ends them.
        assert!(b.store.set_user_active("own", true).await.unwrap());
        assert!(b.store.session_by_token("t-own").await.unwrap().is_some());
        assert!(b.store.set_user_active("own", false).await.unwrap());
        assert!(!b.store.get_user("own").await.unwrap().unwrap().active);
        assert!(b.store.session_by_token("t-own").await.unwrap().is_none());
        assert!(!b.store.set_user_active("ghost", false).await.unwrap());
    }
}

#[tokio::test]
async fn gsp_link_covers_existing_and_later_users_and_unlink_takes_it_back() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        assert!(!b.store.user_has_client("owned", "G1").await.unwrap());

        b.store.link_gsp("TP", "G1").await.unwrap();
        b.store.link_gsp("TP", "G1").await.unwrap(); // idempotent
        b.store.link_gsp("TP", "G2").await.unwrap();
        assert_eq!(b.store.list_gsp_links("TP").await.unwrap(), ["G1", "G2"]);
        assert!(b.store.list_gsp_links("G1").await.unwrap().is_empty());

        assert!(b.store.user_has_client("owned", "G1").await.unwrap());
        assert!(
            !b.store.user_has_client("own", "G1").await.unwrap(),
            "a user the portal did not create is not extended"
        );
        // A user created after the link gets it too.
        b.store
            .create_user(&user("later", Some("TP")), &["TP".to_string()])
            .await
            .unwrap();
        assert!(b.store.user_has_client("later", "G1").await.unwrap());
        assert_eq!(
            b.store.list_user_clients("later").await.unwrap(),
            ["G1", "G2", "TP"]
        );

        // The GSP and the taxpayer each hold a session on the same user.
        issue(b.store.as_ref(), &session("t-gsp", "G1", "later", NOW)).await;
        issue(b.store.as_ref(), &session("t-tp", "TP", "later", NOW)).await;
        issue(b.store.as_ref(), &session("t-g2", "G2", "later", NOW)).await;

        assert!(b.store.unlink_gsp("TP", "G1").await.unwrap());
        assert!(!b.store.unlink_gsp("TP", "G1").await.unwrap());
        assert_eq!(b.store.list_gsp_links("TP").await.unwrap(), ["G2"]);
        assert!(!b.store.user_has_client("owned", "G1").await.unwrap());
        assert!(!b.store.user_has_client("later", "G1").await.unwrap());
        assert!(b.store.user_has_client("later", "G2").await.unwrap());
        assert!(b.store.user_has_client("later", "TP").await.unwrap());
        assert!(b.store.session_by_token("t-gsp").await.unwrap().is_none());
        assert!(b.store.session_by_token("t-tp").await.unwrap().is_some());
        assert!(b.store.session_by_token("t-g2").await.unwrap().is_some());

        // Users created after the unlink no longer get G1.
        b.store
            .create_user(&user("after", Some("TP")), &["TP".to_string()])
            .await
            .unwrap();
        assert_eq!(
            b.store.list_user_clients("after").await.unwrap(),
            ["G2", "TP"]
        );
    }
}

#[tokio::test]
async fn unlink_without_a_link_keeps_explicit_mappings() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        b.store
            .create_user(&user("direct", Some("TP")), &["G1".to_string()])
            .await
            .unwrap();
        assert!(!b.store.unlink_gsp("TP", "G1").await.unwrap());
        assert!(b.store.user_has_client("direct", "G1").await.unwrap());
    }
}

#[tokio::test]
async fn list_sessions_for_covers_the_client_and_its_users() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        b.store.link_gsp("TP", "G1").await.unwrap();
        b.store.create_client(&client("X")).await.unwrap();
        b.store
            .create_user(&user("stranger", None), &["X".to_string()])
            .await
            .unwrap();
        issue(b.store.as_ref(), &session("own-tp", "TP", "own", NOW)).await;
        issue(
            b.store.as_ref(),
            &session("owned-g1", "G1", "owned", NOW + 5),
        )
        .await;
        issue(
            b.store.as_ref(),
            &session("owned-tp", "TP", "owned", NOW + 2),
        )
        .await;
        issue(
            b.store.as_ref(),
            &session("stranger", "X", "stranger", NOW + 9),
        )
        .await;

        let store = &b.store;
        let tokens = |now| async move {
            store
                .list_sessions_for("TP", now)
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.token)
                .collect::<Vec<_>>()
        };
        assert_eq!(tokens(NOW).await, ["owned-g1", "owned-tp", "own-tp"]);
        // own-tp expires at NOW + 3600; owned-tp at NOW + 3602.
        assert_eq!(tokens(NOW + 3600).await, ["owned-g1", "owned-tp"]);
        let g1: Vec<String> = b
            .store
            .list_sessions_for("G1", NOW)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.token)
            .collect();
        assert_eq!(g1, ["owned-g1"]);
    }
}

#[tokio::test]
async fn revoke_session_ends_one_session() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        issue(b.store.as_ref(), &session("t1", "TP", "own", NOW)).await;
        assert!(b.store.revoke_session("t1").await.unwrap());
        assert!(!b.store.revoke_session("t1").await.unwrap());
        assert!(b.store.session_by_token("t1").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn ping_answers_until_closed() {
    for b in backends().await {
        b.store.ping().await.unwrap();
        b.store.close().await;
        assert!(b.store.ping().await.is_err());
    }
}

#[tokio::test]
async fn taxpayer_bundles_still_work_with_an_owned_user() {
    for b in backends().await {
        b.store.create_client(&client("G1")).await.unwrap();
        let mut tp = TaxpayerBundle {
            gstin: gstin("29AAACB1234C1Z5"),
            client: client("TP"),
            user: user("tpuser", None),
        };
        b.store.create_taxpayer(&tp).await.unwrap();
        b.store.link_gsp("TP", "G1").await.unwrap();
        tp.gstin = gstin("07AAACB1234C1Z1");
        tp.client = client("TP2");
        tp.user = user("tp2user", Some("TP"));
        b.store.create_taxpayer(&tp).await.unwrap();
        assert_eq!(
            b.store.list_user_clients("tp2user").await.unwrap(),
            ["G1", "TP2"]
        );
    }
}

// CachedStore: a cached SessionAuth must not outlive the writes that change what it holds.

#[tokio::test]
async fn cached_store_drops_a_revoked_session() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        let c = b.cached_second_handle(Duration::from_secs(60)).await;
        issue(c.as_ref(), &session("t1", "TP", "own", NOW)).await;
        assert!(c.session_by_token("t1").await.unwrap().is_some());
        assert!(c.revoke_session("t1").await.unwrap());
        assert!(c.session_by_token("t1").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn cached_store_serves_the_new_client_secret_and_ips() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        let c = b.cached_second_handle(Duration::from_secs(60)).await;
        issue(c.as_ref(), &session("t1", "TP", "own", NOW)).await;
        assert_eq!(
            c.session_by_token("t1")
                .await
                .unwrap()
                .unwrap()
                .client_secret_hash,
            "hash-TP"
        );
        assert!(c.set_client_secret("TP", "rotated").await.unwrap());
        assert_eq!(
            c.session_by_token("t1")
                .await
                .unwrap()
                .unwrap()
                .client_secret_hash,
            "rotated"
        );
        let ips = vec!["192.0.2.1".to_string()];
        assert!(c.set_client_ips("TP", &ips).await.unwrap());
        assert_eq!(
            c.session_by_token("t1")
                .await
                .unwrap()
                .unwrap()
                .client_allowed_ips,
            ips
        );
    }
}

#[tokio::test]
async fn cached_store_drops_sessions_ended_by_user_and_link_changes() {
    for b in backends().await {
        gsp_setup(b.store.as_ref()).await;
        let c = b.cached_second_handle(Duration::from_secs(60)).await;
        c.link_gsp("TP", "G1").await.unwrap();
        issue(c.as_ref(), &session("pw", "TP", "owned", NOW)).await;
        issue(c.as_ref(), &session("gsp", "G1", "owned", NOW + 1)).await;
        issue(c.as_ref(), &session("off", "TP", "own", NOW)).await;
        for t in ["pw", "gsp", "off"] {
            assert!(c.session_by_token(t).await.unwrap().is_some(), "{t}");
        }

        assert!(c.unlink_gsp("TP", "G1").await.unwrap());
        assert!(c.session_by_token("gsp").await.unwrap().is_none());
        assert!(c.session_by_token("pw").await.unwrap().is_some());

        assert!(c.set_user_password("owned", "new").await.unwrap());
        assert!(c.session_by_token("pw").await.unwrap().is_none());

        assert!(c.set_user_active("own", false).await.unwrap());
        assert!(c.session_by_token("off").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn purge_expired_deletes_only_what_nobody_can_use() {
    for b in backends().await {
        let portal_session = |id: &str, expires_at: i64| PortalSession {
            id_hash: id.repeat(32),
            kind: "DEVELOPER".to_string(),
            subject: "dev1".to_string(),
            created_at: NOW - 10,
            expires_at,
        };
        b.store
            .create_portal_session(&portal_session("aa", NOW))
            .await
            .unwrap();
        b.store
            .create_portal_session(&portal_session("bb", NOW + 1))
            .await
            .unwrap();
        // Expires at NOW - 700 + 300 = NOW - 400; the other at NOW + 300.
        b.store.create_otp(&otp("old", NOW - 700)).await.unwrap();
        b.store.create_otp(&otp("live", NOW)).await.unwrap();
        let mut abandoned = developer("gone", "GSP", "AAAPG1111G");
        abandoned.created_at = NOW - 2 * 86_400;
        b.store.create_developer(&abandoned).await.unwrap();
        b.store
            .create_developer(&developer("fresh", "GSP", "AAAPF2222F"))
            .await
            .unwrap();
        let mut active = developer("kept", "GSP", "AAAPK3333K");
        active.created_at = NOW - 2 * 86_400;
        b.store.create_developer(&active).await.unwrap();
        assert!(
            b.store
                .activate_developer("kept", "PENDING", &client("C-KEPT"))
                .await
                .unwrap()
        );

        let deleted = b
            .store
            .purge_expired(NOW, NOW - 300, NOW - 86_400)
            .await
            .unwrap();
        assert_eq!(
            deleted, 3,
            "one session, one OTP, one abandoned registration"
        );
        assert!(
            b.store
                .get_portal_session(&"bb".repeat(32), NOW)
                .await
                .unwrap()
                .is_some()
        );
        assert!(b.store.get_otp("old").await.unwrap().is_none());
        assert!(b.store.get_otp("live").await.unwrap().is_some());
        assert!(b.store.get_developer("gone").await.unwrap().is_none());
        assert!(b.store.get_developer("fresh").await.unwrap().is_some());
        assert!(b.store.get_developer("kept").await.unwrap().is_some());
        assert_eq!(
            b.store
                .purge_expired(NOW, NOW - 300, NOW - 86_400)
                .await
                .unwrap(),
            0
        );
    }
}

#[tokio::test]
async fn admin_login_failures_pause_a_name_on_every_handle() {
    for b in backends().await {
        // Two nodes on one database: wrong passwords on either count together.
        let (a, other) = (b.store.clone(), b.second_handle().await);
        let wrong = |store: &std::sync::Arc<dyn Store>, at: i64| {
            let store = store.clone();
            async move {
                store
                    .record_admin_login_failure("root", at, 3, 900)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(wrong(&a, NOW).await, None);
        assert_eq!(wrong(&other, NOW + 1).await, None);
        assert_eq!(a.admin_login_paused_until("root", NOW + 1).await, Ok(None));
        assert_eq!(wrong(&a, NOW + 2).await, Some(NOW + 2 + 900));
        for store in [&a, &other] {
            assert_eq!(
                store.admin_login_paused_until("root", NOW + 3).await,
                Ok(Some(NOW + 902))
            );
        }
        // Another name is not touched; the pause runs out on its own.
        assert_eq!(
            a.admin_login_paused_until("admin2", NOW + 3).await,
            Ok(None)
        );
        assert_eq!(
            a.admin_login_paused_until("root", NOW + 902).await,
            Ok(None)
        );

        // The count restarted with the pause; a right password restarts it too.
        assert_eq!(wrong(&other, NOW + 1000).await, None);
        assert_eq!(wrong(&other, NOW + 1001).await, None);
        a.clear_admin_login_failures("root").await.unwrap();
        assert_eq!(wrong(&a, NOW + 1002).await, None);
        assert_eq!(wrong(&a, NOW + 1003).await, None);
        assert_eq!(wrong(&a, NOW + 1004).await, Some(NOW + 1904));

        // Concurrent wrong passwords on both handles lose no count: the first two only count,
        // the third pauses the name, and every later one answers with a running pause.
        let mut tasks = Vec::new();
        for i in 0..30 {
            let store = if i % 2 == 0 { a.clone() } else { other.clone() };
            tasks.push(tokio::spawn(async move {
                store
                    .record_admin_login_failure("burst", NOW + 5000, 3, 900)
                    .await
                    .unwrap()
            }));
        }
        let mut paused = 0;
        for t in tasks {
            if t.await.unwrap().is_some() {
                paused += 1;
            }
        }
        assert_eq!(paused, 28);
        assert_eq!(
            a.admin_login_paused_until("burst", NOW + 5001).await,
            Ok(Some(NOW + 5900))
        );

        // Purged a day after the last wrong password, once no pause runs.
        let later = NOW + 5000 + 86_400;
        b.store.purge_expired(later, 0, 0).await.unwrap();
        assert_eq!(wrong(&a, later).await, None, "the old count was forgotten");
    }
}
