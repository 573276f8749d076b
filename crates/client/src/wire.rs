//! NIC wire constants (paths, header names) and the small URL building the
//! GET APIs need.

pub const AUTH_PATH: &str = "/eivital/v1.04/auth";
pub const AUTH_PUBLIC_KEY_PATH: &str = "/keys/auth-public.pem";
pub const GENERATE_IRN_PATH: &str = "/eicore/v1.03/Invoice";
pub const CANCEL_IRN_PATH: &str = "/eicore/v1.03/Invoice/Cancel";
const GET_IRN_PREFIX: &str = "/eicore/v1.03/Invoice/irn/";
const IRN_BY_DOC_PATH: &str = "/eicore/v1.03/Invoice/irnbydocdetails";
const REJECTED_IRNS_PATH: &str = "/eicore/v1.03/Invoice/rejectedirns";
const GSTIN_DETAILS_PREFIX: &str = "/eivital/v1.04/Master/gstin/";
const SYNC_GSTIN_PREFIX: &str = "/eivital/v1.04/Master/syncgstin/";

pub const HEADER_CLIENT_ID: &str = "client_id";
pub const HEADER_CLIENT_SECRET: &str = "client_secret";
pub const HEADER_GSTIN: &str = "Gstin";
pub const HEADER_USER_NAME: &str = "user_name";
pub const HEADER_AUTH_TOKEN: &str = "AuthToken";

pub fn get_irn_path(irn: &str) -> String {
    format!("{GET_IRN_PREFIX}{}", percent_encode(irn))
}

pub fn irn_by_doc_path(doc_type: &str, doc_no: &str, doc_date: &str) -> String {
    format!(
        "{IRN_BY_DOC_PATH}?doctype={}&docnum={}&docdate={}",
        percent_encode(doc_type),
        percent_encode(doc_no),
        percent_encode(doc_date)
    )
}

pub fn rejected_irns_path(date: &str) -> String {
    format!("{REJECTED_IRNS_PATH}?date={}", percent_encode(date))
}

pub fn gstin_details_path(gstin: &str) -> String {
    format!("{GSTIN_DETAILS_PREFIX}{}", percent_encode(gstin))
}

pub fn sync_gstin_path(gstin: &str) -> String {
    format!("{SYNC_GSTIN_PREFIX}{}", percent_encode(gstin))
}

/// `base` without trailing slashes + `path` with exactly one leading slash.
pub fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Percent-encodes everything except RFC 3986 unreserved characters, so a
/// value is safe both as a path segment and as a query value (document
/// numbers contain `/`, dates are `dd/mm/yyyy`).
pub fn percent_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(percent_encode("SINV-CFY_00.67~"), "SINV-CFY_00.67~");
        assert_eq!(percent_encode("MSI/084"), "MSI%2F084");
        assert_eq!(percent_encode("a b&c=d?#%+"), "a%20b%26c%3Dd%3F%23%25%2B");
        assert_eq!(percent_encode("₹"), "%E2%82%B9");
    }

    #[test]
    fn get_paths_match_the_nic_endpoint_table() {
        assert_eq!(
            irn_by_doc_path("INV", "MSI/084", "05/01/2021"),
            "/eicore/v1.03/Invoice/irnbydocdetails?doctype=INV&docnum=MSI%2F084&docdate=05%2F01%2F2021"
        );
        assert_eq!(
            rejected_irns_path("16/09/2022"),
            "/eicore/v1.03/Invoice/rejectedirns?date=16%2F09%2F2022"
        );
        assert_eq!(
            get_irn_path("706daecc"),
            "/eicore/v1.03/Invoice/irn/706daecc"
        );
        assert_eq!(
            gstin_details_path("29AAACL07TXPJK4"),
            "/eivital/v1.04/Master/gstin/29AAACL07TXPJK4"
        );
        assert_eq!(
            sync_gstin_path("29AAACL07TXPJK4"),
            "/eivital/v1.04/Master/syncgstin/29AAACL07TXPJK4"
        );
    }

    #[test]
    fn join_url_normalises_slashes() {
        assert_eq!(join_url("http://h:1/", "/eicore/x"), "http://h:1/eicore/x");
        assert_eq!(
            join_url("http://h:1/base", "eicore/x"),
            "http://h:1/base/eicore/x"
        );
    }
}
