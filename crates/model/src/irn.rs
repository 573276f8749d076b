//! The IRN: SHA-256 of seller GSTIN + financial year + document type + upper-cased document number.

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

/// The Indian financial year (1 April – 31 March) containing `date`, as `YYYY-YY`.
pub fn financial_year(date: NaiveDate) -> String {
    let start = if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    format!("{start}-{:02}", (start + 1) % 100)
}

/// The document-number form that decides uniqueness: NIC upper-cases it since 1 June 2025.
pub fn doc_no_key(doc_no: &str) -> String {
    doc_no.to_ascii_uppercase()
}

/// The IRN of a document: lower-case hex SHA-256 of `gstin + fy + doc_type + doc_no_key(doc_no)`.
pub fn compute_irn(seller_gstin: &str, fin_year: &str, doc_type: &str, doc_no: &str) -> String {
    let mut h = Sha256::new();
    h.update(seller_gstin.as_bytes());
    h.update(fin_year.as_bytes());
    h.update(doc_type.to_ascii_uppercase().as_bytes());
    h.update(doc_no_key(doc_no).as_bytes());
    hex::encode(h.finalize())
}

/// SHA-256 hex of an exact input string (what NIC hashed before case folding; used by test vectors).
pub fn sha256_hex(input: &str) -> String {
    hex::encode(Sha256::digest(input.as_bytes()))
}

/// Whether `s` looks like an IRN: 64 lower- or upper-case hex digits.
pub fn is_irn_shape(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn financial_year_turns_on_the_first_of_april() {
        assert_eq!(financial_year(d(2021, 1, 5)), "2020-21");
        assert_eq!(financial_year(d(2022, 9, 16)), "2022-23");
        assert_eq!(financial_year(d(2025, 3, 31)), "2024-25");
        assert_eq!(financial_year(d(2025, 4, 1)), "2025-26");
        assert_eq!(financial_year(d(2099, 12, 1)), "2099-00");
    }

    /// §14.1 of the reference: real NIC IRNs and the exact strings they hash.
    #[test]
    fn nic_irn_vectors() {
        let vectors = [
            (
                "01AMBPG7773M0022022-23INVSINV-CFY-00067",
                "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7",
            ),
            (
                "01AMBPG7773M0022022-23INVg2qxhY",
                "68fb4fab44aee99fb23292478c4bd838e664837c9f1b04e3d9134ffed0b40b60",
            ),
            (
                "01AMBPG7773M0022022-23CRNg2qxhY",
                "1c96258af085e45da556494ea5e5a7b401a598ab80af4136309c2dac7b54d795",
            ),
            (
                "01AMBPG7773M0022022-23DBNg2qxhY",
                "24f37c80532583c6894d8153e2b12494daa80ddbb197f0fc2c1bac07db67f933",
            ),
            (
                "02AMBPG7773M0022023-24INV9sQ5E2",
                "2ecc42a8e81dcbbb56923e4bd046c861ce7374060bd31875ce35447e922c9399",
            ),
            (
                "09AAAPG7885R0022020-21INVMSI/084",
                "d27bf67bcab04c7f5af7de6560e3573b0a4caeafaf86e194db0c817f8a264600",
            ),
        ];
        for (input, irn) in vectors {
            assert_eq!(sha256_hex(input), irn, "{input}");
        }
        // Before June 2025 the hash was case-sensitive: the upper-cased form does not match.
        assert_ne!(
            sha256_hex("02AMBPG7773M0022023-24INV9SQ5E2"),
            "2ecc42a8e81dcbbb56923e4bd046c861ce7374060bd31875ce35447e922c9399"
        );
    }

    #[test]
    fn compute_irn_upper_cases_the_document_number_only() {
        // Upper-case numbers hash exactly as NIC did before case folding.
        assert_eq!(
            compute_irn("01AMBPG7773M002", "2022-23", "INV", "SINV-CFY-00067"),
            "706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7"
        );
        assert_eq!(
            compute_irn("09AAAPG7885R002", "2020-21", "inv", "MSI/084"),
            "d27bf67bcab04c7f5af7de6560e3573b0a4caeafaf86e194db0c817f8a264600"
        );
        // Since June 2025 `abc/1` and `ABC/1` are one document.
        assert_eq!(
            compute_irn("29AAGCB7383J1Z4", "2025-26", "INV", "abc/1"),
            compute_irn("29AAGCB7383J1Z4", "2025-26", "INV", "ABC/1")
        );
        assert_eq!(
            compute_irn("02AMBPG7773M002", "2023-24", "INV", "9sQ5E2"),
            sha256_hex("02AMBPG7773M0022023-24INV9SQ5E2")
        );
    }

    #[test]
    fn irn_shape() {
        assert!(is_irn_shape(&sha256_hex("x")));
        assert!(!is_irn_shape("abc"));
        assert!(!is_irn_shape(&"g".repeat(64)));
    }
}
