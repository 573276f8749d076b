//! The JSON texts the IRP signs: the SignedInvoice data and the SignedQRCode data.

use crate::canonical::{Canon, write_json_string};
use crate::invoice::Invoice;

/// A scalar member of a payload: a string, or a number lexeme written as is.
enum Json<'a> {
    Str(&'a str),
    Num(&'a str),
}

/// The SignedInvoice `data`: `AckNo`, `AckDt` (with seconds), `Irn`, then the canonical invoice.
pub fn signed_invoice_data(canon: &Canon, ack_no: u64, ack_dt: &str, irn: &str) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str("{\"AckNo\":");
    out.push_str(&ack_no.to_string());
    out.push_str(",\"AckDt\":");
    write_json_string(ack_dt, &mut out);
    out.push_str(",\"Irn\":");
    write_json_string(irn, &mut out);
    if let Canon::Obj(members) = canon {
        for (k, v) in members {
            out.push(',');
            write_json_string(k, &mut out);
            out.push(':');
            v.write_json(&mut out);
        }
    }
    out.push('}');
    out
}

/// The SignedQRCode `data`, in NIC's member order; `TotInvVal` keeps the lexeme the client sent.
pub fn signed_qr_data(canon: &Canon, invoice: &Invoice, irn: &str, irn_dt: &str) -> String {
    let doc = canon.get("DocDtls");
    let str_of = |name: &str| doc.and_then(|d| d.str_at(name)).unwrap_or_default();
    let tot_inv_val = canon
        .get("ValDtls")
        .and_then(|v| v.lexeme_at("TotInvVal"))
        .unwrap_or("0");
    let main_hsn = invoice
        .main_item()
        .map(|i| invoice.items[i].hsn.as_str())
        .unwrap_or_default();
    let item_count = invoice.items.len().to_string();
    let members: [(&str, Json); 10] = [
        ("SellerGstin", Json::Str(invoice.seller_gstin())),
        ("BuyerGstin", Json::Str(invoice.buyer_gstin())),
        ("DocNo", Json::Str(str_of("No"))),
        ("DocTyp", Json::Str(str_of("Typ"))),
        ("DocDt", Json::Str(str_of("Dt"))),
        ("TotInvVal", Json::Num(tot_inv_val)),
        ("ItemCnt", Json::Num(&item_count)),
        ("MainHsnCode", Json::Str(main_hsn)),
        ("Irn", Json::Str(irn)),
        ("IrnDt", Json::Str(irn_dt)),
    ];
    let mut out = String::with_capacity(512);
    out.push('{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(name, &mut out);
        out.push(':');
        match value {
            Json::Str(s) => write_json_string(s, &mut out),
            Json::Num(n) => out.push_str(n),
        }
    }
    out.push('}');
    out
}

/// The invoice part of a SignedInvoice `data` text: everything after `AckNo`, `AckDt` and `Irn`. Two
/// submissions of the same document with the same content have the same invoice part.
pub fn invoice_part(signed_data: &str) -> Option<&str> {
    const IRN_KEY: &str = "\"Irn\":\"";
    let start = signed_data.find(IRN_KEY)? + IRN_KEY.len() + 64 + 1;
    signed_data.get(start..)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::canonicalise;
    use crate::schema::DOC_DTLS;

    #[test]
    fn the_invoice_part_ignores_the_acknowledgement() {
        let doc: serde_json::Value =
            serde_json::from_str(r#"{"Typ":"INV","No":"A/1","Dt":"01/11/2025"}"#).unwrap();
        let canon =
            crate::canonical::Canon::Obj(vec![("DocDtls", canonicalise(&DOC_DTLS, &doc).unwrap())]);
        let irn = "a".repeat(64);
        let first = signed_invoice_data(&canon, 112510000000001, "2025-11-01 10:00:00", &irn);
        let again = signed_invoice_data(&canon, 112510000000002, "2025-11-01 10:05:00", &irn);
        assert_ne!(first, again);
        assert_eq!(invoice_part(&first), invoice_part(&again));
        assert_eq!(
            invoice_part(&first),
            Some(r#","DocDtls":{"Typ":"INV","No":"A/1","Dt":"01/11/2025"}}"#)
        );
        assert_eq!(invoice_part("{}"), None);
    }
}
