//! The two ways into the canonical form — from a parsed `serde_json::Value` and straight from the JSON
//! text (the server's path) — must give the same verdict on any document: the same canonical form when it
//! is valid, the same violations at the same pointers when it is not.

use openirp_model::{canonicalise_invoice, canonicalise_invoice_text};
use proptest::prelude::*;
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N"},
        "DocDtls": {"Typ": "INV", "No": "DOC/77", "Dt": "05/11/2025"},
        "SellerDtls": {"Gstin": "29AAGCB7383J1Z4", "LglNm": "Seller Ltd", "Addr1": "MG Road",
                       "Loc": "Bengaluru", "Pin": 560001, "Stcd": "29"},
        "BuyerDtls": {"Gstin": "27AAPFU0939F1ZV", "LglNm": "Buyer Ltd", "Pos": "27", "Addr1": "Fort",
                      "Loc": "Mumbai", "Pin": 400001, "Stcd": "27"},
        "ItemList": [
            {"SlNo": "1", "IsServc": "N", "HsnCd": "84713010", "Qty": 2, "Unit": "NOS", "UnitPrice": 500,
             "TotAmt": 1000, "AssAmt": 1000, "GstRt": 18, "IgstAmt": 180, "TotItemVal": 1180,
             "BchDtls": {"Nm": "B-1"}, "AttribDtls": [{"Nm": "Colour", "Val": "Red"}]},
            {"SlNo": "2", "IsServc": "Y", "HsnCd": "998314", "UnitPrice": 100, "TotAmt": 100,
             "AssAmt": 100, "GstRt": 18, "IgstAmt": 18, "TotItemVal": 118}
        ],
        "ValDtls": {"AssVal": 1100, "IgstVal": 198, "TotInvVal": 1298},
        "RefDtls": {"PrecDocDtls": [{"InvNo": "DOC/1", "InvDt": "01/11/2025"}]}
    })
}

/// Values a mutation may put anywhere: every JSON kind, right and wrong for any field.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!("29")),
        Just(json!("")),
        Just(json!("x\"y")),
        Just(json!("560001")),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(12.5)),
        Just(json!([])),
        Just(json!([1, {"a": 1}])),
        Just(json!({})),
        Just(json!({"Nm": "Z"})),
    ]
}

/// One edit at a path chosen by `pick`: replace a value, drop a member, add an unknown one, or re-case a key.
fn mutate(doc: &mut Value, pick: usize, kind: u8, with: Value) {
    let mut slots: Vec<Vec<String>> = Vec::new();
    collect(doc, &mut Vec::new(), &mut slots);
    let path = &slots[pick % slots.len()];
    let (last, parent_path) = path.split_last().expect("non-empty path");
    let parent = parent_path.iter().fold(&mut *doc, |v, k| match v {
        Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
        other => &mut other[k.as_str()],
    });
    match (parent, kind % 4) {
        (Value::Object(map), 0) => {
            map.insert(last.clone(), with);
        }
        (Value::Object(map), 1) => {
            map.remove(last);
        }
        (Value::Object(map), 2) => {
            map.insert(format!("{last}Extra"), with);
        }
        (Value::Object(map), _) => {
            if let Some(v) = map.remove(last) {
                map.insert(last.to_ascii_uppercase(), v);
            }
        }
        (Value::Array(items), _) => {
            let i: usize = last.parse().unwrap();
            items[i] = with;
        }
        _ => {}
    }
}

fn collect(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(k.clone());
                out.push(at.clone());
                collect(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(i.to_string());
                out.push(at.clone());
                collect(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn both_paths_agree(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), replacement()), 0..4)) {
        let mut doc = base();
        for (pick, kind, with) in edits {
            mutate(&mut doc, pick, kind, with);
        }
        let text = serde_json::to_string(&doc).unwrap();
        let from_value = canonicalise_invoice(&serde_json::from_str(&text).unwrap());
        let from_text = canonicalise_invoice_text(&text).expect("the text is JSON");
        prop_assert_eq!(from_text, from_value, "{}", text);
    }
}

#[test]
fn the_base_document_is_valid_on_both_paths() {
    let text = base().to_string();
    assert!(canonicalise_invoice_text(&text).unwrap().is_ok());
}
