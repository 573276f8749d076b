//! Small NIC masters that rules and the schema read: units, GST rates, supply and document types.

use rust_decimal::Decimal;

/// Unit quantity codes (GST UQC list as used by the NIC unit master).
pub const UNITS: &[&str] = &[
    "BAG", "BAL", "BDL", "BKL", "BOU", "BOX", "BTL", "BUN", "CAN", "CBM", "CCM", "CMS", "CTN",
    "DOZ", "DRM", "GGK", "GMS", "GRS", "GYD", "KGS", "KLR", "KME", "LTR", "MLT", "MTR", "MTS",
    "NOS", "OTH", "PAC", "PCS", "PRS", "QTL", "ROL", "SET", "SQF", "SQM", "SQY", "TBS", "TGM",
    "THD", "TON", "TUB", "UGS", "UNT", "YDS",
];

/// Whether `unit` is in the unit master (NIC compares upper case).
pub fn is_known_unit(unit: &str) -> bool {
    UNITS.iter().any(|u| u.eq_ignore_ascii_case(unit))
}

/// Notified GST rates in per cent; 40 applies from 22 September 2025.
pub const GST_RATES: &[(i64, u32)] = &[
    (0, 0),
    (1, 1),
    (25, 2),
    (1, 0),
    (15, 1),
    (3, 0),
    (5, 0),
    (6, 0),
    (75, 1),
    (12, 0),
    (18, 0),
    (28, 0),
    (40, 0),
];

/// Whether `rate` (the full IGST-equivalent rate) is one of the notified GST rates.
pub fn is_notified_gst_rate(rate: Decimal) -> bool {
    GST_RATES.iter().any(|&(m, s)| Decimal::new(m, s) == rate)
}

/// Supply types of INV-01.
pub const SUPPLY_TYPES: &[&str] = &["B2B", "SEZWP", "SEZWOP", "EXPWP", "EXPWOP", "DEXP"];

/// Document types of INV-01.
pub const DOC_TYPES: &[&str] = &["INV", "CRN", "DBN"];

/// IRN cancellation reasons (`CnlRsn`).
pub const CANCEL_REASONS: &[(&str, &str)] = &[
    ("1", "Duplicate"),
    ("2", "Data entry mistake"),
    ("3", "Order cancelled"),
    ("4", "Others"),
];

/// Whether a supply type is an export (buyer is URP, place of supply 96).
pub fn is_export(sup_typ: &str) -> bool {
    sup_typ == "EXPWP" || sup_typ == "EXPWOP"
}

/// Whether a supply type is to an SEZ.
pub fn is_sez(sup_typ: &str) -> bool {
    sup_typ == "SEZWP" || sup_typ == "SEZWOP"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn rates_compare_by_value_not_lexeme() {
        for r in [
            "0", "0.1", "0.25", "1", "1.5", "3", "5", "6", "7.5", "12", "12.000", "18", "28", "40",
        ] {
            assert!(is_notified_gst_rate(Decimal::from_str(r).unwrap()), "{r}");
        }
        for r in ["2", "9", "12.5", "100"] {
            assert!(!is_notified_gst_rate(Decimal::from_str(r).unwrap()), "{r}");
        }
    }

    #[test]
    fn units_are_case_insensitive() {
        assert!(is_known_unit("NOS"));
        assert!(is_known_unit("bag"));
        assert!(!is_known_unit("XYZ"));
    }
}
