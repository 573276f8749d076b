//! E-way bills over NIC's wire: Generate EWB by IRN for every transport mode, EwbDtls inside Generate
//! IRN, validity by distance, every eligibility rule's code, Get EWB by IRN, Cancel EWB in the e-way
//! bill system's envelope, and the IRN cancel that an active e-way bill blocks.

use crate::harness::{Taxpayer, TestServer, as_refs, raw_get, raw_post, session_headers, today};
use crate::metrics::{sample, scrape};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openirp_client::{NicClient, decrypt_data, encrypted_request_body};
use openirp_model::time::{format_ist, ist_date};
use serde_json::{Value, json};

const GENERATE_EWB: &str = "/eiewb/v1.03/ewaybill";
const EWAYAPI: &str = "/ewaybillapi/v1.03/ewayapi";
/// NIC's sandbox GSTIN in Karnataka (the seller's state): intra-state supplies.
const BUYER: &str = "29AWGPV7107B1Z1";
const TRANSPORTER: &str = "24AAACC1206D1ZM";

/// A logged-in taxpayer and raw NIC calls, so the tests see the whole envelope (InfoDtls included).
struct Caller<'a> {
    server: &'a TestServer,
    tp: Taxpayer,
    client: NicClient,
}

impl<'a> Caller<'a> {
    async fn new(server: &'a TestServer) -> Caller<'a> {
        let tp = server.new_taxpayer("29").await;
        let client = server.logged_in(&tp).await;
        Caller { server, tp, client }
    }

    fn sek(&self) -> [u8; 32] {
        self.client.session().unwrap().sek
    }

    /// POSTs `payload` encrypted; returns the envelope with `Data` decrypted in place.
    async fn post(&self, path: &str, payload: &Value) -> Value {
        let body = encrypted_request_body(&self.sek(), payload.to_string().as_bytes());
        let h = session_headers(&self.tp, &self.client);
        let mut envelope = raw_post(self.server, path, &as_refs(&h), body).await;
        if envelope["Status"] == 1 {
            envelope["Data"] = decrypt_data(Some(envelope["Data"].clone()), &self.sek()).unwrap();
        }
        envelope
    }

    async fn get(&self, path: &str) -> Value {
        let h = session_headers(&self.tp, &self.client);
        let mut envelope = raw_get(self.server, path, &as_refs(&h)).await;
        if envelope["Status"] == 1 {
            envelope["Data"] = decrypt_data(Some(envelope["Data"].clone()), &self.sek()).unwrap();
        }
        envelope
    }

    /// Registers a goods invoice (Bengaluru 560001 → `buyer_pin` in Karnataka); returns its IRN.
    async fn irn(&self, doc_no: &str, buyer_pin: u32) -> String {
        let out = self
            .client
            .generate_irn(goods_invoice(&self.tp.gstin, doc_no, buyer_pin, None).as_bytes())
            .await
            .unwrap();
        out["Irn"].as_str().unwrap().to_string()
    }

    /// Generate EWB by IRN with `part_b` merged into `{"Irn": irn}`.
    async fn ewb(&self, irn: &str, part_b: Value) -> Value {
        let mut request = json!({"Irn": irn});
        for (k, v) in part_b.as_object().unwrap() {
            request[k] = v.clone();
        }
        self.post(GENERATE_EWB, &request).await
    }

    /// Cancel EWB: the e-way bill system's answer, with `data` decrypted and `error` decoded.
    async fn cancel_ewb(&self, request: &Value) -> Value {
        let data = openirp_crypto::aes_encrypt_b64(&self.sek(), request.to_string().as_bytes());
        let body = json!({"action": "CANEWB", "data": data}).to_string();
        let h = session_headers(&self.tp, &self.client);
        let mut answer = raw_post(self.server, EWAYAPI, &as_refs(&h), body).await;
        decode_ewb_system(&mut answer, &self.sek());
        answer
    }
}

fn decode_ewb_system(answer: &mut Value, sek: &[u8; 32]) {
    if answer["status"] == "1" {
        let plain = openirp_crypto::aes_decrypt_b64(sek, answer["data"].as_str().unwrap()).unwrap();
        answer["data"] = serde_json::from_slice(&plain).unwrap();
    } else if let Some(error) = answer["error"].as_str() {
        answer["error"] = serde_json::from_slice(&STANDARD.decode(error).unwrap()).unwrap();
    }
}

/// An intra-state Karnataka goods invoice dated today; `ewb` is an optional `EwbDtls` block.
fn goods_invoice(seller: &str, doc_no: &str, buyer_pin: u32, ewb: Option<Value>) -> String {
    goods_value(seller, doc_no, buyer_pin, ewb).to_string()
}

fn goods_value(seller: &str, doc_no: &str, buyer_pin: u32, ewb: Option<Value>) -> Value {
    let mut v = json!({"Version": "1.1", "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B"},
        "DocDtls": {"Typ": "INV", "No": doc_no, "Dt": today()},
        "SellerDtls": {"Gstin": seller, "LglNm": "Seller Ltd", "Addr1": "Main Road", "Loc": "Bengaluru",
                       "Pin": 560001, "Stcd": "29"},
        "BuyerDtls": {"Gstin": BUYER, "LglNm": "Buyer Ltd", "Pos": "29", "Addr1": "Palace Road",
                      "Loc": "Mysuru", "Pin": buyer_pin, "Stcd": "29"},
        "ItemList": [{"SlNo": "1", "IsServc": "N", "HsnCd": "84713010", "Qty": 2, "Unit": "NOS",
                      "UnitPrice": 500, "TotAmt": 1000, "AssAmt": 1000, "GstRt": 18, "CgstAmt": 90,
                      "SgstAmt": 90, "TotItemVal": 1180}],
        "ValDtls": {"AssVal": 1000, "CgstVal": 90, "SgstVal": 90, "TotInvVal": 1180}});
    if let Some(ewb) = ewb {
        v["EwbDtls"] = ewb;
    }
    v
}

/// The codes of a failed NIC envelope.
fn codes(envelope: &Value) -> Vec<String> {
    assert_eq!(envelope["Status"], 0, "{envelope}");
    envelope["ErrorDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ErrorCode"].as_str().unwrap().to_string())
        .collect()
}

/// `yyyy-MM-dd 23:59:00` of the day `days` after today (IST).
fn end_of_day_after(days: u64) -> String {
    let now = chrono::Utc::now().timestamp();
    let day = ist_date(now)
        .checked_add_days(chrono::Days::new(days))
        .unwrap();
    format!("{} 23:59:00", day.format("%Y-%m-%d"))
}

fn road(distance: u32) -> Value {
    json!({"Distance": distance, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ewb_for_each_transport_mode_and_a_part_a_slip() {
    let server = TestServer::start().await;
    let c = Caller::new(&server).await;
    let doc = json!({"TransDocNo": "LR/2026/7", "TransDocDt": today()});
    let modes = [
        ("road", road(150)),
        (
            "rail",
            json!({"Distance": 150, "TransMode": "2", "TransDocNo": "RR-1", "TransDocDt": today()}),
        ),
        (
            "air",
            json!({"Distance": 150, "TransMode": "3", "TransDocNo": "AWB123", "TransDocDt": today()}),
        ),
        (
            "ship by document",
            json!({"Distance": 150, "TransMode": "4", "TransDocNo": doc["TransDocNo"], "TransDocDt": doc["TransDocDt"]}),
        ),
        (
            "ship by vessel, ODC",
            json!({"Distance": 150, "TransMode": "4", "VehNo": "KA01AB1234", "VehType": "O"}),
        ),
        (
            "road, ODC",
            json!({"Distance": 150, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "O"}),
        ),
    ];
    let mut numbers = Vec::new();
    for (i, (mode, part_b)) in modes.iter().enumerate() {
        let irn = c.irn(&format!("MODE/{i}"), 570001).await;
        let out = c.ewb(&irn, part_b.clone()).await;
        assert_eq!(out["Status"], 1, "{mode}: {out}");
        let data = &out["Data"];
        let ewb_no = data["EwbNo"].as_i64().unwrap();
        assert_eq!(ewb_no.to_string().len(), 12, "{mode}");
        numbers.push(ewb_no);
        let days = if mode.contains("ODC") { 8 } else { 1 };
        assert_eq!(data["EwbValidTill"], end_of_day_after(days), "{mode}");
        assert!(
            data["EwbDt"]
                .as_str()
                .unwrap()
                .starts_with(&format_ist(chrono::Utc::now().timestamp())[..10])
        );
        assert_eq!(
            out["InfoDtls"],
            Value::Null,
            "{mode}: a declared distance is not reported"
        );
    }
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), modes.len(), "numbers are unique");

    // Transporter only: a Part-A slip with a number and no validity.
    let irn = c.irn("PARTA/1", 570001).await;
    let out = c
        .ewb(
            &irn,
            json!({"Distance": 150, "TransId": TRANSPORTER, "TransName": "Carrier Ltd"}),
        )
        .await;
    assert_eq!(out["Status"], 1, "{out}");
    assert!(out["Data"]["EwbNo"].as_i64().is_some());
    assert_eq!(out["Data"]["EwbValidTill"], Value::Null);

    // Distance 0: computed from the PIN master and reported as EWBPPD; v1.02's string form accepted.
    let irn = c.irn("PPD/1", 570001).await;
    let expected = openirp_model::pincode::road_distance_km(560001, 570001).unwrap();
    let out = c
        .ewb(
            &irn,
            json!({"Distance": "0", "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R"}),
        )
        .await;
    assert_eq!(out["Status"], 1, "{out}");
    assert_eq!(
        out["InfoDtls"],
        json!([{"InfCd": "EWBPPD", "Desc": format!("Pin-Pin calc distance: {expected}KM")}])
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validity_follows_the_distance_at_its_boundaries() {
    let server = TestServer::start().await;
    let c = Caller::new(&server).await;
    // From Campbell Bay (Andaman and Nicobar) to Leh (Ladakh): long enough to declare 4000 km.
    let (far_from, far_to) = (744302, 194101);
    let far = openirp_model::pincode::road_distance_km(far_from, far_to).unwrap();
    assert!(far * 11 / 10 >= 4000, "{far}");
    let route = json!({
        "DispDtls": {"Nm": "Depot", "Addr1": "Harbour Road", "Loc": "Campbell Bay", "Pin": far_from, "Stcd": "35"},
        "ExpShipDtls": {"Addr1": "Main Bazaar", "Loc": "Leh", "Pin": far_to, "Stcd": "38"}});
    let cases = [
        (200, "R", 1),
        (201, "R", 2),
        (400, "R", 2),
        (401, "R", 3),
        (4000, "R", 20),
        (20, "O", 1),
        (21, "O", 2),
        (1000, "O", 50),
    ];
    for (i, (km, vehicle_type, days)) in cases.into_iter().enumerate() {
        let irn = c.irn(&format!("VALID/{i}"), 570001).await;
        let mut part_b = json!({"Distance": km, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": vehicle_type});
        for (k, v) in route.as_object().unwrap() {
            part_b[k] = v.clone();
        }
        let out = c.ewb(&irn, part_b).await;
        assert_eq!(out["Status"], 1, "{km} km: {out}");
        assert_eq!(
            out["Data"]["EwbValidTill"],
            end_of_day_after(days),
            "{km} km {vehicle_type}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ewb_details_inside_generate_irn() {
    let server = TestServer::start().await;
    let c = Caller::new(&server).await;
    let before = scrape(&server).await;
    // Made with the IRN: EwbNo, EwbDt and EwbValidTill in the Generate answer, EWBPPD for distance 0.
    let inv = goods_invoice(
        &c.tp.gstin,
        "WITH/1",
        570001,
        Some(json!({"Distance": 0, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R"})),
    );
    let out = c
        .post(
            "/eicore/v1.03/Invoice",
            &serde_json::from_str(&inv).unwrap(),
        )
        .await;
    assert_eq!(out["Status"], 1, "{out}");
    let data = &out["Data"];
    assert!(data["EwbNo"].as_i64().is_some(), "{data}");
    assert_eq!(data["EwbValidTill"], end_of_day_after(1));
    assert_eq!(out["InfoDtls"][0]["InfCd"], "EWBPPD");
    let irn = data["Irn"].as_str().unwrap().to_string();
    // Get IRN names the e-way bill too, and Get EWB by IRN finds it.
    let got = c.get(&format!("/eicore/v1.03/Invoice/irn/{irn}")).await;
    assert_eq!(got["Data"]["EwbNo"], data["EwbNo"]);
    let ewb = c.get(&format!("/eiewb/v1.03/ewaybill/irn/{irn}")).await;
    assert_eq!(ewb["Data"]["EwbNo"], data["EwbNo"]);
    assert_eq!(ewb["Data"]["Status"], "ACT");
    assert_eq!(ewb["Data"]["GenGstin"], c.tp.gstin.as_str());
    let bills = |page: &str| sample(page, "openirp_ewb_generated_total", &[]);
    assert!(bills(&scrape(&server).await) - bills(&before) >= 1.0);

    // A failing e-way bill part does not undo the IRN: EWBERR, EwbNo null.
    let inv = goods_invoice(
        &c.tp.gstin,
        "WITH/2",
        570001,
        Some(json!({"Distance": 100})),
    );
    let out = c
        .post(
            "/eicore/v1.03/Invoice",
            &serde_json::from_str(&inv).unwrap(),
        )
        .await;
    assert_eq!(out["Status"], 1, "{out}");
    assert_eq!(out["Data"]["EwbNo"], Value::Null);
    assert_eq!(out["InfoDtls"][0]["InfCd"], "EWBERR");
    assert_eq!(out["InfoDtls"][0]["Desc"][0]["ErrorCode"], "4019");
    let irn = out["Data"]["Irn"].as_str().unwrap().to_string();
    assert_eq!(
        c.get(&format!("/eicore/v1.03/Invoice/irn/{irn}")).await["Status"],
        1
    );
    // The e-way bill can then be made by IRN.
    assert_eq!(c.ewb(&irn, road(100)).await["Status"], 1);

    // A declared distance far above the PIN-to-PIN distance: EWBERR 4038, IRN issued.
    let inv = goods_invoice(&c.tp.gstin, "WITH/3", 570001, Some(road(3000)));
    let out = c
        .post(
            "/eicore/v1.03/Invoice",
            &serde_json::from_str(&inv).unwrap(),
        )
        .await;
    assert_eq!(out["Status"], 1, "{out}");
    assert_eq!(out["InfoDtls"][0]["Desc"][0]["ErrorCode"], "4038");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_eligibility_and_field_rule_has_its_code() {
    let server = TestServer::start().await;
    let c = Caller::new(&server).await;
    let other = Caller::new(&server).await;
    let irn = c.irn("RULES/1", 570001).await;
    let future = {
        let now = chrono::Utc::now().timestamp();
        let d = ist_date(now)
            .checked_add_days(chrono::Days::new(2))
            .unwrap();
        d.format("%d/%m/%Y").to_string()
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("no Part-A or Part-B", json!({"Distance": 100}), "4019"),
        (
            "road without vehicle",
            json!({"Distance": 100, "TransMode": "1", "TransDocNo": "LR1", "TransDocDt": today()}),
            "4011",
        ),
        (
            "road without vehicle type",
            json!({"Distance": 100, "TransMode": "1", "VehNo": "KA01AB1234"}),
            "4022",
        ),
        (
            "rail without document",
            json!({"Distance": 100, "TransMode": "2", "VehNo": "KA01AB1234"}),
            "4012",
        ),
        (
            "air without document date",
            json!({"Distance": 100, "TransMode": "3", "TransDocNo": "AWB1"}),
            "4023",
        ),
        (
            "ship with neither",
            json!({"Distance": 100, "TransMode": "4", "TransId": TRANSPORTER}),
            "4040",
        ),
        (
            "ODC by air",
            json!({"Distance": 100, "TransMode": "3", "TransDocNo": "AWB1", "TransDocDt": today(), "VehType": "O"}),
            "4024",
        ),
        (
            "regular by ship",
            json!({"Distance": 100, "TransMode": "4", "VehNo": "KA01AB1234", "VehType": "R"}),
            "4039",
        ),
        (
            "vehicle without mode",
            json!({"Distance": 100, "VehNo": "KA01AB1234", "VehType": "R"}),
            "4028",
        ),
        (
            "bad vehicle number",
            json!({"Distance": 100, "TransMode": "1", "VehNo": "1234KA", "VehType": "R"}),
            "4014",
        ),
        (
            "future document date",
            json!({"Distance": 100, "TransMode": "2", "TransDocNo": "RR1", "TransDocDt": future}),
            "4016",
        ),
        (
            "document before the invoice",
            json!({"Distance": 100, "TransMode": "2", "TransDocNo": "RR1", "TransDocDt": "01/01/2020"}),
            "4021",
        ),
        (
            "document date not a date",
            json!({"Distance": 100, "TransMode": "2", "TransDocNo": "RR1", "TransDocDt": "2026-11-01"}),
            "4017",
        ),
        (
            "bad transporter id",
            json!({"Distance": 100, "TransId": "29AAAAA0000A1Z0"}),
            "4018",
        ),
        ("too far", road(1000), "4038"),
        (
            "same PIN, distance 0",
            json!({"Distance": 0, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R",
            "ExpShipDtls": {"Addr1": "MG Road", "Loc": "Bengaluru", "Pin": 560001, "Stcd": "29"}}),
            "4029",
        ),
        (
            "same PIN, over 100 km",
            json!({"Distance": 101, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R",
            "ExpShipDtls": {"Addr1": "MG Road", "Loc": "Bengaluru", "Pin": 560001, "Stcd": "29"}}),
            "4013",
        ),
        (
            "ship-to abroad, distance 0",
            json!({"Distance": 0, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R",
            "ExpShipDtls": {"Addr1": "Port", "Loc": "Dubai", "Pin": 999999, "Stcd": "96"}}),
            "4034",
        ),
        (
            "dispatch state abroad",
            json!({"Distance": 100, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R",
            "DispDtls": {"Nm": "Depot", "Addr1": "Port", "Loc": "Dubai", "Pin": 560001, "Stcd": "96"}}),
            "4035",
        ),
        (
            "dispatch PIN abroad",
            json!({"Distance": 100, "TransMode": "1", "VehNo": "KA01AB1234", "VehType": "R",
            "DispDtls": {"Nm": "Depot", "Addr1": "Port", "Loc": "Dubai", "Pin": 999999, "Stcd": "29"}}),
            "4036",
        ),
    ];
    for (what, part_b, code) in cases {
        let out = c.ewb(&irn, part_b).await;
        assert!(codes(&out).contains(&code.to_string()), "{what}: {out}");
    }
    // None of those made an e-way bill: the first valid request does.
    assert_eq!(
        c.get(&format!("/eiewb/v1.03/ewaybill/irn/{irn}")).await["ErrorDetails"][0]["ErrorCode"],
        "4005"
    );
    assert_eq!(c.ewb(&irn, road(100)).await["Status"], 1);
    assert_eq!(codes(&c.ewb(&irn, road(100)).await), ["4002"]);
    // Another taxpayer may neither make nor read it.
    assert_eq!(codes(&other.ewb(&irn, road(100)).await), ["2143"]);
    assert_eq!(
        codes(&other.get(&format!("/eiewb/v1.03/ewaybill/irn/{irn}")).await),
        ["4037"]
    );
    // Unknown and malformed IRNs, a missing distance.
    assert_eq!(codes(&c.ewb(&"a".repeat(64), road(100)).await), ["4003"]);
    assert_eq!(codes(&c.ewb("xyz", road(100)).await), ["2140"]);
    assert_eq!(
        codes(&c.ewb(&irn, json!({"TransMode": "1"})).await),
        ["2140"]
    );

    // Credit notes and services-only invoices carry no e-way bill.
    let mut note = goods_value(&c.tp.gstin, "CN/1", 570001, None);
    note["DocDtls"]["Typ"] = json!("CRN");
    note["RefDtls"] = json!({"PrecDocDtls": [{"InvNo": "RULES/1", "InvDt": today()}]});
    let out = c.post("/eicore/v1.03/Invoice", &note).await;
    let note_irn = out["Data"]["Irn"]
        .as_str()
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    assert_eq!(codes(&c.ewb(&note_irn, road(100)).await), ["4010"]);
    let mut services = goods_value(&c.tp.gstin, "SRV/1", 570001, None);
    let item = &mut services["ItemList"][0];
    item["IsServc"] = json!("Y");
    item["HsnCd"] = json!("998314");
    item.as_object_mut().unwrap().remove("Qty");
    item.as_object_mut().unwrap().remove("Unit");
    let out = c.post("/eicore/v1.03/Invoice", &services).await;
    let services_irn = out["Data"]["Irn"]
        .as_str()
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    assert_eq!(codes(&c.ewb(&services_irn, road(100)).await), ["4009"]);

    // A supplier blocked on the e-way bill system.
    let res = server
        .put_gstin(json!({"gstin": c.tp.gstin, "blk_status": "B"}))
        .await;
    assert_eq!(res.status(), 201);
    let blocked_irn = c.irn("BLK/1", 570001).await;
    assert_eq!(codes(&c.ewb(&blocked_irn, road(100)).await), ["4015"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_within_24_hours_and_the_irn_cancel_waits_for_it() {
    let server = TestServer::start().await;
    let mut c = Caller::new(&server).await;
    let other = Caller::new(&server).await;
    let irn = c.irn("CNL/1", 570001).await;
    let ewb_no = c.ewb(&irn, road(100)).await["Data"]["EwbNo"]
        .as_i64()
        .unwrap();

    // The IRN cannot be cancelled while its e-way bill is active.
    let cancel_irn = json!({"Irn": irn, "CnlRsn": "2", "CnlRem": "wrong entry"});
    assert_eq!(
        codes(&c.post("/eicore/v1.03/Invoice/Cancel", &cancel_irn).await),
        ["2230"]
    );

    // Another taxpayer's cancel and a bad reason are refused in the EWB system's codes.
    let request = json!({"ewbNo": ewb_no, "cancelRsnCode": 2, "cancelRmrk": "Order cancelled"});
    let refused = other.cancel_ewb(&request).await;
    assert_eq!(refused["status"], "0");
    assert_eq!(refused["error"]["errorCodes"], "312");
    let bad = c
        .cancel_ewb(&json!({"ewbNo": ewb_no, "cancelRsnCode": 9, "cancelRmrk": "x"}))
        .await;
    assert_eq!(bad["error"]["errorCodes"], "100");

    // Within 24 hours: cancelled, in the EWB system's date form; once only.
    let done = c.cancel_ewb(&request).await;
    assert_eq!(done["status"], "1", "{done}");
    assert_eq!(done["data"]["ewayBillNo"], ewb_no);
    let date = done["data"]["cancelDate"].as_str().unwrap();
    let parsed = chrono::NaiveDateTime::parse_from_str(date, "%d/%m/%Y %I:%M:%S %p").unwrap();
    assert_eq!(parsed.date(), ist_date(chrono::Utc::now().timestamp()));
    assert_eq!(c.cancel_ewb(&request).await["error"]["errorCodes"], "312");
    let status = c.get(&format!("/eiewb/v1.03/ewaybill/irn/{irn}")).await;
    assert_eq!(status["Data"]["Status"], "CNL");

    // Now the IRN can be cancelled, and no e-way bill can be made for it.
    assert_eq!(
        c.post("/eicore/v1.03/Invoice/Cancel", &cancel_irn).await["Status"],
        1
    );
    assert_eq!(codes(&c.ewb(&irn, road(100)).await), ["4000"]);

    // After 24 hours (clock moved) an e-way bill cannot be cancelled. A Part-A slip has no validity
    // to lapse, so only the 24-hour rule decides.
    let irn = c.irn("CNL/2", 570001).await;
    let slip = c
        .ewb(&irn, json!({"Distance": 100, "TransId": TRANSPORTER}))
        .await;
    let slip_no = slip["Data"]["EwbNo"].as_i64().unwrap();
    server.advance_clock(24 * 3600 + 60).await;
    c.client.authenticate(true).await.unwrap();
    let late = c
        .cancel_ewb(&json!({"ewbNo": slip_no, "cancelRsnCode": "1", "cancelRmrk": "late"}))
        .await;
    assert_eq!(late["error"]["errorCodes"], "240", "{late}");
    // The IRN's own 24 hours have passed too.
    assert_eq!(
        codes(
            &c.post(
                "/eicore/v1.03/Invoice/Cancel",
                &json!({"Irn": irn, "CnlRsn": "2", "CnlRem": "late"})
            )
            .await
        ),
        ["2270"]
    );

    // A bad token is the EWB system's 105.
    let mut h = session_headers(&c.tp, &c.client);
    h.retain(|(k, _)| k != "authtoken");
    h.push(("authtoken".into(), "X".repeat(25)));
    let mut answer = raw_post(
        &server,
        EWAYAPI,
        &as_refs(&h),
        json!({"action": "CANEWB", "data": "AAAA"}).to_string(),
    )
    .await;
    decode_ewb_system(&mut answer, &c.sek());
    assert_eq!(answer["error"]["errorCodes"], "105");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identical_resend_gets_the_first_ewb_and_makes_no_second() {
    let server = TestServer::start_with(|c| c.replay_identical_resends = true).await;
    let c = Caller::new(&server).await;
    let invoice: Value = serde_json::from_str(&goods_invoice(
        &c.tp.gstin,
        "RESEND/1",
        570001,
        Some(road(150)),
    ))
    .unwrap();
    let first = c.post("/eicore/v1.03/Invoice", &invoice).await;
    let again = c.post("/eicore/v1.03/Invoice", &invoice).await;
    assert_eq!(first["Status"], 1, "{first}");
    assert_eq!(again["Status"], 1, "{again}");
    assert!(first["Data"]["EwbNo"].as_i64().is_some());
    assert_eq!(again["Data"]["Irn"], first["Data"]["Irn"]);
    assert_eq!(again["Data"]["EwbNo"], first["Data"]["EwbNo"]);
    assert_eq!(again["Data"]["EwbValidTill"], first["Data"]["EwbValidTill"]);
    server.stop().await;
}
