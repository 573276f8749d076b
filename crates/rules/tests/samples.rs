//! The accepted samples of the reference pass (§5.19/§14.3 NIC sample, §14.4 intra-state service,
//! credit note and export without payment), through `check_schema` and `validate` as the server runs them;
//! known-bad variants fail with the expected codes.

mod support;

use openirp_rules::{Context, Severity, check_schema, validate};
use serde_json::{Value, json};
use support::*;

/// Schema and rules in one go, with the seller as caller and the test master.
fn verdict(v: &Value) -> Vec<(&'static str, String, Severity)> {
    let (_canon, inv) = check_schema(v).unwrap_or_else(|f| panic!("schema: {f:?}"));
    let setup = Setup::for_invoice(&inv);
    setup
        .run(&inv)
        .into_iter()
        .map(|f| (f.code, f.pointer, f.severity))
        .collect()
}

fn error_codes(v: &Value) -> Vec<&'static str> {
    verdict(v)
        .into_iter()
        .filter(|(_, _, s)| *s == Severity::Error)
        .map(|(c, _, _)| c)
        .collect()
}

/// §14.4: a service sold within Karnataka, AssAmt 100 at 18 % → CGST 9 + SGST 9 → 118.
fn service_item_14_4() -> Value {
    json!({
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N"},
        "DocDtls": {"Typ": "INV", "No": "SINV-00012", "Dt": "10/11/2025"},
        "SellerDtls": {"Gstin": SELLER_29, "LglNm": "Seller Pvt Ltd", "Addr1": "12 Main Road", "Loc": "Bengaluru",
                       "Pin": 560001, "Stcd": "29"},
        "BuyerDtls": {"Gstin": buyer_29(), "LglNm": "Buyer Pvt Ltd", "Pos": "29", "Addr1": "7 Market Street",
                      "Loc": "Mysuru", "Pin": 570001, "Stcd": "29"},
        "ItemList": [{"SlNo": "1", "PrdDesc": "Consulting", "IsServc": "Y", "HsnCd": "998314", "Qty": 1, "Unit": "NOS",
                      "UnitPrice": 100, "TotAmt": 100, "AssAmt": 100, "GstRt": 18, "CgstAmt": 9, "SgstAmt": 9,
                      "TotItemVal": 118}],
        "ValDtls": {"AssVal": 100, "CgstVal": 9, "SgstVal": 9, "TotInvVal": 118}
    })
}

/// §14.4: export without payment, URP buyer, Pos/Stcd 96, Pin 999999, ExpDtls US / INABG1, ship-to in
/// Gujarat; `ShipBDt` corrected to dd/mm/yyyy.
fn export_14_4() -> Value {
    json!({
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "EXPWOP", "RegRev": "N"},
        "DocDtls": {"Typ": "INV", "No": "EXP-0001", "Dt": "10/11/2025"},
        "SellerDtls": {"Gstin": "24AAACC1206D1ZM", "LglNm": "Exporter Ltd", "Addr1": "Ashram Road", "Loc": "Ahmedabad",
                       "Pin": 380009, "Stcd": "24"},
        "BuyerDtls": {"Gstin": "URP", "LglNm": "Foreign Buyer Inc", "Pos": "96", "Addr1": "1 Main Street",
                      "Loc": "New York", "Pin": 999999, "Stcd": "96"},
        "ShipDtls": {"LglNm": "Exporter Ltd", "Addr1": "Navrangpura", "Loc": "Ahmedabad", "Pin": 380015, "Stcd": "24"},
        "ItemList": [{"SlNo": "1", "IsServc": "N", "HsnCd": "61149090", "Qty": 10, "Unit": "NOS", "UnitPrice": 50,
                      "TotAmt": 500, "AssAmt": 500, "GstRt": 0, "IgstAmt": 0, "TotItemVal": 500}],
        "ValDtls": {"AssVal": 500, "IgstVal": 0, "TotInvVal": 500},
        "ExpDtls": {"ShipBNo": "SB-123", "ShipBDt": "10/06/2023", "Port": "INABG1", "RefClm": "N",
                    "ForCur": "USD", "CntCode": "US"}
    })
}

#[test]
fn nic_sample_passes_with_only_the_documented_warnings() {
    let got = verdict(&nic_sample());
    // NIC's own sample: POS 12 with ship-to 29 (2245) and an invoice carrying PrecDocDtls (2210).
    assert_eq!(
        got,
        vec![
            (
                "2210",
                "/RefDtls/PrecDocDtls".to_string(),
                Severity::Warning
            ),
            ("2245", "/ShipDtls/Stcd".to_string(), Severity::Warning),
        ]
    );
}

#[test]
fn reference_samples_pass() {
    assert_eq!(verdict(&credit_note_14_4()), vec![]);
    assert_eq!(verdict(&service_item_14_4()), vec![]);
    let export = export_14_4();
    let (_, inv) = check_schema(&export).unwrap();
    let mut setup = Setup::for_invoice(&inv);
    setup.seller = Some(active("24AAACC1206D1ZM", "REG"));
    setup.caller = "24AAACC1206D1ZM".to_string();
    assert_eq!(setup.run(&inv), vec![]);
}

#[test]
fn the_export_fixture_as_published_fails_the_schema_on_its_date() {
    let mut v = export_14_4();
    v["ExpDtls"]["ShipBDt"] = json!("2023-06-10");
    let errs = check_schema(&v).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].rule, errs[0].code, errs[0].pointer.as_str()),
        ("schema", "2140", "/ExpDtls/ShipBDt")
    );
    assert!(errs[0].message.starts_with("ExpDtls.ShipBDt: "));
}

#[test]
fn known_bad_variants_fail_with_the_expected_codes() {
    let bad = |f: fn(&mut Value)| {
        let mut v = nic_sample();
        f(&mut v);
        error_codes(&v)
    };
    // Item IGST off by more than the tolerance: 2235, and the sums that carry it.
    assert_eq!(
        bad(|v| v["ItemList"][0]["IgstAmt"] = json!(1190)),
        vec!["2235", "2194", "2185"]
    );
    // Intra-state POS with IGST.
    assert_eq!(
        bad(|v| v["BuyerDtls"]["Pos"] = json!("37")),
        vec!["2172", "2241"]
    );
    // Supplier PIN outside Andhra Pradesh.
    assert_eq!(
        bad(|v| v["SellerDtls"]["Pin"] = json!(560001)),
        vec!["2178"]
    );
    // Unknown unit, bad HSN chapter and the total.
    assert_eq!(
        bad(|v| {
            v["ItemList"][0]["Unit"] = json!("ABC");
            v["ItemList"][0]["HsnCd"] = json!("7700");
            v["ValDtls"]["TotInvVal"] = json!(13000);
        }),
        vec!["2177", "2176", "2189"]
    );
    // Export details with an unknown country and currency.
    assert_eq!(
        bad(|v| {
            v["ExpDtls"]["CntCode"] = json!("ZZ");
            v["ExpDtls"]["ForCur"] = json!("ABC");
        }),
        vec!["2202", "2203"]
    );

    let mut v = credit_note_14_4();
    v.as_object_mut().unwrap().remove("RefDtls");
    assert_eq!(error_codes(&v), vec!["2191"]);

    let mut v = export_14_4();
    v["BuyerDtls"]["Pos"] = json!("24");
    v["ExpDtls"]["Port"] = json!("NYC");
    let (_, inv) = check_schema(&v).unwrap();
    let mut setup = Setup::for_invoice(&inv);
    setup.seller = Some(active("24AAACC1206D1ZM", "REG"));
    setup.caller = "24AAACC1206D1ZM".to_string();
    let codes: Vec<&str> = setup
        .run(&inv)
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect();
    assert_eq!(codes, vec!["2229", "2201"]);
}

#[test]
fn an_ewb_request_with_problems_only_warns() {
    let mut v = service_item_14_4();
    v["EwbDtls"] = json!({"Distance": 0});
    let got = verdict(&v);
    assert!(
        got.iter().all(|(_, _, s)| *s == Severity::Warning),
        "{got:?}"
    );
    let codes: Vec<&str> = got.iter().map(|(c, _, _)| *c).collect();
    assert_eq!(codes, vec!["2251", "4019"]);
}

#[test]
fn check_schema_reports_every_violation_with_its_pointer() {
    let mut v = nic_sample();
    v["ItemList"][0]["HsnCd"] = json!("8471301");
    v["SellerDtls"]["Pin"] = json!("abc");
    let errs = check_schema(&v).unwrap_err();
    let got: Vec<(&str, &str)> = errs.iter().map(|f| (f.code, f.pointer.as_str())).collect();
    assert_eq!(
        got,
        vec![("2140", "/SellerDtls/Pin"), ("2140", "/ItemList/0/HsnCd")]
    );
    assert!(errs.iter().all(|f| f.rule == "schema"));
    assert!(errs[1].message.starts_with("ItemList[0].HsnCd: "));
    let _ = Context::new("", today());
    let (_, inv) = check_schema(&nic_sample()).unwrap();
    let ctx = Context::offline(today());
    let offline: Vec<&str> = validate(&inv, &ctx)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect();
    // Offline the sandbox GSTINs fail only their check characters.
    assert_eq!(offline, vec!["3028", "3028"]);
}
