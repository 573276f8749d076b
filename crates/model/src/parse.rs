//! The schema check straight from the JSON text: the same checks and canonical form as
//! [`crate::canonical::canonicalise`], without first building a `serde_json::Value` tree (a map per object,
//! an owned key per member), which cost more than half of the whole validation. Each member is taken as
//! its raw text: numbers keep their exact lexeme, strings without escapes are copied once.

use crate::canonical::{
    At, Canon, MAX_FIELDS, SchemaError, checked_number, checked_text, error, field_index,
    parse_decimal,
};
use crate::schema::{Block, INVOICE, Kind};
use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// Checks an INV-01 document given as JSON text. The outer `Err` is malformed JSON; the inner one is
/// every schema violation found.
pub fn canonicalise_invoice_text(
    text: &str,
) -> Result<Result<Canon, Vec<SchemaError>>, serde_json::Error> {
    canonicalise_text(&INVOICE, text)
}

/// [`canonicalise_invoice_text`] for any block of the schema.
pub fn canonicalise_text(
    block: &'static Block,
    text: &str,
) -> Result<Result<Canon, Vec<SchemaError>>, serde_json::Error> {
    let mut errors = Vec::new();
    let canon = if text.trim_start().starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(text);
        let canon = de.deserialize_map(BlockVisitor {
            block,
            at: &At::Root,
            errors: &mut errors,
        })?;
        de.end()?;
        canon
    } else {
        // Not an object: still tell malformed JSON from a JSON value of the wrong kind.
        serde_json::from_str::<IgnoredAny>(text)?;
        error(&mut errors, &At::Root, "must be a JSON object");
        Canon::Obj(Vec::new())
    };
    Ok(if errors.is_empty() {
        Ok(canon)
    } else {
        Err(errors)
    })
}

/// An object of the schema: members matched to fields (any key case), kept as raw text, then checked in
/// the block's field order.
struct BlockVisitor<'x> {
    block: &'static Block,
    at: &'x At<'x>,
    errors: &'x mut Vec<SchemaError>,
}

impl<'de> Visitor<'de> for BlockVisitor<'_> {
    type Value = Canon;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Canon, A::Error> {
        let mut given: [Option<&'de RawValue>; MAX_FIELDS] = [None; MAX_FIELDS];
        while let Some(key) = map.next_key_seed(Key)? {
            match field_index(self.block, &key).filter(|i| *i < MAX_FIELDS) {
                None => {
                    error(
                        self.errors,
                        &At::Member(self.at, &key),
                        "is not a field of the e-invoice schema",
                    );
                    map.next_value::<IgnoredAny>()?;
                }
                Some(i) if given[i].is_some() => {
                    let name = self.block.fields[i].name;
                    error(
                        self.errors,
                        &At::Member(self.at, name),
                        "is given more than once (keys ignore case)",
                    );
                    map.next_value::<IgnoredAny>()?;
                }
                Some(i) => {
                    let raw: &'de RawValue = map.next_value()?;
                    if raw.get() != "null" {
                        given[i] = Some(raw);
                    }
                }
            }
        }
        Ok(checked_block(self.block, &given, self.at, self.errors))
    }
}

/// The members of one object, in the block's field order.
fn checked_block(
    block: &'static Block,
    given: &[Option<&RawValue>],
    at: &At,
    errors: &mut Vec<SchemaError>,
) -> Canon {
    let mut members = Vec::with_capacity(block.fields.len());
    for (field, raw) in block.fields.iter().zip(given) {
        if let Kind::Fixed(lexeme) = field.kind {
            members.push((
                field.name,
                Canon::Num(
                    lexeme.to_string(),
                    parse_decimal(lexeme).unwrap_or_default(),
                ),
            ));
            continue;
        }
        let here = At::Member(at, field.name);
        match raw {
            None if field.required => error(errors, &here, "is required"),
            None => {}
            Some(raw) => {
                if let Some(c) = checked_member(field.kind, raw.get(), &here, errors) {
                    members.push((field.name, c));
                }
            }
        }
    }
    Canon::Obj(members)
}

/// One member from its raw JSON text.
fn checked_member(kind: Kind, text: &str, at: &At, errors: &mut Vec<SchemaError>) -> Option<Canon> {
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    match kind {
        Kind::Str { .. } => {
            let s = match first {
                b'"' => unquoted(text)?,
                // NIC's .NET binder turns a number sent for a text field into its text.
                b'-' | b'0'..=b'9' => text.to_string(),
                _ => {
                    error(errors, at, "must be a string");
                    return None;
                }
            };
            checked_text(kind, s, at, errors)
        }
        Kind::Num { .. } | Kind::Int { .. } => {
            let parsed = match first {
                b'-' | b'0'..=b'9' => parse_decimal(text).map(|d| (text.to_string(), d)),
                // Numeric strings (`"560001"`) are accepted, as NIC's binder does.
                b'"' => unquoted(text)
                    .and_then(|s| Decimal::from_str(s.trim()).ok())
                    .map(|d| (d.to_string(), d)),
                _ => None,
            };
            let Some((lexeme, d)) = parsed else {
                error(errors, at, "must be a number");
                return None;
            };
            checked_number(kind, lexeme, d, at, errors)
        }
        Kind::Obj(block) if first == b'{' => {
            let mut de = serde_json::Deserializer::from_str(text);
            de.deserialize_map(BlockVisitor { block, at, errors }).ok()
        }
        Kind::Obj(_) => {
            error(errors, at, "must be a JSON object");
            None
        }
        Kind::List(block) if first == b'[' => {
            let mut de = serde_json::Deserializer::from_str(text);
            de.deserialize_seq(ListVisitor { block, at, errors }).ok()
        }
        Kind::List(_) => {
            error(errors, at, "must be a JSON array");
            None
        }
        Kind::Ignored | Kind::Fixed(_) => None,
    }
}

/// An array of objects of one block.
struct ListVisitor<'x> {
    block: &'static Block,
    at: &'x At<'x>,
    errors: &'x mut Vec<SchemaError>,
}

impl<'de> Visitor<'de> for ListVisitor<'_> {
    type Value = Canon;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Canon, A::Error> {
        let mut list = Vec::new();
        let mut index = 0;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            let here = At::Element(self.at, index);
            if let Some(c) = checked_member(Kind::Obj(self.block), raw.get(), &here, self.errors) {
                list.push(c);
            }
            index += 1;
        }
        Ok(Canon::List(list))
    }
}

/// The text of a JSON string literal: borrowed when it has no escapes.
fn unquoted(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str(text).ok()
    } else {
        Some(inner.to_string())
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::canonicalise_invoice;

    /// Both paths must agree on every document: the same canonical form, the same violations.
    fn same_verdict(text: &str) {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let by_value = canonicalise_invoice(&value);
        let by_text = canonicalise_invoice_text(text).unwrap();
        assert_eq!(by_text, by_value, "{text}");
    }

    const GOOD: &str = r#"{"Version":"1.1","TranDtls":{"TaxSch":"GST","SupTyp":"b2b","EcmGstin":null},
        "DocDtls":{"Typ":"INV","No":"DOC\/1","Dt":"01/11/2025"},
        "sellerdtls":{"GSTIN":"29AAGCB7383J1Z4","LglNm":"Sell\u00e9r Ltd","Addr1":"MG Road","Loc":"Bengaluru","Pin":"560001","Stcd":29},
        "BuyerDtls":{"Gstin":"27AAPFU0939F1ZV","LglNm":"Buyer Ltd","Pos":"27","Addr1":"Fort","Loc":"Mumbai","Pin":400001,"Stcd":"27"},
        "ItemList":[{"SlNo":"1","IsServc":"N","HsnCd":"1001","Qty":1,"Unit":"NOS","UnitPrice":1000.0,"TotAmt":1000.0,
          "AssAmt":1000.0,"GstRt":18,"IgstAmt":180.00,"TotItemVal":1180,"ItemNo":7}],
        "ValDtls":{"AssVal":1000,"IgstVal":180,"TotInvVal":1180.00}}"#;

    #[test]
    fn agrees_with_the_value_path_on_good_and_bad_documents() {
        assert!(canonicalise_invoice_text(GOOD).unwrap().is_ok());
        same_verdict(GOOD);
        same_verdict(&GOOD.replace(r#""Qty":1,"#, r#""Qty":[1],"Colour":"red","#));
        same_verdict(&GOOD.replace(r#""HsnCd":"1001""#, r#""HsnCd":true"#));
        same_verdict(&GOOD.replace(r#""ItemList":["#, r#""ItemList":[7,"#));
        same_verdict(&GOOD.replace(r#""ValDtls":{"#, r#""ValDtls":"x","Irn":"abc","Zz":{"#));
        same_verdict(&GOOD.replace(r#""Pos":"27""#, r#""Pos":"abc""#));
        same_verdict(r#"{"Version":"1.1"}"#);
        same_verdict("{}");
    }

    #[test]
    fn number_lexemes_and_escapes_survive() {
        // serde_json's Value rewrites `1.18e3` as `1.18e+3`; the text path keeps what was sent.
        let exponent = GOOD.replace("1180.00}}", "1.18e3}}");
        let canon = canonicalise_invoice_text(&exponent).unwrap().unwrap();
        let json = canon.to_json();
        assert!(json.contains(r#""UnitPrice":1000.0"#), "{json}");
        assert!(json.contains(r#""TotInvVal":1.18e3"#), "{json}");
        assert!(json.contains("\"LglNm\":\"Sellér Ltd\""), "{json}");
        assert!(json.contains(r#""No":"DOC/1""#), "{json}");
        assert!(json.contains(r#""ItemNo":0,"#), "{json}");
    }

    #[test]
    fn malformed_json_and_other_kinds_are_told_apart() {
        assert!(canonicalise_invoice_text("{oops").is_err());
        assert!(canonicalise_invoice_text(r#"{"Version":"1.1"} trailing"#).is_err());
        let errs = canonicalise_invoice_text("[1, 2]").unwrap().unwrap_err();
        assert_eq!(errs[0].pointer, "");
        // An exact duplicate key is reported too (a map would have kept only the last).
        let errs = canonicalise_invoice_text(r#"{"Version":"1.1","Version":"1.1"}"#)
            .unwrap()
            .unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.pointer == "/Version" && e.message.contains("more than once"))
        );
    }
}
