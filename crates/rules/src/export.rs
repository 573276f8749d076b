//! Export details (`ExpDtls`, reference §6.9, §6.10).

use crate::helpers::export;
use crate::{Context, Hit};
use openirp_model::Invoice;
use openirp_model::masters::{country_name, currency_name, has_port_code_shape, port};
use openirp_model::states::OTHER_COUNTRY;
use rust_decimal::Decimal;

/// 2201: the port code has the shape of an Indian customs port code (`IN` + 4 letters or digits).
pub fn port_code_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(code) = inv.export.as_ref().and_then(|e| e.port.as_deref())
        && !has_port_code_shape(code)
    {
        out.push(Hit::new("2201", "/ExpDtls/Port", &[]));
    }
}

/// 2201 (warning): a well-formed port code that our port master does not list.
pub fn port_code_known(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(code) = inv.export.as_ref().and_then(|e| e.port.as_deref())
        && has_port_code_shape(code)
        && port(code).is_none()
    {
        out.push(Hit::new("2201", "/ExpDtls/Port", &[]));
    }
}

/// 2202: the country code is an ISO 3166-1 alpha-2 code.
pub fn country_code_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(code) = inv.export.as_ref().and_then(|e| e.country.as_deref())
        && country_name(code).is_none()
    {
        out.push(Hit::new("2202", "/ExpDtls/CntCode", &[]));
    }
}

/// 2203: the foreign currency is an ISO 4217 code.
pub fn currency_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(code) = inv.export.as_ref().and_then(|e| e.currency.as_deref())
        && currency_name(code).is_none()
    {
        out.push(Hit::new("2203", "/ExpDtls/ForCur", &[]));
    }
}

/// 2208 (warning by default): an export carries `ExpDtls`.
pub fn export_details_present(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if export(inv) && inv.export.is_none() {
        out.push(Hit::new("2208", "/ExpDtls", &[]));
    }
}

/// 2236: an export's ship-to address is the Indian port or place of export, not the foreign buyer.
pub fn ship_to_is_place_of_export(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !export(inv) {
        return;
    }
    let Some(ship) = &inv.ship_to else { return };
    if ship.state == Some(OTHER_COUNTRY) {
        out.push(Hit::new("2236", "/ShipDtls/Stcd", &[]));
    } else if ship.pin == Some(999_999) {
        out.push(Hit::new("2236", "/ShipDtls/Pin", &[]));
    }
}

/// 2221: an export with payment (`EXPWP`) of taxed items carries IGST.
pub fn export_with_payment_has_igst(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let taxed = inv.items.iter().any(|i| i.gst_rt > Decimal::ZERO);
    if inv.sup_typ == "EXPWP" && taxed && inv.items.iter().all(|i| i.igst.is_zero()) {
        out.push(Hit::new("2221", "/ValDtls/IgstVal", &[]));
    }
}
