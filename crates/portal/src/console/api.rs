//! The APIs the console can call, their sample requests, and how a developer's request text becomes
//! the HTTP call NIC clients make.

use super::json::Members;
use openirp_client::wire;
use openirp_model::gstin::state_of;
use openirp_model::states::{sample_city, sample_pin, two_digit};
use serde_json::Value;

/// Where the seller's GSTIN goes in the sample invoice; filled with the chosen user's GSTIN at run time.
pub const SELLER_PLACEHOLDER: &str = "{{SELLER_GSTIN}}";

/// NIC's sample invoice (reference §5.19), with placeholders for the seller, number and date.
const SAMPLE_INVOICE: &str = include_str!("../../static/console/sample-invoice.json");

/// The buyer of NIC's sample (a preloaded sandbox GSTIN in Karnataka, 29).
const SAMPLE_BUYER: &str = "29AWGPV7107B1Z1";

/// A buyer for sellers in Karnataka, so the sample stays an inter-state (IGST) supply: NIC's sample
/// supplier in Andhra Pradesh (37), also preloaded in sandbox mode.
const OTHER_BUYER: (&str, u8) = ("37ARZPT4384Q1MT", 37);

/// One API of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Authenticate,
    GenerateIrn,
    GetIrn,
    GetIrnByDoc,
    CancelIrn,
    GstinDetails,
    SyncGstin,
    GenerateEwb,
    GetEwb,
}

/// Generate EWB by IRN and Get EWB details by IRN (reference §8.1, §8.5).
const GENERATE_EWB_PATH: &str = "/eiewb/v1.03/ewaybill";

impl Api {
    pub const ALL: [Api; 9] = [
        Api::Authenticate,
        Api::GenerateIrn,
        Api::GetIrn,
        Api::GetIrnByDoc,
        Api::CancelIrn,
        Api::GenerateEwb,
        Api::GetEwb,
        Api::GstinDetails,
        Api::SyncGstin,
    ];

    /// The form value.
    pub fn key(self) -> &'static str {
        match self {
            Api::Authenticate => "auth",
            Api::GenerateIrn => "generate_irn",
            Api::GetIrn => "get_irn",
            Api::GetIrnByDoc => "get_irn_by_doc",
            Api::CancelIrn => "cancel_irn",
            Api::GstinDetails => "gstin_details",
            Api::SyncGstin => "sync_gstin",
            Api::GenerateEwb => "generate_ewb",
            Api::GetEwb => "get_ewb",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Api::Authenticate => "Authenticate only",
            Api::GenerateIrn => "Generate IRN",
            Api::GetIrn => "Get IRN by IRN",
            Api::GetIrnByDoc => "Get IRN by document details",
            Api::CancelIrn => "Cancel IRN",
            Api::GstinDetails => "Get GSTIN details",
            Api::SyncGstin => "Sync GSTIN",
            Api::GenerateEwb => "Generate e-way bill by IRN",
            Api::GetEwb => "Get e-way bill by IRN",
        }
    }

    pub fn from_key(key: &str) -> Option<Api> {
        Api::ALL.into_iter().find(|api| api.key() == key)
    }

    /// What the request box holds for this API.
    pub fn help(self) -> &'static str {
        match self {
            Api::Authenticate => {
                "Authentication needs no request: the login JSON is built from the user and password above."
            }
            Api::GenerateIrn => {
                "The e-invoice JSON (INV-01). {{SELLER_GSTIN}} becomes the chosen user's GSTIN, with the state code, PIN and city of its state."
            }
            Api::GetIrn => "{\"Irn\": \"<64 hex characters>\"}",
            Api::GetIrnByDoc => {
                "{\"DocType\": \"INV|CRN|DBN\", \"DocNo\": \"…\", \"DocDt\": \"dd/mm/yyyy\"}"
            }
            Api::CancelIrn => {
                "{\"Irn\": \"…\", \"CnlRsn\": \"1|2|3|4\", \"CnlRem\": \"…\"} (reasons: 1 duplicate, 2 data entry mistake, 3 order cancelled, 4 others)"
            }
            Api::GstinDetails | Api::SyncGstin => "{\"Gstin\": \"<15 characters>\"}",
            Api::GenerateEwb => {
                "{\"Irn\": \"…\", \"Distance\": 0 (0: the IRP computes it), \"TransMode\": \"1|2|3|4\", \"VehNo\": \"…\", \"VehType\": \"R|O\"} or \"TransDocNo\"/\"TransDocDt\", or only \"TransId\" for a Part-A slip. An IRN whose invoice carried EwbDtls already has its e-way bill (4002)."
            }
            Api::GetEwb => "{\"Irn\": \"<64 hex characters>\"}",
        }
    }
}

/// The latest e-invoice of the chosen user's GSTIN, which the samples of the get and cancel APIs use.
#[derive(Debug, Clone, Default)]
pub struct LastInvoice {
    pub irn: String,
    pub doc_type: String,
    pub doc_no: String,
    pub doc_date: String,
}

/// What the samples are filled with.
#[derive(Debug, Clone, Default)]
pub struct SampleContext {
    /// Today in IST, dd/mm/yyyy.
    pub today: String,
    /// A document number not used before, so running the sample again does not hit 2150.
    pub doc_no: String,
    pub last: Option<LastInvoice>,
}

/// The sample request of `api`.
pub fn sample(api: Api, ctx: &SampleContext) -> String {
    let irn = ctx
        .last
        .as_ref()
        .map_or("paste the IRN of an invoice you generated", |l| {
            l.irn.as_str()
        });
    match api {
        Api::Authenticate => String::new(),
        Api::GenerateIrn => SAMPLE_INVOICE
            .replace("{{DOC_NO}}", &ctx.doc_no)
            .replace("{{DOC_DATE}}", &ctx.today),
        Api::GetIrn | Api::GetEwb => object(&[("Irn", irn)]),
        Api::GenerateEwb => format!(
            "{{\n  \"Irn\": {},\n  \"Distance\": 100,\n  \"TransMode\": \"1\",\n  \"VehNo\": \"KA12AB1234\",\n  \"VehType\": \"R\"\n}}",
            quoted(irn)
        ),
        Api::CancelIrn => object(&[("Irn", irn), ("CnlRsn", "1"), ("CnlRem", "Wrong entry")]),
        Api::GetIrnByDoc => match &ctx.last {
            Some(l) => object(&[
                ("DocType", &l.doc_type),
                ("DocNo", &l.doc_no),
                ("DocDt", &l.doc_date),
            ]),
            None => object(&[
                ("DocType", "INV"),
                ("DocNo", "DOC/001"),
                ("DocDt", &ctx.today),
            ]),
        },
        Api::GstinDetails | Api::SyncGstin => object(&[("Gstin", SAMPLE_BUYER)]),
    }
}

/// A small pretty JSON object of string members, in the given order.
fn object(members: &[(&str, &str)]) -> String {
    let lines: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("  {}: {}", quoted(k), quoted(v)))
        .collect();
    format!("{{\n{}\n}}", lines.join(",\n"))
}

/// `s` as a JSON string literal.
pub fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The HTTP call an API makes, as NIC clients make it.
#[derive(Debug, Clone)]
pub enum Call {
    /// An encrypted POST: `json` is the plain business JSON that goes into `Data`.
    Post { path: &'static str, json: String },
    /// A GET with its parameters in the path or query.
    Get { path: String },
}

/// A call and what the console changed in the request on the way.
#[derive(Debug, Clone)]
pub struct Planned {
    /// `None` for Authenticate only.
    pub call: Option<Call>,
    pub notes: Vec<String>,
}

/// Turns the request text into the call, or explains why it cannot be sent.
pub fn plan(api: Api, text: &str, seller_gstin: &str) -> Result<Planned, String> {
    let planned = |call| Planned {
        call: Some(call),
        notes: Vec::new(),
    };
    match api {
        Api::Authenticate => Ok(Planned {
            call: None,
            notes: Vec::new(),
        }),
        Api::GenerateIrn => invoice_call(text, seller_gstin),
        Api::CancelIrn => {
            let params = parameters(text)?;
            for name in ["Irn", "CnlRsn"] {
                required(&params, name, Api::CancelIrn)?;
            }
            Ok(planned(Call::Post {
                path: wire::CANCEL_IRN_PATH,
                json: text.trim().to_string(),
            }))
        }
        Api::GetIrn => {
            let params = parameters(text)?;
            let irn = required(&params, "Irn", api)?;
            Ok(planned(Call::Get {
                path: wire::get_irn_path(&irn),
            }))
        }
        Api::GenerateEwb => {
            let params = parameters(text)?;
            required(&params, "Irn", api)?;
            Ok(planned(Call::Post {
                path: GENERATE_EWB_PATH,
                json: text.trim().to_string(),
            }))
        }
        Api::GetEwb => {
            let params = parameters(text)?;
            let irn = required(&params, "Irn", api)?;
            Ok(planned(Call::Get {
                path: format!("{GENERATE_EWB_PATH}/irn/{}", wire::percent_encode(&irn)),
            }))
        }
        Api::GetIrnByDoc => {
            let params = parameters(text)?;
            let doc_type = required(&params, "DocType", api)?;
            let doc_no = required(&params, "DocNo", api)?;
            let doc_date = required(&params, "DocDt", api)?;
            Ok(planned(Call::Get {
                path: wire::irn_by_doc_path(&doc_type, &doc_no, &doc_date),
            }))
        }
        Api::GstinDetails | Api::SyncGstin => {
            let params = parameters(text)?;
            let gstin = required(&params, "Gstin", api)?;
            let path = if api == Api::GstinDetails {
                wire::gstin_details_path(&gstin)
            } else {
                wire::sync_gstin_path(&gstin)
            };
            Ok(planned(Call::Get { path }))
        }
    }
}

/// The request box of a GET or cancel API: a JSON object.
fn parameters(text: &str) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("The request must be a JSON object, like {\"Irn\": \"…\"}.".to_string()),
        Err(e) => Err(format!("The request is not valid JSON: {e}.")),
    }
}

/// A non-empty text parameter (numbers are taken as written).
fn required(
    params: &serde_json::Map<String, Value>,
    name: &str,
    api: Api,
) -> Result<String, String> {
    let value = match params.get(name) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    if value.is_empty() {
        return Err(format!(
            "The request needs \"{name}\". For {} the request is {}",
            api.label(),
            api.help()
        ));
    }
    Ok(value)
}

/// Generate IRN: checks the invoice is a JSON object and fills the seller placeholder.
fn invoice_call(text: &str, seller_gstin: &str) -> Result<Planned, String> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(format!("The invoice is not valid JSON: {e}."));
    }
    let mut invoice = Members::parse(text)
        .map_err(|_| "The invoice must be a JSON object (INV-01).".to_string())?;
    let seller_is_placeholder = invoice
        .object("SellerDtls")
        .and_then(|s| s.text("Gstin"))
        .is_some_and(|g| g == SELLER_PLACEHOLDER);
    let mut notes = Vec::new();
    let json = if seller_is_placeholder {
        notes.extend(fill_seller(&mut invoice, seller_gstin));
        super::json::pretty(&invoice.to_json())
    } else {
        // Sent exactly as typed, so every number lexeme reaches the IRP unchanged.
        text.trim().to_string()
    };
    Ok(Planned {
        call: Some(Call::Post {
            path: wire::GENERATE_IRN_PATH,
            json,
        }),
        notes,
    })
}

/// Puts the user's GSTIN (and its state's code, PIN and city) in `SellerDtls`, and keeps the supply
/// inter-state as NIC's sample is (IGST): the buyer and place of supply move out of the seller's state.
fn fill_seller(invoice: &mut Members, gstin: &str) -> Vec<String> {
    let code = state_of(gstin).unwrap_or(0);
    let state = two_digit(code);
    let mut notes = vec![format!(
        "SellerDtls.Gstin {SELLER_PLACEHOLDER} was replaced by {gstin}, the chosen user's GSTIN; Stcd, Pin and Loc by those of state {state}."
    )];
    let mut seller = invoice.object("SellerDtls").unwrap_or_default();
    seller.set_text("Gstin", gstin);
    seller.set_text("Stcd", &state);
    if let Some(pin) = sample_pin(code) {
        seller.set_raw("Pin", &pin.to_string());
    }
    if let Some(city) = sample_city(code) {
        seller.set_text("Loc", city);
    }
    invoice.set_object("SellerDtls", &seller);

    let mut buyer = invoice.object("BuyerDtls").unwrap_or_default();
    if buyer.text("Gstin").as_deref() == Some(SAMPLE_BUYER) && state_of(SAMPLE_BUYER) == Some(code)
    {
        let (other, other_code) = OTHER_BUYER;
        buyer.set_text("Gstin", other);
        buyer.set_text("Stcd", &two_digit(other_code));
        if let Some(pin) = sample_pin(other_code) {
            buyer.set_raw("Pin", &pin.to_string());
        }
        if let Some(city) = sample_city(other_code) {
            buyer.set_text("Loc", city);
        }
        notes.push(format!(
            "The buyer was changed to {other}, so that the sample stays an inter-state supply (IGST)."
        ));
    }
    if buyer.text("Pos").as_deref() == Some(state.as_str()) {
        let pos = buyer.text("Stcd").unwrap_or_default();
        buyer.set_text("Pos", &pos);
        notes.push(format!(
            "BuyerDtls.Pos was set to {pos}: a place of supply in the seller's state would need CGST and SGST, not the sample's IGST."
        ));
    }
    invoice.set_object("BuyerDtls", &buyer);
    notes
}

/// The request text with a new document number in place of `old`, so the form can be sent again.
pub fn with_fresh_doc_no(text: &str, old: &str, fresh: &str) -> String {
    text.replacen(&quoted(old), &quoted(fresh), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> SampleContext {
        SampleContext {
            today: "01/06/2026".into(),
            doc_no: "TRY/ABC123".into(),
            last: None,
        }
    }

    #[test]
    fn every_api_key_round_trips() {
        for api in Api::ALL {
            assert_eq!(Api::from_key(api.key()), Some(api));
        }
        assert_eq!(Api::from_key("nope"), None);
    }

    #[test]
    fn sample_invoice_is_json_with_placeholders_filled_at_run_time() {
        let text = sample(Api::GenerateIrn, &ctx());
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["DocDtls"]["No"], "TRY/ABC123");
        assert_eq!(value["DocDtls"]["Dt"], "01/06/2026");
        assert_eq!(value["SellerDtls"]["Gstin"], SELLER_PLACEHOLDER);

        let planned = plan(Api::GenerateIrn, &text, "29AAGCB7383J1Z4").unwrap();
        let Some(Call::Post { json, .. }) = planned.call else {
            panic!("a POST")
        };
        let sent: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(sent["SellerDtls"]["Gstin"], "29AAGCB7383J1Z4");
        assert_eq!(sent["SellerDtls"]["Stcd"], "29");
        assert_eq!(sent["BuyerDtls"]["Gstin"], "37ARZPT4384Q1MT");
        assert_ne!(sent["BuyerDtls"]["Pos"], "29");
        // Key order and number lexemes survive the edit.
        assert!(json.find("\"Version\"").unwrap() < json.find("\"TranDtls\"").unwrap());
        assert!(json.contains("\"GstRt\": 12.0"), "{json}");
        assert!(!planned.notes.is_empty());
    }

    #[test]
    fn bad_requests_are_explained() {
        assert!(
            plan(Api::GenerateIrn, "{not json", "x")
                .unwrap_err()
                .contains("not valid JSON")
        );
        assert!(
            plan(Api::GetIrn, "{}", "x")
                .unwrap_err()
                .contains("\"Irn\"")
        );
        assert!(plan(Api::GetIrn, "[1]", "x").is_err());
        let by_doc = plan(
            Api::GetIrnByDoc,
            r#"{"DocType":"INV","DocNo":"A/1","DocDt":"01/06/2026"}"#,
            "x",
        )
        .unwrap();
        let Some(Call::Get { path }) = by_doc.call else {
            panic!("a GET")
        };
        assert!(path.contains("docnum=A%2F1"), "{path}");
    }

    #[test]
    fn fresh_doc_no_replaces_the_quoted_number_once() {
        let text = r#"{"No": "TRY/1", "InvNo": "TRY/1"}"#;
        assert_eq!(
            with_fresh_doc_no(text, "TRY/1", "TRY/2"),
            r#"{"No": "TRY/2", "InvNo": "TRY/1"}"#
        );
    }
}
