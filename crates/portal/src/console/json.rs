//! JSON text that keeps its member order and number lexemes: the console edits a few members of a
//! developer's invoice and re-indents answers for display, without the reordering and number
//! rewriting a round trip through `serde_json::Value` would bring.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The members of one JSON object, in their order, each value as written.
#[derive(Debug, Default)]
pub struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

impl Members {
    /// The members of a JSON object's text.
    pub fn parse(text: &str) -> Result<Members, serde_json::Error> {
        serde_json::from_str(text)
    }

    fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    /// A member that is itself an object.
    pub fn object(&self, key: &str) -> Option<Members> {
        Members::parse(self.get(key)?.get()).ok()
    }

    /// A member that is a string.
    pub fn text(&self, key: &str) -> Option<String> {
        serde_json::from_str::<String>(self.get(key)?.get()).ok()
    }

    /// Sets a member to raw JSON text (which must be valid JSON), keeping its place or appending it.
    pub fn set_raw(&mut self, key: &str, json: &str) {
        let Ok(raw) = RawValue::from_string(json.to_string()) else {
            return;
        };
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, value)) => *value = raw,
            None => self.0.push((key.to_string(), raw)),
        }
    }

    pub fn set_text(&mut self, key: &str, value: &str) {
        self.set_raw(key, &super::api::quoted(value));
    }

    pub fn set_object(&mut self, key: &str, value: &Members) {
        self.set_raw(key, &value.to_json());
    }

    /// Compact text of the object (nested values keep their own spacing).
    pub fn to_json(&self) -> String {
        let members: Vec<String> = self
            .0
            .iter()
            .map(|(k, v)| format!("{}:{}", super::api::quoted(k), v.get()))
            .collect();
        format!("{{{}}}", members.join(","))
    }
}

/// Re-indents JSON text (two spaces), changing only whitespace outside strings. Text that is not
/// JSON comes out re-spaced but otherwise intact.
pub fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                out.push(c);
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    new_line(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                new_line(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                new_line(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn new_line(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_lexemes_and_strings() {
        let text = r#"{"b":1.0,"a":[],"c":{"d":"x, {y}: \"z\""},"e":[1,2]}"#;
        assert_eq!(
            pretty(text),
            "{\n  \"b\": 1.0,\n  \"a\": [],\n  \"c\": {\n    \"d\": \"x, {y}: \\\"z\\\"\"\n  },\n  \"e\": [\n    1,\n    2\n  ]\n}"
        );
        // Not JSON: no panic.
        let _ = pretty("}}]]{\"");
    }

    #[test]
    fn members_edit_in_place() {
        let mut m = Members::parse(r#"{"z":1.50,"y":{"k":"v"}}"#).unwrap();
        let mut inner = m.object("y").unwrap();
        assert_eq!(inner.text("k").as_deref(), Some("v"));
        inner.set_text("k", "w");
        inner.set_raw("n", "7");
        m.set_object("y", &inner);
        assert_eq!(m.to_json(), r#"{"z":1.50,"y":{"k":"w","n":7}}"#);
        assert!(Members::parse("[1]").is_err());
    }
}
