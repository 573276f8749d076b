//! The published JSON Schema (`data/inv-01.schema.json`) against the schema the server enforces
//! (`openirp_model::schema`): it compiles as draft 2020-12, it accepts NIC's sample and rejects broken
//! variants the way the server does, and it never drifts from the Rust table (same blocks, fields, required
//! lists, lengths, ranges, types, and patterns that accept and reject the same values).

use jsonschema::Validator;
use openirp_model::canonicalise_invoice;
use openirp_model::schema::{Block, INVOICE, Kind, Pat, matches};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::str::FromStr;

const SCHEMA: &str = include_str!("../data/inv-01.schema.json");
const NIC_SAMPLE: &str = include_str!("../../server/tests/fixtures/nic-sample-invoice.json");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("inv-01.schema.json is JSON")
}

fn validator() -> Validator {
    jsonschema::draft202012::new(&schema()).expect("inv-01.schema.json compiles as draft 2020-12")
}

fn nic_sample() -> Value {
    serde_json::from_str(&NIC_SAMPLE.replace("{{DOC_DATE}}", "01/11/2025")).unwrap()
}

fn errors_of(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_is_a_valid_draft_2020_12_document() {
    let s = schema();
    assert_eq!(
        s["$schema"],
        json!("https://json-schema.org/draft/2020-12/schema")
    );
    assert_eq!(s["title"], json!("GST-India e-Invoice (INV-01) v1.1"));
    if let Err(e) = jsonschema::draft202012::meta::validate(&s) {
        panic!("not a valid draft 2020-12 schema: {e}");
    }
    // Every property of every object carries a description, so the file doubles as documentation.
    let mut missing = Vec::new();
    let mut objects = vec![("".to_string(), &s)];
    for (name, def) in s["$defs"].as_object().unwrap() {
        objects.push((name.clone(), def));
    }
    for (owner, obj) in objects {
        if obj["description"].as_str().is_none_or(str::is_empty) {
            missing.push(owner.clone());
        }
        for (name, prop) in obj["properties"].as_object().into_iter().flatten() {
            if prop["description"].as_str().is_none_or(str::is_empty) {
                missing.push(format!("{owner}.{name}"));
            }
        }
    }
    assert!(missing.is_empty(), "no description: {missing:?}");
}

#[test]
fn nic_sample_passes_both() {
    let v = validator();
    let sample = nic_sample();
    let errs = errors_of(&v, &sample);
    assert!(errs.is_empty(), "{errs:#?}");
    assert!(canonicalise_invoice(&sample).is_ok());
}

/// Applies `edit` to a copy of NIC's sample.
fn variant(edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = nic_sample();
    edit(&mut v);
    v
}

/// A JSON number with exactly this lexeme (serde_json keeps lexemes: `arbitrary_precision`).
fn lexeme(n: &str) -> Value {
    serde_json::from_str(n).unwrap()
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

#[test]
fn broken_variants_fail_both() {
    let long = "x".repeat(101);
    let cases: Vec<(&str, Value)> = vec![
        ("missing Version", variant(|v| remove(v, "Version"))),
        ("missing ValDtls", variant(|v| remove(v, "ValDtls"))),
        (
            "missing DocDtls.No",
            variant(|v| remove(&mut v["DocDtls"], "No")),
        ),
        (
            "missing item AssAmt",
            variant(|v| remove(&mut v["ItemList"][0], "AssAmt")),
        ),
        (
            "missing EwbDtls.Distance",
            variant(|v| remove(&mut v["EwbDtls"], "Distance")),
        ),
        (
            "missing BchDtls.Nm",
            variant(|v| remove(&mut v["ItemList"][0]["BchDtls"], "Nm")),
        ),
        (
            "required null",
            variant(|v| v["DocDtls"]["No"] = Value::Null),
        ),
        (
            "required block null",
            variant(|v| v["TranDtls"] = Value::Null),
        ),
        (
            "lower-case GSTIN",
            variant(|v| v["SellerDtls"]["Gstin"] = json!("37arzpt4384q1mt")),
        ),
        (
            "document number starting with 0",
            variant(|v| v["DocDtls"]["No"] = json!("0BAD")),
        ),
        (
            "HSN all zero",
            variant(|v| v["ItemList"][0]["HsnCd"] = json!("0000")),
        ),
        (
            "HSN of 5 digits",
            variant(|v| v["ItemList"][0]["HsnCd"] = json!("10011")),
        ),
        (
            "state code 00",
            variant(|v| v["BuyerDtls"]["Stcd"] = json!("00")),
        ),
        (
            "impossible date",
            variant(|v| v["DocDtls"]["Dt"] = json!("31/02/2024")),
        ),
        (
            "date after 2029",
            variant(|v| v["DocDtls"]["Dt"] = json!("01/01/2030")),
        ),
        (
            "quote in free text",
            variant(|v| v["SellerDtls"]["LglNm"] = json!("NIC \"company\"")),
        ),
        (
            "backslash in free text",
            variant(|v| v["SellerDtls"]["Addr1"] = json!("5th block\\kuvempu")),
        ),
        (
            "bad e-mail",
            variant(|v| v["SellerDtls"]["Em"] = json!("abc.gmail.com")),
        ),
        (
            "legal name too long",
            variant(|v| v["SellerDtls"]["LglNm"] = json!(long)),
        ),
        (
            "seller location too long",
            variant(|v| v["SellerDtls"]["Loc"] = json!("x".repeat(51))),
        ),
        (
            "trade name too short",
            variant(|v| v["BuyerDtls"]["TrdNm"] = json!("XY")),
        ),
        (
            "PIN as text",
            variant(|v| v["SellerDtls"]["Pin"] = json!("abc")),
        ),
        (
            "HSN as boolean",
            variant(|v| v["ItemList"][0]["HsnCd"] = json!(true)),
        ),
        ("ItemList as object", variant(|v| v["ItemList"] = json!({}))),
        (
            "item as string",
            variant(|v| v["ItemList"][0] = json!("item")),
        ),
        (
            "amount as object",
            variant(|v| v["ItemList"][0]["Qty"] = json!({"a": 1})),
        ),
        (
            "unknown top-level field",
            variant(|v| v["Colour"] = json!("red")),
        ),
        (
            "unknown buyer field",
            variant(|v| v["BuyerDtls"]["Colour"] = json!("red")),
        ),
        (
            "unknown item field",
            variant(|v| v["ItemList"][0]["Colour"] = json!("red")),
        ),
        (
            "unknown attribute field",
            variant(|v| v["ItemList"][0]["AttribDtls"][0]["Colour"] = json!("red")),
        ),
        (
            "negative item amount",
            variant(|v| v["ItemList"][0]["AssAmt"] = json!(-1)),
        ),
        (
            "negative total",
            variant(|v| v["ValDtls"]["TotInvVal"] = json!(-0.01)),
        ),
        (
            "amount above the maximum",
            variant(|v| v["ItemList"][0]["TotAmt"] = json!(1_000_000_000_000u64)),
        ),
        // Limits are compared in binary floating point by the `jsonschema` crate (its exact
        // `arbitrary-precision` mode needs a crate this registry mirror lacks), so a total such as
        // 99999999999999.991 (past f64's resolution at 1e14) passes it while the server refuses it.
        (
            "rate a ten-thousandth above the maximum",
            variant(|v| v["ItemList"][0]["GstRt"] = lexeme("999.9991")),
        ),
        (
            "rounding beyond 99.99",
            variant(|v| v["ValDtls"]["RndOffAmt"] = json!(100)),
        ),
        (
            "rounding below -99.99",
            variant(|v| v["ValDtls"]["RndOffAmt"] = json!(-100)),
        ),
        (
            "PIN of 5 digits",
            variant(|v| v["SellerDtls"]["Pin"] = json!(99_999)),
        ),
        (
            "fractional PIN",
            variant(|v| v["SellerDtls"]["Pin"] = json!(518_001.5)),
        ),
        (
            "distance beyond 4000",
            variant(|v| v["EwbDtls"]["Distance"] = json!(4001)),
        ),
        (
            "fractional credit days",
            variant(|v| v["PayDtls"]["CrDay"] = json!(1.5)),
        ),
        (
            "bad supply type",
            variant(|v| v["TranDtls"]["SupTyp"] = json!("B2C")),
        ),
        (
            "lower-case tax scheme",
            variant(|v| v["TranDtls"]["TaxSch"] = json!("gst")),
        ),
        (
            "bad document type",
            variant(|v| v["DocDtls"]["Typ"] = json!("BIL")),
        ),
        ("bad version", variant(|v| v["Version"] = json!("1.2"))),
        (
            "bad vehicle type",
            variant(|v| v["EwbDtls"]["VehType"] = json!("X")),
        ),
        (
            "bad transport mode",
            variant(|v| v["EwbDtls"]["TransMode"] = json!("5")),
        ),
        (
            "lower-case Y/N",
            variant(|v| v["TranDtls"]["RegRev"] = json!("y")),
        ),
        (
            "NIC's '|' in Y/N",
            variant(|v| v["ExpDtls"]["RefClm"] = json!("|")),
        ),
        (
            "lower-case country code",
            variant(|v| v["ExpDtls"]["CntCode"] = json!("ae")),
        ),
        (
            "preceding document number of 1 character",
            variant(|v| v["RefDtls"]["PrecDocDtls"][0]["InvNo"] = json!("1")),
        ),
    ];
    let val = validator();
    let mut wrong = Vec::new();
    for (name, instance) in &cases {
        if val.is_valid(instance) {
            wrong.push(format!("{name}: the JSON Schema accepts it"));
        }
        if canonicalise_invoice(instance).is_ok() {
            wrong.push(format!("{name}: the server's schema check accepts it"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn empty_item_list_fails_the_json_schema() {
    // The server's schema check lets it through and business rule 2228 rejects it; the JSON Schema says
    // so at once (NIC's schema has `minItems: 1`).
    let instance = variant(|v| v["ItemList"] = json!([]));
    assert!(!validator().is_valid(&instance));
}

#[test]
fn accepted_variants_pass_both() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "lower-case supply and document type",
            variant(|v| {
                v["TranDtls"]["SupTyp"] = json!("b2b");
                v["DocDtls"]["Typ"] = json!("inv");
            }),
        ),
        (
            "one-digit state code",
            variant(|v| v["BuyerDtls"]["Pos"] = json!("7")),
        ),
        ("version 1.01", variant(|v| v["Version"] = json!("1.01"))),
        (
            "Irn and ItemNo are ignored",
            variant(|v| {
                v["Irn"] = json!("x");
                v["ItemList"][0]["ItemNo"] = json!(7);
            }),
        ),
        (
            "optional blocks and fields null",
            variant(|v| {
                for block in ["DispDtls", "ShipDtls", "PayDtls", "RefDtls", "ExpDtls"] {
                    v[block] = Value::Null;
                }
                v["AddlDocDtls"] = Value::Null;
                v["BuyerDtls"]["Pin"] = Value::Null;
                v["ItemList"][0]["BchDtls"] = Value::Null;
                v["ItemList"][0]["AttribDtls"] = Value::Null;
                v["EwbDtls"]["VehType"] = Value::Null;
                v["EwbDtls"]["TransMode"] = Value::Null;
            }),
        ),
        (
            "optional blocks absent",
            variant(|v| {
                for block in [
                    "DispDtls",
                    "ShipDtls",
                    "PayDtls",
                    "RefDtls",
                    "AddlDocDtls",
                    "ExpDtls",
                    "EwbDtls",
                ] {
                    remove(v, block);
                }
            }),
        ),
        (
            "integral number written with a fraction",
            variant(|v| v["SellerDtls"]["Pin"] = json!(518_001.0)),
        ),
        (
            "largest total",
            variant(|v| v["ValDtls"]["TotInvVal"] = lexeme("99999999999999.99")),
        ),
        (
            "largest total with trailing zeros",
            variant(|v| v["ValDtls"]["TotInvVal"] = lexeme("99999999999999.9900")),
        ),
        (
            "negative rounding",
            variant(|v| v["ValDtls"]["RndOffAmt"] = json!(-99.99)),
        ),
        (
            "non-ASCII text",
            variant(|v| v["SellerDtls"]["Addr2"] = json!("Floor 2 – wing ₹")),
        ),
        (
            "leap day",
            variant(|v| v["DocDtls"]["Dt"] = json!("29/02/2024")),
        ),
    ];
    let val = validator();
    let mut wrong = Vec::new();
    for (name, instance) in &cases {
        let errs = errors_of(&val, instance);
        if !errs.is_empty() {
            wrong.push(format!("{name}: the JSON Schema rejects it: {errs:?}"));
        }
        if let Err(e) = canonicalise_invoice(instance) {
            wrong.push(format!("{name}: the server rejects it: {e:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// ---------------------------------------------------------------------------------------------------
// Structure: walk `schema::INVOICE` and the JSON Schema together.

/// The property's subschema with a `$ref` to a `$defs` entry merged in (the property's own keys win).
fn resolved(root: &Value, prop: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(r) = prop["$ref"].as_str() {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        let def = &root["$defs"][name];
        assert!(def.is_object(), "dangling $ref {r}");
        for (k, v) in def.as_object().unwrap() {
            out.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in prop.as_object().unwrap() {
        if k != "$ref" {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// The JSON types a subschema allows, and whether it allows null.
fn types(s: &Value) -> (BTreeSet<String>, bool) {
    let mut set: BTreeSet<String> = match &s["type"] {
        Value::String(t) => [t.clone()].into(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => BTreeSet::new(),
    };
    let null = set.remove("null");
    (set, null)
}

fn or_null(optional: bool) -> &'static str {
    if optional {
        " or null (optional)"
    } else {
        " (required: not null)"
    }
}

fn decimal(v: &Value) -> Option<Decimal> {
    let n = v.as_number()?.to_string();
    if n.contains(['e', 'E']) {
        Decimal::from_scientific(&n).ok()
    } else {
        Decimal::from_str(&n).ok()
    }
}

fn check_block(
    root: &Value,
    block: &'static Block,
    js: &Value,
    path: &str,
    used_defs: &mut BTreeSet<String>,
    wrong: &mut Vec<String>,
) {
    let at = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    if js["additionalProperties"] != json!(false) {
        wrong.push(format!("{path}: additionalProperties is not false"));
    }
    let Some(props) = js["properties"].as_object() else {
        wrong.push(format!("{path}: no properties"));
        return;
    };
    let rust_names: BTreeSet<&str> = block.fields.iter().map(|f| f.name).collect();
    let json_names: BTreeSet<&str> = props.keys().map(String::as_str).collect();
    for n in rust_names.difference(&json_names) {
        wrong.push(format!("{}: in schema.rs, not in the JSON Schema", at(n)));
    }
    for n in json_names.difference(&rust_names) {
        wrong.push(format!("{}: in the JSON Schema, not in schema.rs", at(n)));
    }
    let rust_required: BTreeSet<&str> = block
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let json_required: BTreeSet<&str> = js["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if rust_required != json_required {
        wrong.push(format!(
            "{path}: required differs: schema.rs {rust_required:?}, JSON Schema {json_required:?}"
        ));
    }
    for field in block.fields {
        let Some(prop) = props.get(field.name) else {
            continue;
        };
        let here = at(field.name);
        if let Some(r) = prop["$ref"].as_str() {
            used_defs.insert(r.trim_start_matches("#/$defs/").to_string());
        }
        let s = resolved(root, prop);
        let (ty, nullable) = types(&s);
        let want = |t: &str| -> BTreeSet<String> { [t.to_string()].into() };
        // A required field must not be null; an optional one may be (the server reads null as absent).
        let null_ok = !field.required;
        match field.kind {
            Kind::Str { min, max, pat } => {
                if ty != want("string") || nullable != null_ok {
                    wrong.push(format!(
                        "{here}: type {}, want string{}",
                        s["type"],
                        or_null(null_ok)
                    ));
                }
                if s["minLength"].as_u64() != Some(min as u64)
                    || s["maxLength"].as_u64() != Some(max as u64)
                {
                    wrong.push(format!(
                        "{here}: length {}..{} in the JSON Schema, {min}..{max} in schema.rs",
                        s["minLength"], s["maxLength"]
                    ));
                }
                match pat {
                    Pat::OneOf(values) => {
                        let listed: BTreeSet<&str> = s["enum"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .collect();
                        if listed != values.iter().copied().collect() {
                            wrong.push(format!("{here}: enum {listed:?}, schema.rs {values:?}"));
                        }
                        if nullable && !s["enum"].as_array().unwrap().contains(&Value::Null) {
                            wrong.push(format!("{here}: optional, but null not in its enum"));
                        }
                    }
                    _ => {
                        if s["pattern"].as_str().is_none() {
                            wrong.push(format!("{here}: no pattern"));
                        }
                    }
                }
            }
            Kind::Num { min, max } => {
                if ty != want("number") || nullable != null_ok {
                    wrong.push(format!(
                        "{here}: type {}, want number{}",
                        s["type"],
                        or_null(null_ok)
                    ));
                }
                if decimal(&s["minimum"]) != Some(min) || decimal(&s["maximum"]) != Some(max) {
                    wrong.push(format!(
                        "{here}: range {}..{} in the JSON Schema, {min}..{max} in schema.rs",
                        s["minimum"], s["maximum"]
                    ));
                }
            }
            Kind::Int { min, max } => {
                if ty != want("integer") || nullable != null_ok {
                    wrong.push(format!(
                        "{here}: type {}, want integer{}",
                        s["type"],
                        or_null(null_ok)
                    ));
                }
                if s["minimum"].as_i64() != Some(min) || s["maximum"].as_i64() != Some(max) {
                    wrong.push(format!(
                        "{here}: range {}..{} in the JSON Schema, {min}..{max} in schema.rs",
                        s["minimum"], s["maximum"]
                    ));
                }
            }
            Kind::Obj(inner) => {
                if prop["$ref"].as_str() != Some(&format!("#/$defs/{}", inner.name)) {
                    wrong.push(format!(
                        "{here}: $ref {} for block {}",
                        prop["$ref"], inner.name
                    ));
                    continue;
                }
                if ty != want("object") || nullable != null_ok {
                    wrong.push(format!(
                        "{here}: type {}, want object{}",
                        s["type"],
                        or_null(null_ok)
                    ));
                }
                check_block(root, inner, &s, &here, used_defs, wrong);
            }
            Kind::List(inner) => {
                if ty != want("array") || nullable != null_ok {
                    wrong.push(format!(
                        "{here}: type {}, want array{}",
                        s["type"],
                        or_null(null_ok)
                    ));
                }
                let items = &s["items"];
                if items["$ref"].as_str() != Some(&format!("#/$defs/{}", inner.name)) {
                    wrong.push(format!(
                        "{here}: items $ref {} for block {}",
                        items["$ref"], inner.name
                    ));
                    continue;
                }
                used_defs.insert(inner.name.to_string());
                let def = resolved(root, items);
                // Elements of a list are never null.
                if types(&def) != (want("object"), false) {
                    wrong.push(format!(
                        "{here}[]: type {}, want object (never null)",
                        def["type"]
                    ));
                }
                check_block(root, inner, &def, &format!("{here}[]"), used_defs, wrong);
            }
            Kind::Ignored | Kind::Fixed(_) => {
                // Accepted whatever it holds and not kept: no type, marked readOnly.
                if !s["type"].is_null() || s["readOnly"] != json!(true) {
                    wrong.push(format!("{here}: should be untyped and readOnly"));
                }
            }
        }
    }
}

#[test]
fn json_schema_and_schema_rs_have_the_same_structure() {
    let root = schema();
    let mut wrong = Vec::new();
    let mut used = BTreeSet::new();
    if types(&root) != ([String::from("object")].into(), false) {
        wrong.push("root: type is not object".into());
    }
    check_block(&root, &INVOICE, &root, "", &mut used, &mut wrong);
    let defs: BTreeSet<String> = root["$defs"].as_object().unwrap().keys().cloned().collect();
    for unused in defs.difference(&used) {
        wrong.push(format!("$defs/{unused} is not used"));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// ---------------------------------------------------------------------------------------------------
// Patterns: every string field's JSON subschema accepts exactly what `schema::matches` plus the length
// limits accept, on sample values for its pattern.

fn samples(pat: Pat) -> Vec<String> {
    let fixed: &[&str] = match pat {
        Pat::Text => &[
            "abc",
            "7th block, kuvempu layout",
            "Floor 2 – wing ₹",
            "say \"hi\"",
            "back\\slash",
            "a|b",
            "x",
            "'single'",
            "tab\there",
            "line\nbreak",
        ],
        Pat::Gstin | Pat::GstinOrUrp => &[
            "29AAGCB7383J1Z4",
            "37ARZPT4384Q1MT",
            "29aagcb7383j1z4",
            "2AAAGCB7383J1Z4",
            "29AAGCB7383J1Z",
            "29AAGCB7383J1Z45",
            "29AAGCB7383J1Z-",
            "URP",
            "urp",
            "URPX",
            "",
        ],
        Pat::StateCode => &["7", "07", "29", "96", "0", "00", "100", "a", "7a", "", " 7"],
        Pat::DocNo | Pat::PrecDocNo => &[
            "1",
            "A",
            "D1",
            "DOC/001",
            "abc-1/2",
            "Z123456789012345",
            "Z1234567890123456",
            "0A",
            "/1",
            "-1",
            "A B",
            "A_1",
            "",
        ],
        Pat::Date => &[
            "01/11/2025",
            "29/02/2024",
            "29/02/2012",
            "29/02/2028",
            "29/02/2023",
            "29/02/2026",
            "31/12/2029",
            "01/01/2010",
            "01/01/2030",
            "31/12/2009",
            "31/04/2025",
            "30/04/2025",
            "31/05/2025",
            "30/02/2024",
            "00/01/2025",
            "01/00/2025",
            "01/13/2025",
            "1/1/2025",
            "2025-01-01",
            "01-01-2025",
            "01/01/20255",
            " 1/02/2024",
            "01/ 2/2024",
            "+1/02/2024",
        ],
        Pat::YesNo => &["Y", "N", "y", "n", "|", "YN", ""],
        Pat::Digits => &[
            "1",
            "123456",
            "1234567",
            "000000",
            "9000000000",
            "91111111111",
            "9111111111122",
            "12a",
            "",
        ],
        Pat::Hsn => &[
            "1001",
            "998314",
            "84713010",
            "10011",
            "0000",
            "000000",
            "100",
            "123456789",
            "12a4",
        ],
        Pat::Email => &[
            "abc@gmail.com",
            "a+b_c.d-e@x-y.z",
            "abc.gmail.com",
            "a@b@c.com",
            "@x.com",
            "abcde@",
            "a b@x.com",
            "abc@gmail.com ",
        ],
        Pat::Letters | Pat::UpperLetters | Pat::AlphaNum => &[
            "AG",
            "ae",
            "NOS",
            "bag",
            "AED",
            "N0S",
            "AB|C",
            "INABG1",
            "ka123456",
            "IN-ABG",
            "IN ABG",
            "A",
            "ABCDEFGHIJ",
            "ABCDEFGHIJKLMNOPQ",
            "",
        ],
        Pat::TransDocNo | Pat::TransDocDate => &[
            "DOC01",
            "12/34-5",
            "01/08/2020",
            "a-b/c-d/ef",
            "/01/08/202",
            "-1/08/2020",
            "01.08.2020",
            "DOC 01",
            "DOC_01",
            "",
            "1234567890123456",
        ],
        Pat::OneOf(_) | Pat::OneOfIgnoreCase(_) => &["", "X", "|"],
    };
    let mut out: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    if let Pat::OneOf(values) | Pat::OneOfIgnoreCase(values) = pat {
        for v in values {
            out.push(v.to_string());
            out.push(v.to_ascii_lowercase());
            out.push(format!("{v}X"));
            out.push(format!(" {v}"));
            let mut mixed: Vec<char> = v.chars().collect();
            if let Some(c) = mixed.first_mut() {
                *c = c.to_ascii_lowercase();
            }
            out.push(mixed.into_iter().collect());
        }
    }
    out
}

/// Every string field of the tree with its resolved JSON subschema.
fn string_fields(
    root: &Value,
    block: &'static Block,
    js: &Value,
    path: &str,
    out: &mut Vec<(String, usize, usize, Pat, Value)>,
) {
    for field in block.fields {
        let prop = &js["properties"][field.name];
        let here = format!("{path}/{}", field.name);
        match field.kind {
            Kind::Str { min, max, pat } => out.push((here, min, max, pat, resolved(root, prop))),
            Kind::Obj(inner) => string_fields(root, inner, &resolved(root, prop), &here, out),
            Kind::List(inner) => {
                string_fields(root, inner, &resolved(root, &prop["items"]), &here, out)
            }
            _ => {}
        }
    }
}

#[test]
fn patterns_accept_and_reject_the_same_values() {
    let root = schema();
    let mut fields = Vec::new();
    string_fields(&root, &INVOICE, &root, "", &mut fields);
    assert!(
        fields.len() > 90,
        "only {} string fields found",
        fields.len()
    );
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for (path, min, max, pat, sub) in &fields {
        seen.insert(format!("{pat:?}"));
        let v = jsonschema::draft202012::new(sub)
            .unwrap_or_else(|e| panic!("{path}: subschema does not compile: {e}"));
        for s in samples(*pat) {
            let len = s.chars().count();
            let server = (*min..=*max).contains(&len) && matches(*pat, &s);
            let json = v.is_valid(&json!(s));
            if server != json {
                wrong.push(format!(
                    "{path} ({pat:?}) {s:?}: schema.rs {server}, JSON Schema {json}"
                ));
            }
        }
        // Not a string at all.
        for other in [json!(1), json!(true), json!([]), json!({})] {
            if v.is_valid(&other) {
                wrong.push(format!("{path}: JSON Schema accepts {other}"));
            }
        }
    }
    // Every pattern kind the Rust table knows is exercised.
    for pat in [
        "Text",
        "Gstin",
        "GstinOrUrp",
        "StateCode",
        "DocNo",
        "PrecDocNo",
        "Date",
        "YesNo",
        "Digits",
        "Hsn",
        "Email",
        "Letters",
        "UpperLetters",
        "AlphaNum",
        "TransDocNo",
        "TransDocDate",
    ] {
        assert!(seen.contains(pat), "no field with Pat::{pat}");
    }
    assert!(seen.iter().any(|p| p.starts_with("OneOf(")));
    assert!(seen.iter().any(|p| p.starts_with("OneOfIgnoreCase(")));
    assert!(wrong.is_empty(), "{} mismatches: {wrong:#?}", wrong.len());
}

#[test]
fn every_date_of_2010_to_2029_agrees() {
    // Exhaustive over the calendar (and a few impossible days of every month) for the date pattern.
    let root = schema();
    let v = jsonschema::draft202012::new(&root["$defs"]["date"]).unwrap();
    let mut wrong = Vec::new();
    for year in [
        2009, 2010, 2011, 2012, 2019, 2020, 2024, 2028, 2029, 2030, 2100,
    ] {
        for month in 0..=13 {
            for day in 0..=32 {
                let s = format!("{day:02}/{month:02}/{year}");
                if matches(Pat::Date, &s) != v.is_valid(&json!(s)) {
                    wrong.push(s);
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}");
}

/// chrono's `%d`/`%m` skip a leading space; `time::parse_doc_date` must not let such dates through.
#[test]
fn dates_with_a_space_are_rejected_by_both() {
    let root = schema();
    let v = jsonschema::draft202012::new(&root["$defs"]["date"]).unwrap();
    for s in [" 1/02/2024", "01/ 2/2024"] {
        assert!(!v.is_valid(&json!(s)), "JSON Schema accepts {s:?}");
        assert!(!matches(Pat::Date, s), "schema.rs accepts {s:?}");
    }
}
