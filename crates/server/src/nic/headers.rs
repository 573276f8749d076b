//! NIC header lookup: names are case-insensitive (HTTP already folds case) and `_` equals `-`, because
//! clients in the wild send `client_id`, `client-id`, `Client_Id`, `authtoken`…

use axum::http::HeaderMap;

/// The trimmed, non-empty value of header `name` (written with underscores), accepting `-` for `_`.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let value = headers
        .get(name)
        .or_else(|| headers.get(name.replace('_', "-").as_str()))?;
    let value = value.to_str().ok()?.trim();
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn underscore_and_dash_spellings_are_one_header() {
        let mut h = HeaderMap::new();
        h.insert("client-id", HeaderValue::from_static(" abc "));
        h.insert("user_name", HeaderValue::from_static("u1"));
        h.insert("gstin", HeaderValue::from_static(""));
        assert_eq!(header(&h, "client_id"), Some("abc"));
        assert_eq!(header(&h, "user_name"), Some("u1"));
        assert_eq!(header(&h, "gstin"), None);
        assert_eq!(header(&h, "authtoken"), None);
    }
}
