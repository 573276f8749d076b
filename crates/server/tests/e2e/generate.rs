use crate::harness::{
    TestServer, codes, intra_state_invoice, nic_jwt_validation, nic_sample, today,
};
use openirp_client::{ClientError, verify_signed};
use openirp_model::irn::{compute_irn, financial_year};
use openirp_model::time::parse_doc_date;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nic_sample_invoice_is_accepted_signed_and_recorded() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("37").await;
    let client = server.logged_in(&tp).await;
    let invoice = nic_sample(&tp.gstin, "DOC/001");
    let out = client
        .generate_irn(invoice.as_bytes())
        .await
        .expect("NIC sample accepted");

    // IRN per §7.1, AckNo 15 digits, AckDt at minute precision.
    let fy = financial_year(parse_doc_date(&today()).unwrap());
    let irn = compute_irn(&tp.gstin, &fy, "INV", "DOC/001");
    assert_eq!(out["Irn"], irn.as_str());
    let ack_no = out["AckNo"].as_u64().expect("AckNo is a JSON number");
    assert_eq!(ack_no.to_string().len(), 15);
    let ack_dt = out["AckDt"].as_str().unwrap();
    assert_eq!(ack_dt.len(), 19);
    assert!(ack_dt.ends_with(":00"), "{ack_dt}");
    assert_eq!(out["Status"], "ACT");
    assert!(out["EwbNo"].is_null());

    // Both JWS verify against the published certificate (our verifier) and the JWKS key (jsonwebtoken).
    let cert = server.signing_cert().await;
    let (key, jwk) = server.jwks_key().await;
    let signed_invoice = out["SignedInvoice"].as_str().unwrap();
    let signed_qr = out["SignedQRCode"].as_str().unwrap();
    for jws in [signed_invoice, signed_qr] {
        let token =
            jsonwebtoken::decode::<Value>(jws, &key, &nic_jwt_validation()).expect("verifies");
        assert_eq!(token.header.kid.as_deref(), jwk["kid"].as_str());
        assert_eq!(token.header.x5t.as_deref(), jwk["x5t"].as_str());
        assert_eq!(token.header.typ.as_deref(), Some("JWT"));
        assert_eq!(token.claims["iss"], "OpenIRP Sandbox");
        assert!(token.claims["data"].is_string());
        verify_signed(jws, &cert).expect("our verifier agrees");
    }

    // The signed invoice: AckNo/AckDt/Irn first, NIC's class order, lexemes kept, ItemNo added, nulls gone.
    let data = jsonwebtoken::decode::<Value>(signed_invoice, &key, &nic_jwt_validation())
        .unwrap()
        .claims["data"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        data.starts_with(&format!("{{\"AckNo\":{ack_no},\"AckDt\":\"")),
        "{data}"
    );
    assert!(data.contains(&format!(
        "\"Irn\":\"{irn}\",\"Version\":\"1.1\",\"TranDtls\":{{\"TaxSch\":\"GST\""
    )));
    assert!(
        data.contains("\"GstRt\":12.0,"),
        "12.0 must stay 12.0: {data}"
    );
    assert!(data.contains("\"TotInvVal\":12908,"));
    assert!(data.contains(
        "\"ItemList\":[{\"ItemNo\":0,\"SlNo\":\"1\",\"IsServc\":\"N\",\"PrdDesc\":\"Rice\""
    ));
    assert!(!data.contains("EcmGstin"), "null fields are dropped");
    assert!(data.contains("\"BuyerDtls\":{\"Gstin\":\"29AWGPV7107B1Z1\""));
    let signed: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(signed["SellerDtls"]["Gstin"], tp.gstin.as_str());
    let signed_ack_dt = signed["AckDt"].as_str().unwrap();
    assert_eq!(&signed_ack_dt[..10], &ack_dt[..10]);

    // The QR payload, in NIC's order.
    let qr = verify_signed(signed_qr, &cert).unwrap();
    let expected_keys = [
        "SellerGstin",
        "BuyerGstin",
        "DocNo",
        "DocTyp",
        "DocDt",
        "TotInvVal",
        "ItemCnt",
        "MainHsnCode",
        "Irn",
        "IrnDt",
    ];
    let qr_payload: Value = serde_json::from_slice(
        &openirp_crypto::decode_jws_unverified(signed_qr)
            .unwrap()
            .payload,
    )
    .unwrap();
    let qr_text = qr_payload["data"].as_str().unwrap();
    let mut last = 0;
    for k in expected_keys {
        let at = qr_text
            .find(&format!("\"{k}\""))
            .unwrap_or_else(|| panic!("{k} in {qr_text}"));
        assert!(at >= last, "{k} out of order in {qr_text}");
        last = at;
    }
    assert_eq!(qr["SellerGstin"], tp.gstin.as_str());
    assert_eq!(qr["BuyerGstin"], "29AWGPV7107B1Z1");
    assert_eq!(qr["DocNo"], "DOC/001");
    assert_eq!(qr["ItemCnt"], 1);
    assert_eq!(qr["MainHsnCode"], "1001");
    assert_eq!(qr["Irn"], irn.as_str());
    assert_eq!(qr["IrnDt"], signed_ack_dt);

    // The EwbDtls block was signed, and the client is told no e-way bill was made.
    assert!(data.contains("\"EwbDtls\":{\"TransId\":\"12AWGPV7107B1Z1\""));

    // Recorded: get by IRN returns the very same signed documents.
    let got = client.get_irn(&irn).await.unwrap();
    assert_eq!(got["SignedInvoice"], out["SignedInvoice"]);
    assert_eq!(got["AckNo"], out["AckNo"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_gets_2150_with_the_original_acknowledgement() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let first = client
        .generate_irn(intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "inv/7").as_bytes())
        .await
        .unwrap();
    // The same number in another case is the same document (upper-cased before hashing since June 2025).
    let err = client
        .generate_irn(intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "INV/7").as_bytes())
        .await
        .unwrap_err();
    let ClientError::Nic { errors, info } = err else {
        panic!("NIC error expected")
    };
    assert_eq!(errors[0].code, "2150");
    assert_eq!(errors[0].message, "Duplicate IRN");
    let info = info.expect("InfoDtls");
    assert_eq!(info[0]["InfCd"], "DUPIRN");
    assert_eq!(info[0]["Desc"]["AckNo"], first["AckNo"]);
    assert_eq!(info[0]["Desc"]["AckDt"], first["AckDt"]);
    assert_eq!(info[0]["Desc"]["Irn"], first["Irn"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_copies_of_one_document_get_exactly_one_irn() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = std::sync::Arc::new(server.logged_in(&tp).await);
    let doc = intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "RACE/1");
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            let doc = doc.clone();
            tokio::spawn(async move { client.generate_irn(doc.as_bytes()).await })
        })
        .collect();
    let mut ok = Vec::new();
    let mut duplicates = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(v) => ok.push(v),
            Err(ClientError::Nic { errors, info }) => {
                assert_eq!(errors[0].code, "2150");
                duplicates.push(info.unwrap()[0]["Desc"].clone());
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok.len(), 1, "exactly one IRN");
    assert_eq!(duplicates.len(), 63);
    // Every 2150 carries the one IRN and its acknowledgement.
    for desc in &duplicates {
        assert_eq!(desc["Irn"], ok[0]["Irn"]);
        assert_eq!(desc["AckNo"], ok[0]["AckNo"]);
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_business_error_comes_back_at_once_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let bad = intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "BAD/1")
        .replace("\"AssVal\":3500.0", "\"AssVal\":3600.0")
        .replace("\"TotInvVal\":4130.00", "\"TotInvVal\":5000");
    let err = client.generate_irn(bad.as_bytes()).await.unwrap_err();
    let got = codes(&err);
    assert!(
        got.contains(&"2182".to_string()) && got.contains(&"2189".to_string()),
        "{got:?}"
    );

    // Seller GSTIN of someone else, an unknown buyer, a future date: all reported together.
    let other = intra_state_invoice("29AAGCB7383J1Z4", "27AAPFU0939F1ZV", "29", "BAD/2")
        .replace(&today(), "01/01/2029");
    let err = client.generate_irn(other.as_bytes()).await.unwrap_err();
    let got = codes(&err);
    for code in ["2163", "2169", "3028"] {
        assert!(got.contains(&code.to_string()), "{code} in {got:?}");
    }
    let not_stored = client
        .get_irn_by_doc("INV", "BAD/1", &today())
        .await
        .unwrap_err();
    assert_eq!(codes(&not_stored), ["2148"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_errors_name_every_field() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let bad = intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "S/1")
        .replace("\"HsnCd\":\"84713010\"", "\"HsnCd\":\"8471301\"")
        .replace("\"Pin\":560001,\"Stcd\"", "\"Pin\":\"abc\",\"Stcd\"")
        .replace(
            "\"SupTyp\":\"B2B\"",
            "\"SupTyp\":\"B2B\",\"Colour\":\"red\"",
        )
        .replace("\"Qty\":2,", "\"Qty\":[2],");
    let err = client.generate_irn(bad.as_bytes()).await.unwrap_err();
    let ClientError::Nic { errors, .. } = err else {
        panic!()
    };
    let text: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.code, e.message))
        .collect();
    assert!(errors.iter().all(|e| e.code == "2140"), "{text:?}");
    for path in [
        "ItemList[0].HsnCd",
        "SellerDtls.Pin",
        "TranDtls.Colour",
        "ItemList[0].Qty",
        "BuyerDtls.Pin",
    ] {
        assert!(text.iter().any(|t| t.contains(path)), "{path} in {text:?}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_in_any_case_and_numbers_as_strings_are_accepted() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let doc = intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "CASE/1")
        .replace("\"SellerDtls\":{\"Gstin\"", "\"sellerdtls\":{\"GSTIN\"")
        .replace("\"Pos\"", "\"POS\"")
        .replace(
            "\"Pin\":560001,\"Stcd\":\"29\"}",
            "\"Pin\":\"560001\",\"Stcd\":\"29\"}",
        );
    let out = client.generate_irn(doc.as_bytes()).await.expect("accepted");
    let cert = server.signing_cert().await;
    let signed = verify_signed(out["SignedInvoice"].as_str().unwrap(), &cert).unwrap();
    assert_eq!(signed["SellerDtls"]["Gstin"], tp.gstin.as_str());
    assert_eq!(signed["BuyerDtls"]["Pos"], "29");
    assert_eq!(signed["BuyerDtls"]["Pin"], 560001);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_resends_can_replay_the_original_acknowledgement() {
    let server = TestServer::start_with(|c| c.replay_identical_resends = true).await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let doc = intra_state_invoice(&tp.gstin, "29AWGPV7107B1Z1", "29", "RE/1");
    let first = client.generate_irn(doc.as_bytes()).await.unwrap();
    // The client timed out and sends the very same document again: it gets the original back.
    let again = client.generate_irn(doc.as_bytes()).await.expect("replayed");
    assert_eq!(again["AckNo"], first["AckNo"]);
    assert_eq!(again["SignedInvoice"], first["SignedInvoice"]);
    assert_eq!(again["SignedQRCode"], first["SignedQRCode"]);
    // The same document number with other content is still a duplicate.
    let changed = doc.replace("\"IsServc\":\"N\"", "\"IsServc\":\"N\",\"Barcde\":\"999\"");
    assert_ne!(changed, doc);
    let err = client.generate_irn(changed.as_bytes()).await.unwrap_err();
    assert_eq!(codes(&err), ["2150"]);
    // A cancelled document is never replayed.
    client
        .cancel_irn(first["Irn"].as_str().unwrap(), "1", "Duplicate")
        .await
        .unwrap();
    assert_eq!(
        codes(&client.generate_irn(doc.as_bytes()).await.unwrap_err()),
        ["2278"]
    );
    server.stop().await;
}
