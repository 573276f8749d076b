//! The SDK's e-way bill and GSTR-1 calls against a real OpenIRP server on loopback: an EWB with a
//! vehicle by road (distance computed from the PIN codes), get, cancel and the EWB system's
//! refusal of a second cancel; a Part-A slip; 4002 for a second EWB; GSTR-1 of the month.

use openirp_client::{ClientError, Credentials, EwbRequest, NicClient, TransMode, VehicleType};
use openirp_server::Config;
use serde_json::{Value, json};
use tokio::sync::oneshot;

struct Server {
    base: String,
    http: reqwest::Client,
    pem: String,
    stop: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("data"));
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.durable = false;
        adjust(&mut config);
        let state = openirp_server::open(config).await.unwrap();
        let listener = openirp_server::bind(&state).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(openirp_server::serve(state, listener, async {
            let _ = stopped.await;
        }));
        let pem = NicClient::fetch_auth_public_key(&base).await.unwrap();
        Server {
            base,
            http: reqwest::Client::new(),
            pem,
            stop: Some(stop),
            _dir: dir,
        }
    }

    /// A sandbox taxpayer's credentials.
    async fn taxpayer(&self, state_code: &str) -> Credentials {
        let res = self
            .http
            .post(format!("{}/sandbox/v1/taxpayers", self.base))
            .json(&json!({"state_code": state_code}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        let tp: Value = res.json().await.unwrap();
        let text = |k: &str| tp[k].as_str().unwrap().to_owned();
        Credentials {
            client_id: text("client_id"),
            client_secret: text("client_secret"),
            username: text("username"),
            password: text("password"),
            gstin: text("gstin"),
        }
    }

    async fn advance_clock(&self, seconds: i64) {
        let res = self
            .http
            .post(format!("{}/sandbox/v1/clock", self.base))
            .json(&json!({"advance_seconds": seconds}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{}", res.status());
    }

    fn client(&self, creds: Credentials) -> NicClient {
        NicClient::new(&self.base, &self.pem, creds).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn today() -> String {
    let now = chrono::Utc::now().timestamp();
    openirp_model::time::format_doc_date(openirp_model::time::ist_date(now))
}

/// `MMYYYY` of today (IST).
fn this_period() -> String {
    let d = today();
    format!("{}{}", &d[3..5], &d[6..10])
}

/// An inter-state goods invoice from Bengaluru (29, PIN 560001) to Mumbai (27, PIN 400001).
fn goods_invoice(seller: &str, buyer: &str, doc_no: &str) -> String {
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B"}},
        "DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},
        "SellerDtls":{{"Gstin":"{seller}","LglNm":"Seller Private Limited","Addr1":"1 MG Road","Loc":"Bengaluru","Pin":560001,"Stcd":"29"}},
        "BuyerDtls":{{"Gstin":"{buyer}","LglNm":"Buyer Private Limited","Pos":"27","Addr1":"Fort","Loc":"Mumbai","Pin":400001,"Stcd":"27"}},
        "ItemList":[{{"SlNo":"1","PrdDesc":"Laptop","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":500.0,
          "TotAmt":1000.0,"AssAmt":1000.0,"GstRt":18,"IgstAmt":180.0,"TotItemVal":1180.0}}],
        "ValDtls":{{"AssVal":1000.0,"IgstVal":180.0,"TotInvVal":1180.0}}}}"#,
        date = today()
    )
}

fn codes(result: Result<impl std::fmt::Debug, ClientError>) -> Vec<String> {
    match result {
        Err(err) => err.nic_codes().into_iter().map(str::to_owned).collect(),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ewb_by_road_get_cancel_part_a_slip_and_gstr1() {
    let server = Server::start(|_| {}).await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("27").await;
    let transporter = server.taxpayer("29").await;
    let gstin = seller.gstin.clone();
    let client = server.client(seller);

    let first = client
        .generate(goods_invoice(&gstin, &buyer.gstin, "EWB/1").as_bytes())
        .await
        .unwrap();
    assert_eq!(first.ewb_no, None);

    // Road, with a vehicle, distance left to the IRP.
    let request = EwbRequest {
        trans_mode: Some(TransMode::Road),
        veh_no: Some("KA01AB1234".into()),
        veh_type: Some(VehicleType::Regular),
        ..EwbRequest::new(first.irn.clone())
    };
    let generated = client.generate_ewb(&request).await.unwrap();
    assert!(
        (100_000_000_000..1_000_000_000_000).contains(&generated.ewb_no),
        "{generated:?}"
    );
    assert!(!generated.is_part_a_only(), "{generated:?}");
    let km = generated
        .computed_distance_km
        .expect("Distance 0: the IRP computes it (EWBPPD)");
    assert!((500..=2500).contains(&km), "Bengaluru to Mumbai: {km} km");
    assert!(
        generated.ewb_date.starts_with(&today()[6..10]),
        "{generated:?}"
    );

    let details = client.ewb_by_irn(&first.irn).await.unwrap();
    assert_eq!(details.ewb_no, generated.ewb_no);
    assert_eq!(details.status.as_deref(), Some("ACT"));
    assert_eq!(details.gen_gstin.as_deref(), Some(gstin.as_str()));
    assert_eq!(details.valid_till, generated.valid_till);
    assert!(!details.is_cancelled());

    // One EWB per IRN.
    assert_eq!(codes(client.generate_ewb(&request).await), ["4002"]);

    let cancelled = client
        .cancel_ewb(generated.ewb_no, 2, "Order cancelled")
        .await
        .unwrap();
    assert_eq!(cancelled.ewb_no, generated.ewb_no);
    assert!(!cancelled.cancel_date.is_empty());
    assert!(client.ewb_by_irn(&first.irn).await.unwrap().is_cancelled());
    // The EWB system refuses to cancel it again (312), with its message.
    let again = client
        .cancel_ewb(generated.ewb_no, 2, "Order cancelled")
        .await
        .unwrap_err();
    assert!(again.has_nic_code("312"), "{again}");
    assert!(
        again
            .to_string()
            .contains("either not generated by you or cancelled")
    );

    // A Part-A slip: only the transporter.
    let second = client
        .generate(goods_invoice(&gstin, &buyer.gstin, "EWB/2").as_bytes())
        .await
        .unwrap();
    let part_a = client
        .generate_ewb(&EwbRequest {
            trans_id: Some(transporter.gstin.clone()),
            ..EwbRequest::new(second.irn.clone())
        })
        .await
        .unwrap();
    assert!(part_a.is_part_a_only(), "{part_a:?}");
    assert_ne!(part_a.ewb_no, generated.ewb_no);
    assert_eq!(
        client.ewb_by_irn(&second.irn).await.unwrap().valid_till,
        None
    );
    assert_eq!(
        codes(
            client
                .generate_ewb(&EwbRequest {
                    trans_id: Some(transporter.gstin.clone()),
                    ..EwbRequest::new(second.irn.clone())
                })
                .await
        ),
        ["4002"]
    );

    // No EWB yet for this IRN, and no Part-A without a transporter or Part-B.
    let third = client
        .generate(goods_invoice(&gstin, &buyer.gstin, "EWB/3").as_bytes())
        .await
        .unwrap();
    assert!(!codes(client.ewb_by_irn(&third.irn).await).is_empty());
    assert!(
        !codes(
            client
                .generate_ewb(&EwbRequest::new(third.irn.clone()))
                .await
        )
        .is_empty()
    );

    // GSTR-1 of this month lists the invoices under b2b, for the buyer.
    let gstr1 = client.gstr1(&gstin, &this_period()).await.unwrap();
    assert_eq!(gstr1["gstin"], gstin.as_str());
    assert_eq!(gstr1["fp"], this_period().as_str());
    let party = gstr1["b2b"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["ctin"] == buyer.gstin.as_str())
        .unwrap_or_else(|| panic!("buyer missing from b2b: {gstr1}"));
    let numbers: Vec<&str> = party["inv"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["inum"].as_str())
        .collect();
    for no in ["EWB/1", "EWB/2", "EWB/3"] {
        assert!(numbers.contains(&no), "{no} missing: {numbers:?}");
    }

    // Refusals: a bad period, another taxpayer's GSTIN.
    match client.gstr1(&gstin, "132026").await {
        Err(ClientError::Status { status: 400, .. }) => {}
        other => panic!("expected HTTP 400, got {other:?}"),
    }
    match client.gstr1(&buyer.gstin, &this_period()).await {
        Err(ClientError::Status { status: 403, .. }) => {}
        other => panic!("expected HTTP 403, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_generator_may_cancel_and_remarks_are_checked() {
    let server = Server::start(|_| {}).await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("27").await;
    let gstin = seller.gstin.clone();
    let client = server.client(seller);
    let other = server.client(server.taxpayer("29").await);

    let irn = client
        .generate(goods_invoice(&gstin, &buyer.gstin, "EWB/9").as_bytes())
        .await
        .unwrap()
        .irn;
    let generated = client
        .generate_ewb(&EwbRequest {
            distance: 990,
            trans_mode: Some(TransMode::Road),
            veh_no: Some("KA01AB1234".into()),
            veh_type: Some(VehicleType::Regular),
            ..EwbRequest::new(irn)
        })
        .await
        .unwrap();
    assert_eq!(generated.computed_distance_km, None);

    let err = other
        .cancel_ewb(generated.ewb_no, 1, "Duplicate")
        .await
        .unwrap_err();
    assert!(err.has_nic_code("312"), "{err}");
    // A reason outside 1-4, or a remark over 50 characters: refused, not cancelled.
    assert!(client.cancel_ewb(generated.ewb_no, 7, "x").await.is_err());
    assert!(
        client
            .cancel_ewb(generated.ewb_no, 4, &"x".repeat(51))
            .await
            .is_err()
    );
    assert!(
        client
            .cancel_ewb(generated.ewb_no, 4, "Others")
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_renewed_for_the_ewb_system_and_gstr1_and_24_hours_end_cancelling() {
    let server = Server::start(|c| c.token_minutes = 60).await;
    let seller = server.taxpayer("29").await;
    let buyer = server.taxpayer("27").await;
    let gstin = seller.gstin.clone();
    let client = server.client(seller.clone());
    let road = |irn: String| EwbRequest {
        distance: 990,
        trans_mode: Some(TransMode::Road),
        veh_no: Some("KA01AB1234".into()),
        veh_type: Some(VehicleType::Regular),
        ..EwbRequest::new(irn)
    };
    let mut ewbs = Vec::new();
    for no in ["EWB/T1", "EWB/T2"] {
        let irn = client
            .generate(goods_invoice(&gstin, &buyer.gstin, no).as_bytes())
            .await
            .unwrap()
            .irn;
        ewbs.push(client.generate_ewb(&road(irn)).await.unwrap().ewb_no);
    }
    let old = client.session().unwrap().auth_token.clone();

    // The server's clock passes the token's expiry (this machine's does not).
    server.advance_clock(61 * 60).await;
    let unmanaged = server.client(seller).with_session_renewal(false);
    unmanaged.set_session((*client.session().unwrap()).clone());
    let err = unmanaged
        .cancel_ewb(ewbs[0], 3, "Data entry mistake")
        .await
        .unwrap_err();
    assert!(err.has_nic_code("105") || err.has_nic_code("1005"), "{err}");

    client
        .cancel_ewb(ewbs[0], 3, "Data entry mistake")
        .await
        .expect("renewed and cancelled");
    let renewed = client.session().unwrap().auth_token.clone();
    assert_ne!(renewed, old);

    // More than 24 hours after generation: refused with 240.
    server.advance_clock(24 * 3600).await;
    let err = client
        .cancel_ewb(ewbs[1], 2, "Order cancelled")
        .await
        .unwrap_err();
    assert!(err.has_nic_code("240"), "{err}");
    assert!(err.to_string().contains("24 hours"), "{err}");

    // GSTR-1 after another expiry: the 401 is answered by one login.
    let before = client.session().unwrap().auth_token.clone();
    server.advance_clock(61 * 60).await;
    let gstr1 = client.gstr1(&gstin, &this_period()).await.expect("renewed");
    assert_eq!(gstr1["gstin"], gstin.as_str());
    assert_ne!(client.session().unwrap().auth_token, before);
}
