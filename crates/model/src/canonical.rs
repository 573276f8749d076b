//! Checks a decrypted INV-01 payload against the schema and turns it into its canonical form: keys spelled
//! as NIC spells them (clients may send any case), NIC's class order, nulls dropped, numbers kept as the
//! exact lexemes the client sent (`1000.0` stays `1000.0`). The signed invoice is written from this form.

use crate::schema::{Block, Field, INVOICE, Kind, describe, matches};
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

/// One schema violation, with the RFC 6901 JSON pointer of the field (`/ItemList/0/HsnCd`; `""` is the
/// whole document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub pointer: String,
    pub message: String,
}

impl SchemaError {
    /// The field in the dotted form people read: `ItemList[0].HsnCd` (`invoice` for the whole document).
    pub fn field(&self) -> String {
        dotted(&self.pointer)
    }
}

impl std::fmt::Display for SchemaError {
    /// `ItemList[0].HsnCd: must be 4, 6 or 8 digits, not all zero`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field(), self.message)
    }
}

/// Escapes one key for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `/ItemList/0/HsnCd` → `ItemList[0].HsnCd`; `""` → `invoice`.
pub fn dotted(pointer: &str) -> String {
    if pointer.is_empty() {
        return "invoice".to_string();
    }
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

/// A canonical JSON value: ordered objects, number lexemes as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Canon {
    Str(String),
    /// A number: the lexeme as sent, and its exact value (parsed once, read by the rules).
    Num(String, Decimal),
    Obj(Vec<(&'static str, Canon)>),
    List(Vec<Canon>),
}

impl Canon {
    /// The member `name` of an object.
    pub fn get(&self, name: &str) -> Option<&Canon> {
        match self {
            Canon::Obj(members) => members.iter().find(|(k, _)| *k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string member `name`.
    pub fn str_at(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Canon::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The number lexeme of member `name`.
    pub fn lexeme_at(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Canon::Num(n, _)) => Some(n),
            _ => None,
        }
    }

    /// The numeric member `name` as an exact decimal.
    pub fn dec_at(&self, name: &str) -> Option<Decimal> {
        match self.get(name) {
            Some(Canon::Num(_, value)) => Some(*value),
            _ => None,
        }
    }

    /// The elements of the list member `name` (empty if absent).
    pub fn list_at(&self, name: &str) -> &[Canon] {
        match self.get(name) {
            Some(Canon::List(items)) => items,
            _ => &[],
        }
    }

    /// Appends this value as compact JSON.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Canon::Str(s) => write_json_string(s, out),
            Canon::Num(n, _) => out.push_str(n),
            Canon::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
            Canon::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
        }
    }

    /// This value as compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// Appends `s` as a JSON string literal.
pub fn write_json_string(s: &str, out: &mut String) {
    // serde_json's escaping of a &str cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Parses a JSON number lexeme (plain or with an exponent) as an exact decimal.
pub fn parse_decimal(lexeme: &str) -> Option<Decimal> {
    if lexeme.contains(['e', 'E']) {
        Decimal::from_scientific(lexeme).ok()
    } else {
        Decimal::from_str(lexeme).ok()
    }
}

/// Checks the whole payload and returns its canonical form, or every violation found.
pub fn canonicalise_invoice(payload: &Value) -> Result<Canon, Vec<SchemaError>> {
    canonicalise(&INVOICE, payload)
}

/// Checks `value` against `block` and returns its canonical form, or every violation found.
pub fn canonicalise(block: &'static Block, value: &Value) -> Result<Canon, Vec<SchemaError>> {
    let mut errors = Vec::new();
    let canon = canon_block(block, value, &At::Root, &mut errors);
    match canon {
        Some(c) if errors.is_empty() => Ok(c),
        _ => Err(errors),
    }
}

/// Where a value sits. It is rendered as a JSON pointer only when an error needs one, so a valid
/// document costs no pointer strings.
pub(crate) enum At<'a> {
    Root,
    Member(&'a At<'a>, &'a str),
    Element(&'a At<'a>, usize),
}

impl At<'_> {
    fn pointer(&self) -> String {
        match self {
            At::Root => String::new(),
            At::Member(parent, name) => {
                format!("{}/{}", parent.pointer(), escape_pointer_token(name))
            }
            At::Element(parent, index) => format!("{}/{index}", parent.pointer()),
        }
    }
}

pub(crate) fn error(errors: &mut Vec<SchemaError>, at: &At, message: impl Into<String>) {
    errors.push(SchemaError {
        pointer: at.pointer(),
        message: message.into(),
    });
}

/// More fields than any INV-01 block has (items have 31); checked by a test.
pub(crate) const MAX_FIELDS: usize = 48;

/// The index of the field `key` names: the exact spelling first (what most clients send), then ignoring
/// ASCII case as NIC's deserialiser does.
pub(crate) fn field_index(block: &Block, key: &str) -> Option<usize> {
    let fields = block.fields;
    fields
        .iter()
        .position(|f| f.name == key)
        .or_else(|| fields.iter().position(|f| f.name.eq_ignore_ascii_case(key)))
}

fn canon_block(
    block: &'static Block,
    value: &Value,
    at: &At,
    errors: &mut Vec<SchemaError>,
) -> Option<Canon> {
    let Value::Object(map) = value else {
        error(errors, at, "must be a JSON object");
        return None;
    };
    // Match the client's keys to schema fields and keep each field's value.
    let mut given: [Option<&Value>; MAX_FIELDS] = [None; MAX_FIELDS];
    for (key, v) in map {
        let Some(index) = field_index(block, key).filter(|i| *i < MAX_FIELDS) else {
            error(
                errors,
                &At::Member(at, key),
                "is not a field of the e-invoice schema",
            );
            continue;
        };
        if given[index].is_some() {
            let name = block.fields[index].name;
            error(
                errors,
                &At::Member(at, name),
                "is given more than once (keys ignore case)",
            );
            continue;
        }
        if !v.is_null() {
            given[index] = Some(v);
        }
    }
    let mut members = Vec::with_capacity(block.fields.len());
    for (field, v) in block.fields.iter().zip(given) {
        if let Kind::Fixed(lexeme) = field.kind {
            let value = parse_decimal(lexeme).unwrap_or_default();
            members.push((field.name, Canon::Num(lexeme.to_string(), value)));
            continue;
        }
        let here = At::Member(at, field.name);
        match v {
            None if field.required => error(errors, &here, "is required"),
            None => {}
            Some(v) => {
                if let Some(c) = canon_field(field, v, &here, errors) {
                    members.push((field.name, c));
                }
            }
        }
    }
    Some(Canon::Obj(members))
}

fn canon_field(
    field: &Field,
    value: &Value,
    at: &At,
    errors: &mut Vec<SchemaError>,
) -> Option<Canon> {
    match field.kind {
        Kind::Str { .. } => {
            let s = match value {
                Value::String(s) => s.clone(),
                // NIC's .NET binder turns a number sent for a text field into its text.
                Value::Number(n) => n.to_string(),
                _ => {
                    error(errors, at, "must be a string");
                    return None;
                }
            };
            checked_text(field.kind, s, at, errors)
        }
        Kind::Num { .. } | Kind::Int { .. } => {
            let (lexeme, d) = number_of(value, at, errors)?;
            checked_number(field.kind, lexeme, d, at, errors)
        }
        Kind::Obj(block) => canon_block(block, value, at, errors),
        Kind::List(block) => {
            let Value::Array(items) = value else {
                error(errors, at, "must be a JSON array");
                return None;
            };
            let list = items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| canon_block(block, v, &At::Element(at, i), errors))
                .collect();
            Some(Canon::List(list))
        }
        Kind::Ignored | Kind::Fixed(_) => None,
    }
}

/// A text value checked against a `Kind::Str` field's length and pattern.
pub(crate) fn checked_text(
    kind: Kind,
    s: String,
    at: &At,
    errors: &mut Vec<SchemaError>,
) -> Option<Canon> {
    let Kind::Str { min, max, pat } = kind else {
        return None;
    };
    let len = s.chars().count();
    if len < min || len > max {
        let size = if min == max {
            format!("exactly {min}")
        } else {
            format!("{min} to {max}")
        };
        error(
            errors,
            at,
            format!("must be {size} characters long (got {len})"),
        );
        return None;
    }
    if !matches(pat, &s) {
        error(errors, at, describe(pat));
        return None;
    }
    Some(Canon::Str(s))
}

/// A number checked against a `Kind::Num` or `Kind::Int` field's range.
pub(crate) fn checked_number(
    kind: Kind,
    lexeme: String,
    d: Decimal,
    at: &At,
    errors: &mut Vec<SchemaError>,
) -> Option<Canon> {
    match kind {
        Kind::Num { min, max } if d < min || d > max => {
            error(errors, at, format!("must be between {min} and {max}"));
            None
        }
        Kind::Int { min, max }
            if !d.fract().is_zero() || d < Decimal::from(min) || d > Decimal::from(max) =>
        {
            error(
                errors,
                at,
                format!("must be a whole number between {min} and {max}"),
            );
            None
        }
        Kind::Num { .. } | Kind::Int { .. } => Some(Canon::Num(lexeme, d)),
        _ => None,
    }
}

/// A number field's lexeme and value. Numeric strings (`"560001"`) are accepted, as NIC's binder does.
fn number_of(value: &Value, at: &At, errors: &mut Vec<SchemaError>) -> Option<(String, Decimal)> {
    let parsed = match value {
        Value::Number(n) => {
            let lexeme = n.to_string();
            parse_decimal(&lexeme).map(|d| (lexeme, d))
        }
        Value::String(s) => Decimal::from_str(s.trim()).ok().map(|d| (d.to_string(), d)),
        _ => None,
    };
    if parsed.is_none() {
        error(errors, at, "must be a number");
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({
            "Version": "1.1",
            "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B"},
            "DocDtls": {"Typ": "INV", "No": "DOC/1", "Dt": "01/11/2025"},
            "SellerDtls": {"Gstin": "29AAGCB7383J1Z4", "LglNm": "Seller Ltd", "Addr1": "MG Road",
                           "Loc": "Bengaluru", "Pin": 560001, "Stcd": "29"},
            "BuyerDtls": {"Gstin": "27AAPFU0939F1ZV", "LglNm": "Buyer Ltd", "Pos": "27", "Addr1": "Fort",
                          "Loc": "Mumbai", "Pin": 400001, "Stcd": "27"},
            "ItemList": [{"SlNo": "1", "IsServc": "N", "HsnCd": "1001", "Qty": 1, "Unit": "NOS",
                          "UnitPrice": 1000.0, "TotAmt": 1000.0, "AssAmt": 1000.0, "GstRt": 18,
                          "IgstAmt": 180.00, "TotItemVal": 1180}],
            "ValDtls": {"AssVal": 1000, "IgstVal": 180, "TotInvVal": 1180}
        })
    }

    #[test]
    fn every_block_fits_the_field_table() {
        fn check(block: &'static Block) {
            assert!(block.fields.len() <= MAX_FIELDS, "{}", block.name);
            for f in block.fields {
                if let Kind::Obj(b) | Kind::List(b) = f.kind {
                    check(b);
                }
            }
        }
        check(&INVOICE);
    }

    #[test]
    fn number_lexemes_survive_as_sent() {
        let raw = r#"{"AssVal": 1000.0, "IgstVal": 0, "TotInvVal": 12.500, "RndOffAmt": -0.30}"#;
        let v: Value = serde_json::from_str(raw).unwrap();
        let c = canonicalise(&crate::schema::VAL_DTLS, &v).unwrap();
        assert_eq!(
            c.to_json(),
            r#"{"AssVal":1000.0,"IgstVal":0,"RndOffAmt":-0.30,"TotInvVal":12.500}"#
        );
    }

    #[test]
    fn keys_are_matched_ignoring_case_and_reordered() {
        let raw = r#"{"Stcd":"29","PIN":"560001","gstin":"29AAGCB7383J1Z4","Loc":"Bengaluru","Addr1":"A",
                      "LglNm":"Seller Ltd","em":null}"#;
        let v: Value = serde_json::from_str(raw).unwrap();
        let c = canonicalise(&crate::schema::SELLER_DTLS, &v).unwrap();
        assert_eq!(
            c.to_json(),
            r#"{"Gstin":"29AAGCB7383J1Z4","LglNm":"Seller Ltd","Addr1":"A","Loc":"Bengaluru","Pin":560001,"Stcd":"29"}"#
        );
    }

    #[test]
    fn items_get_item_no_first() {
        let c = canonicalise_invoice(&minimal()).unwrap();
        let item = &c.list_at("ItemList")[0];
        let json = item.to_json();
        assert!(
            json.starts_with(r#"{"ItemNo":0,"SlNo":"1","IsServc":"N","HsnCd":"1001""#),
            "{json}"
        );
        assert!(json.contains(r#""UnitPrice":1000.0"#));
        assert!(json.contains(r#""IgstAmt":180.0"#));
    }

    #[test]
    fn every_violation_is_reported_with_its_path() {
        let mut v = minimal();
        v["DocDtls"]["No"] = json!("0BAD");
        v["SellerDtls"]["Pin"] = json!("abc");
        v["ItemList"][0]["HsnCd"] = json!(true);
        v["ItemList"][0].as_object_mut().unwrap().remove("AssAmt");
        v["BuyerDtls"]["Colour"] = json!("red");
        let errs = canonicalise_invoice(&v).unwrap_err();
        let paths: Vec<&str> = errs.iter().map(|e| e.pointer.as_str()).collect();
        assert!(paths.contains(&"/DocDtls/No"), "{errs:?}");
        assert!(paths.contains(&"/SellerDtls/Pin"), "{errs:?}");
        assert!(paths.contains(&"/ItemList/0/HsnCd"), "{errs:?}");
        assert!(paths.contains(&"/ItemList/0/AssAmt"), "{errs:?}");
        assert!(paths.contains(&"/BuyerDtls/Colour"), "{errs:?}");
        assert_eq!(errs.len(), 5);
        let hsn = errs
            .iter()
            .find(|e| e.pointer == "/ItemList/0/HsnCd")
            .unwrap();
        assert!(
            hsn.to_string().starts_with("ItemList[0].HsnCd: must be"),
            "{hsn}"
        );
    }

    #[test]
    fn pointers_are_rfc_6901_and_display_is_dotted() {
        assert_eq!(dotted("/ItemList/12/BchDtls/Nm"), "ItemList[12].BchDtls.Nm");
        assert_eq!(dotted(""), "invoice");
        assert_eq!(dotted("/a~1b~0c"), "a/b~c");
        let root = At::Root;
        let buyer = At::Member(&root, "BuyerDtls");
        assert_eq!(At::Member(&buyer, "a/b~c").pointer(), "/BuyerDtls/a~1b~0c");
        assert_eq!(
            At::Element(&At::Member(&root, "ItemList"), 3).pointer(),
            "/ItemList/3"
        );
        let errs = canonicalise_invoice(&json!([])).unwrap_err();
        assert_eq!(errs[0].pointer, "");
        assert_eq!(errs[0].to_string(), "invoice: must be a JSON object");
    }

    #[test]
    fn wrong_shapes_are_errors_not_panics() {
        for v in [json!([]), json!("x"), json!(null), json!({"ItemList": {}})] {
            assert!(canonicalise_invoice(&v).is_err());
        }
        let mut v = minimal();
        v["ValDtls"]["TotInvVal"] = json!(-1);
        v["ItemList"][0]["Qty"] = json!({"a": 1});
        v["TranDtls"]["RegRev"] = json!("y");
        let errs = canonicalise_invoice(&v).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
    }

    #[test]
    fn case_variants_of_one_key_are_rejected() {
        let mut v = minimal();
        v["SellerDtls"]["GSTIN"] = json!("29AAGCB7383J1Z4");
        let errs = canonicalise_invoice(&v).unwrap_err();
        assert_eq!(errs[0].pointer, "/SellerDtls/Gstin");
    }

    #[test]
    fn strings_are_escaped_and_nulls_dropped() {
        let mut v = minimal();
        v["SellerDtls"]["Addr2"] = json!("Floor 2 – wing ₹");
        v["TranDtls"]["EcmGstin"] = Value::Null;
        let c = canonicalise_invoice(&v).unwrap();
        let json = c.to_json();
        assert!(json.contains("\"Addr2\":\"Floor 2 – wing ₹\""));
        assert!(!json.contains("EcmGstin"));
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["SellerDtls"]["Addr2"], v["SellerDtls"]["Addr2"]);
    }
}
