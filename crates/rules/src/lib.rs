//! NIC business validations for Generate IRN.
//!
//! Every rule is a small named function that appends [`RuleError`]s for one NIC check; the catalogue
//! [`RULES`] is plain data mapping each rule to the NIC error codes it can raise. [`validate`] runs the whole
//! catalogue and returns every error found, in catalogue order. Schema checks (types, lengths, patterns,
//! required fields) happen earlier, in `openirp-model`; the rules here only read a schema-valid
//! [`Invoice`].
//!
//! Adding a check means writing one function in the module for its topic and one entry in [`RULES`].

pub mod arithmetic;
pub mod document;
pub mod helpers;
pub mod items;
pub mod messages;
pub mod parties;
pub mod supply;
pub mod totals;

use chrono::NaiveDate;
use openirp_model::Invoice;
use rust_decimal::Decimal;

/// One business-rule violation as NIC reports it in `ErrorDetails`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// NIC error code, e.g. `"2172"`.
    pub code: &'static str,
    /// NIC's message text with its `{0}`/`{1}` placeholders filled.
    pub message: String,
}

impl RuleError {
    /// The error `code` with NIC's message for it, placeholders `{0}`, `{1}`, … filled from `args`.
    pub fn new(code: &'static str, args: &[&str]) -> RuleError {
        RuleError {
            code,
            message: messages::fill(messages::template(code).unwrap_or_default(), args),
        }
    }

    /// The error `code` with a message of our own (for checks NIC reports under a code whose listed text
    /// does not fit, such as a date before the e-invoice start date).
    pub fn with_message(code: &'static str, message: impl Into<String>) -> RuleError {
        RuleError {
            code,
            message: message.into(),
        }
    }
}

/// A GSTIN's record in the IRP's GSTIN master (as synced from the GST Common Portal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GstinStatus {
    pub gstin: String,
    /// `ACT`, `CNL`, `INA`, `SUS` or `PRO`.
    pub status: String,
    /// Taxpayer type: `REG`, `SEZ`, `COM`, `TCS`, …
    pub txp_type: String,
    /// Registration date.
    pub dt_reg: Option<NaiveDate>,
    /// De-registration date.
    pub dt_dreg: Option<NaiveDate>,
    /// NIC's own sandbox GSTINs fail the mod-36 checksum; their records are exempt from it.
    pub checksum_exempt: bool,
}

/// How far a given amount may be from the computed one and still pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerances {
    /// For item-level arithmetic (2193, 2194, 2234, 2235, 2266, 2267).
    pub item: Decimal,
    /// For document totals (2182–2187, 2189).
    pub total: Decimal,
}

impl Default for Tolerances {
    /// ±1.00 for both: NIC does not publish a tolerance; ±1 is what GSPs use and what NIC states for 2189.
    fn default() -> Self {
        Tolerances {
            item: Decimal::ONE,
            total: Decimal::ONE,
        }
    }
}

/// The item limit NIC applies unless raised for a taxpayer on request.
pub const DEFAULT_MAX_ITEMS: usize = 1000;

/// Everything a rule may read besides the invoice itself.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// GSTIN of the authenticated user (header `Gstin`).
    pub caller_gstin: &'a str,
    /// Today's IST date from the injected clock.
    pub today: NaiveDate,
    /// GSTIN master record of `SellerDtls.Gstin`; `None` if unknown.
    pub seller: Option<&'a GstinStatus>,
    /// GSTIN master record of `BuyerDtls.Gstin`; `None` if unknown or `URP`.
    pub buyer: Option<&'a GstinStatus>,
    /// Verify GSTIN check characters (records marked `checksum_exempt` skip it).
    pub enforce_checksum: bool,
    /// Maximum number of items (2173).
    pub max_items: usize,
    pub tolerances: Tolerances,
}

impl<'a> Context<'a> {
    /// A context with no master records, checksum enforcement on, the default item limit and tolerances.
    pub fn new(caller_gstin: &'a str, today: NaiveDate) -> Context<'a> {
        Context {
            caller_gstin,
            today,
            seller: None,
            buyer: None,
            enforce_checksum: true,
            max_items: DEFAULT_MAX_ITEMS,
            tolerances: Tolerances::default(),
        }
    }
}

/// The signature every rule has: read the invoice and context, append any errors found.
pub type Check = fn(&Invoice, &Context<'_>, &mut Vec<RuleError>);

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// What the rule checks, e.g. `"intra_state_no_igst"`.
    pub name: &'static str,
    /// The NIC error codes the rule can raise.
    pub codes: &'static [&'static str],
    pub check: Check,
}

const fn rule(name: &'static str, codes: &'static [&'static str], check: Check) -> Rule {
    Rule { name, codes, check }
}

/// The catalogue, in the order NIC reports: document, parties, supply type, items, item arithmetic,
/// document totals.
pub static RULES: &[Rule] = &[
    // Document (§6.2, §6.7, §6.8).
    rule(
        "doc_date_not_future",
        &["2163"],
        document::doc_date_not_future,
    ),
    rule(
        "doc_date_not_before_go_live",
        &["2163"],
        document::doc_date_not_before_go_live,
    ),
    rule(
        "preceding_doc_for_notes",
        &["2191"],
        document::preceding_doc_for_notes,
    ),
    rule("items_not_empty", &["2228"], document::items_not_empty),
    rule(
        "item_count_within_limit",
        &["2173"],
        document::item_count_within_limit,
    ),
    rule(
        "unique_item_serials",
        &["2233"],
        document::unique_item_serials,
    ),
    // Parties (§6.3).
    rule(
        "caller_is_supplier_or_ecom",
        &["2169"],
        parties::caller_is_supplier_or_ecom,
    ),
    rule("seller_gstin_valid", &["3028"], parties::seller_gstin_valid),
    rule("buyer_gstin_valid", &["3028"], parties::buyer_gstin_valid),
    rule(
        "seller_registration_status",
        parties::STATUS_CODES,
        parties::seller_registration_status,
    ),
    rule(
        "buyer_registration_status",
        parties::STATUS_CODES,
        parties::buyer_registration_status,
    ),
    rule("seller_not_buyer", &["2211"], parties::seller_not_buyer),
    rule(
        "seller_state_matches_gstin",
        &["2258"],
        parties::seller_state_matches_gstin,
    ),
    rule("seller_state_valid", &["2259"], parties::seller_state_valid),
    rule("buyer_state_valid", &["2260"], parties::buyer_state_valid),
    rule(
        "buyer_state_matches_gstin",
        &["2265"],
        parties::buyer_state_matches_gstin,
    ),
    rule(
        "dispatch_ship_states_valid",
        &["2200"],
        parties::dispatch_ship_states_valid,
    ),
    // Supply type × recipient (§6.4).
    rule(
        "urp_only_for_exports",
        &["2212", "2171"],
        supply::urp_only_for_exports,
    ),
    rule("exports_to_urp", &["2248"], supply::exports_to_urp),
    rule(
        "b2b_recipient_not_sez",
        &["2246"],
        supply::b2b_recipient_not_sez,
    ),
    rule("sez_supply_to_sez", &["2247"], supply::sez_supply_to_sez),
    rule(
        "export_pos_other_country",
        &["2229"],
        supply::export_pos_other_country,
    ),
    rule(
        "export_buyer_state_other_country",
        &["2261"],
        supply::export_buyer_state_other_country,
    ),
    rule(
        "domestic_pos_not_other_country",
        &["2242"],
        supply::domestic_pos_not_other_country,
    ),
    rule("pos_valid", &["2243"], supply::pos_valid),
    rule(
        "reverse_charge_supply_type",
        &["2162"],
        supply::reverse_charge_supply_type,
    ),
    rule(
        "igst_on_intra_same_state",
        &["2262"],
        supply::igst_on_intra_same_state,
    ),
    // Items: tax heads, rates, quantities and units (§6.4, §6.7).
    rule("intra_state_no_igst", &["2172"], items::intra_state_no_igst),
    rule(
        "intra_state_cgst_equals_sgst",
        &["2227"],
        items::intra_state_cgst_equals_sgst,
    ),
    rule(
        "intra_state_needs_cgst_sgst",
        &["2241"],
        items::intra_state_needs_cgst_sgst,
    ),
    rule(
        "inter_state_no_cgst_sgst",
        &["2174"],
        items::inter_state_no_cgst_sgst,
    ),
    rule("sez_no_cgst_sgst", &["2237"], items::sez_no_cgst_sgst),
    rule("export_no_cgst_sgst", &["2180"], items::export_no_cgst_sgst),
    rule("gst_rate_notified", &["2240"], items::gst_rate_notified),
    rule("goods_have_quantity", &["2238"], items::goods_have_quantity),
    rule("goods_have_unit", &["2239"], items::goods_have_unit),
    rule("units_known", &["2177"], items::units_known),
    // Item arithmetic (§6.5).
    rule("taxable_value", &["2193"], arithmetic::taxable_value),
    rule(
        "igst_matches_rate",
        &["2235"],
        arithmetic::igst_matches_rate,
    ),
    rule(
        "cgst_sgst_match_rate",
        &["2234"],
        arithmetic::cgst_sgst_match_rate,
    ),
    rule(
        "cess_matches_rate",
        &["2266"],
        arithmetic::cess_matches_rate,
    ),
    rule(
        "state_cess_matches_rate",
        &["2267"],
        arithmetic::state_cess_matches_rate,
    ),
    rule("item_total", &["2194"], arithmetic::item_total),
    // Document totals (§6.6).
    rule(
        "total_assessable_value",
        &["2182"],
        totals::total_assessable_value,
    ),
    rule("total_sgst", &["2183"], totals::total_sgst),
    rule("total_cgst", &["2184"], totals::total_cgst),
    rule("total_igst", &["2185"], totals::total_igst),
    rule("total_cess", &["2186"], totals::total_cess),
    rule("total_state_cess", &["2187"], totals::total_state_cess),
    rule(
        "total_invoice_value",
        &["2189"],
        totals::total_invoice_value,
    ),
    rule(
        "discount_below_invoice_value",
        &["2220"],
        totals::discount_below_invoice_value,
    ),
];

/// Runs every rule of [`RULES`] and returns every error found, in catalogue order (empty = valid).
pub fn validate(invoice: &Invoice, ctx: &Context<'_>) -> Vec<RuleError> {
    let mut errors = Vec::new();
    for rule in RULES {
        (rule.check)(invoice, ctx, &mut errors);
    }
    errors
}
