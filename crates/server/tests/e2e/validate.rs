use crate::harness::{TestServer, codes, intra_state_invoice};
use serde_json::{Value, json};

const BUYER: &str = "29AWGPV7107B1Z1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_validate_answers_without_registering() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let doc = intra_state_invoice(&tp.gstin, BUYER, "29", "VAL/1");
    let post = |body: String| {
        let server = &server;
        async move {
            server
                .http
                .post(server.url("/api/v1/validate"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = post(doc.clone()).await;
    assert_eq!(res.status(), 200);
    let ok: Value = res.json().await.unwrap();
    assert_eq!(ok["valid"], true, "{ok}");
    assert_eq!(ok["errors"], json!([]));
    let irn = ok["irn"].as_str().unwrap().to_string();

    // Broken arithmetic: each finding names its rule, NIC code and field.
    let bad = doc.replace("\"CgstAmt\":90.00", "\"CgstAmt\":95.00");
    let out: Value = post(bad).await.json().await.unwrap();
    assert_eq!(out["valid"], false);
    let errors = out["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["code"] == "2227" && e["pointer"] == "/ItemList/0/CgstAmt"),
        "{out}"
    );
    assert!(
        errors
            .iter()
            .all(|e| e["rule"].is_string() && e["severity"] == "error")
    );

    // Schema violations point at the field too.
    let out: Value = post(doc.replace("\"HsnCd\":\"84713010\"", "\"HsnCd\":\"x\""))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["errors"][0]["code"], "2140");
    assert_eq!(out["errors"][0]["pointer"], "/ItemList/0/HsnCd");

    assert_eq!(post("{oops".into()).await.status(), 400);

    // Nothing was registered: the document still gets its IRN, the one validation predicted.
    let client = server.logged_in(&tp).await;
    let generated = client.generate_irn(doc.as_bytes()).await.unwrap();
    assert_eq!(generated["Irn"], irn.as_str());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_through_the_nic_envelope() {
    let server = TestServer::start().await;
    let tp = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let doc = intra_state_invoice(&tp.gstin, BUYER, "29", "VAL/2");
    let verdict = client
        .post_encrypted("/eicore/v1.03/Invoice/Validate", doc.as_bytes())
        .await
        .unwrap();
    assert_eq!(verdict["Valid"], true);
    let bad = doc.replace("\"TotInvVal\":4130.00", "\"TotInvVal\":9999");
    let err = client
        .post_encrypted("/eicore/v1.03/Invoice/Validate", bad.as_bytes())
        .await
        .unwrap_err();
    assert_eq!(codes(&err), ["2189"]);
    // Validation registered nothing.
    let generated = client.generate_irn(doc.as_bytes()).await.unwrap();
    assert_eq!(generated["Irn"], verdict["Irn"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_catalogue_and_json_schema_are_published() {
    let server = TestServer::start().await;
    let catalogue = server.get_json("/api/v1/errors").await;
    let entries = catalogue["errors"].as_array().unwrap();
    assert!(entries.len() > 40, "{} entries", entries.len());
    let entry = entries
        .iter()
        .find(|e| e["code"] == "2172")
        .expect("2172 is in the catalogue");
    for key in ["message", "rule", "field", "cause", "fix", "severity"] {
        assert!(entry[key].is_string(), "{key} in {entry}");
    }
    let schema = server.get_json("/api/v1/schema/inv-01.json").await;
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(
        schema["required"]
            .as_array()
            .unwrap()
            .contains(&json!("ItemList"))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_thirty_day_window_follows_the_sellers_turnover() {
    let server = TestServer::start().await;
    let big = server
        .http
        .post(server.url("/sandbox/v1/taxpayers"))
        .json(&json!({"state_code": "29", "aato_crore": 50}))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 201);
    let big: Value = big.json().await.unwrap();
    let small = server
        .http
        .post(server.url("/sandbox/v1/taxpayers"))
        .json(&json!({"state_code": "29", "aato_crore": 2.5}))
        .send()
        .await
        .unwrap();
    let small: Value = small.json().await.unwrap();
    let forty_days_ago = {
        let now = chrono::Utc::now().timestamp() - 40 * 24 * 3600;
        openirp_model::time::format_doc_date(openirp_model::time::ist_date(now))
    };
    let validate = |seller: &str, no: &str| {
        let doc = intra_state_invoice(seller, BUYER, "29", no)
            .replace(&crate::harness::today(), &forty_days_ago);
        let server = &server;
        async move {
            server
                .http
                .post(server.url("/api/v1/validate"))
                .body(doc)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let refused = validate(big["gstin"].as_str().unwrap(), "OLD/1").await;
    assert_eq!(refused["valid"], false, "{refused}");
    assert!(
        refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "2268" && e["pointer"] == "/DocDtls/Dt")
    );
    // Below ₹10 crore the window does not apply: accepted, with a warning that it is an old document.
    let accepted = validate(small["gstin"].as_str().unwrap(), "OLD/2").await;
    assert_eq!(accepted["valid"], true, "{accepted}");
    assert!(
        accepted["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "2268")
    );
    server.stop().await;
}
