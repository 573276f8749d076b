//! The error catalogue: every code the rules can raise, with its message, field, cause, fix and
//! severity, generated from [`RULES`](crate::RULES) plus the schema entry (served as `GET /api/v1/errors`).

use crate::{RULES, SCHEMA_CODE, SCHEMA_RULE, Severity, messages};

/// One (rule, code) pair of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CatalogueEntry {
    pub code: &'static str,
    /// NIC's message template (`{0}`, `{1}` are placeholders).
    pub message: &'static str,
    pub rule: &'static str,
    /// JSON pointer pattern of the field (`*` = any array index).
    pub field: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// The schema entry: every schema violation is reported under 2140 with the field's pointer.
pub const SCHEMA_ENTRY: CatalogueEntry = CatalogueEntry {
    code: SCHEMA_CODE,
    message: "{field}: {what is wrong}",
    rule: SCHEMA_RULE,
    field: "",
    cause: "A field is missing, has the wrong type or length, or does not match the INV-01 schema's pattern.",
    fix: "Correct the field the message names; the pointer locates it in the document.",
    severity: Severity::Error,
    note: Some(
        "NIC does not document the code of schema messages; 2140 (Error while validating invoice) is used, one entry per violation.",
    ),
};

/// The whole catalogue: the schema entry, then one entry per code of every rule, in catalogue order.
pub fn catalogue() -> Vec<CatalogueEntry> {
    let mut entries = vec![SCHEMA_ENTRY];
    for rule in RULES {
        for code in rule.codes {
            entries.push(CatalogueEntry {
                code,
                message: rule
                    .message
                    .or_else(|| messages::template(code))
                    .unwrap_or_default(),
                rule: rule.name,
                field: rule.field,
                cause: rule.cause,
                fix: rule.fix,
                severity: rule.severity,
                note: rule.note,
            });
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_complete() {
        let entries = catalogue();
        assert!(entries.len() > RULES.len());
        for e in &entries {
            assert!(!e.message.is_empty(), "{e:?}");
            assert!(e.cause.ends_with('.') && e.fix.ends_with('.'), "{e:?}");
            assert!(e.rule == SCHEMA_RULE || e.field.starts_with('/'), "{e:?}");
        }
        let json = serde_json::to_value(&entries).unwrap();
        assert_eq!(json[0]["code"], "2140");
        assert_eq!(json[1]["severity"], "error");
    }
}
