//! One path from a decrypted payload to a verdict, shared by Generate IRN, the validate-only endpoints
//! and (through the same rules crate) the offline CLI: schema, then every business rule with the
//! parties' GSTIN master records. Errors refuse the document; warnings travel with it.

use crate::state::AppState;
use chrono::NaiveDate;
use openirp_model::Invoice;
use openirp_model::canonical::Canon;
use openirp_rules::{Context, Finding, GstinStatus, Severity, Tolerances};
use openirp_store::{GstinRecord, StoreError};

/// A document that passed: its canonical form, typed view, and any warnings.
pub struct Accepted {
    pub canon: Canon,
    pub invoice: Invoice,
    pub warnings: Vec<Finding>,
}

/// Why a document did not pass.
pub enum Refused {
    /// The payload is not JSON at all.
    NotJson(serde_json::Error),
    /// Every error found, and the warnings beside them.
    Findings {
        errors: Vec<Finding>,
        warnings: Vec<Finding>,
    },
    /// The GSTIN master could not be read.
    Store(StoreError),
}

/// Checks the JSON text `payload` as `caller_gstin` would send it (`None`: as its own seller).
pub async fn check_invoice(
    state: &AppState,
    caller_gstin: Option<&str>,
    payload: &str,
) -> Result<Accepted, Refused> {
    let (canon, invoice) = openirp_rules::check_schema_text(payload)
        .map_err(Refused::NotJson)?
        .map_err(|errors| Refused::Findings {
            errors,
            warnings: Vec::new(),
        })?;
    let store = &state.store;
    let caller = caller_gstin.unwrap_or(invoice.seller_gstin());
    let lookup = |gstin: Option<String>| async move {
        match gstin {
            Some(g) => store.get_gstin(&g).await,
            None => Ok(None),
        }
    };
    let buyer_gstin = Some(invoice.buyer_gstin()).filter(|g| *g != openirp_model::gstin::URP);
    let (seller, buyer, ecom) = tokio::join!(
        lookup(Some(invoice.seller_gstin().to_string())),
        lookup(buyer_gstin.map(str::to_string)),
        lookup(ecom_operator(&invoice, caller)),
    );
    let seller = seller.map_err(Refused::Store)?.map(|r| gstin_status(&r));
    let buyer = buyer.map_err(Refused::Store)?.map(|r| gstin_status(&r));
    let ecom = ecom.map_err(Refused::Store)?.map(|r| gstin_status(&r));
    let mut ctx = Context::new(caller, openirp_model::time::ist_date(state.now()));
    ctx.seller = seller.as_ref();
    ctx.buyer = buyer.as_ref();
    ctx.ecom = ecom.as_ref();
    ctx.max_items = state.config.max_items;
    ctx.tolerances = Tolerances::default();
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) = openirp_rules::validate(&invoice, &ctx)
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    if errors.is_empty() {
        Ok(Accepted {
            canon,
            invoice,
            warnings,
        })
    } else {
        Err(Refused::Findings { errors, warnings })
    }
}

/// The e-commerce operator: the one the invoice names, else the caller when it is not the supplier.
fn ecom_operator(invoice: &Invoice, caller: &str) -> Option<String> {
    invoice.ecm_gstin.clone().or_else(|| {
        (!caller.eq_ignore_ascii_case(invoice.seller_gstin())).then(|| caller.to_string())
    })
}

/// What the rules need of a GSTIN master record.
fn gstin_status(r: &GstinRecord) -> GstinStatus {
    let date = |d: &Option<String>| {
        d.as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    GstinStatus {
        gstin: r.gstin.clone(),
        status: r.status.clone(),
        txp_type: r.txp_type.clone(),
        dt_reg: date(&r.dt_reg),
        dt_dreg: date(&r.dt_dreg),
        checksum_exempt: r.checksum_exempt,
        aato_crore: r.aato_crore.as_deref().and_then(|a| a.parse().ok()),
    }
}
