//! NIC business validations for Generate IRN.
//!
//! Every rule is a small named function that reports [`Hit`]s for one NIC check; the catalogue [`RULES`]
//! is plain data: each rule's NIC error codes, the JSON pointer pattern of the field it checks, its
//! severity, and a one-sentence cause and fix for the error catalogue. [`validate`] runs the whole
//! catalogue and returns every [`Finding`], in catalogue order. Schema checks (types, lengths, patterns,
//! required fields) happen first, in `openirp-model`; [`check_schema`] reports them as findings too.
//!
//! Adding a check means writing one function in the module for its topic and one entry in [`RULES`].

pub mod arithmetic;
pub mod catalogue;
pub mod document;
pub mod ewb;
pub mod export;
pub mod helpers;
pub mod items;
pub mod messages;
pub mod parties;
pub mod policy;
pub mod supply;
pub mod totals;

pub use catalogue::{CatalogueEntry, catalogue};

use chrono::NaiveDate;
use openirp_model::Invoice;
use openirp_model::canonical::Canon;
use rust_decimal::Decimal;

/// How a finding counts: errors refuse the document; warnings travel with an accepted one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One violation found in a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The rule's name in [`RULES`], or `"schema"` for schema violations.
    pub rule: &'static str,
    /// NIC error code (`"2140"` for schema violations).
    pub code: &'static str,
    /// NIC's message with its placeholders filled.
    pub message: String,
    /// RFC 6901 JSON pointer to the field at fault, e.g. `/ItemList/2/IgstAmt` (`""` = whole document).
    pub pointer: String,
    pub severity: Severity,
}

/// What a rule function reports: the engine adds the rule's name and severity to make a [`Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub code: &'static str,
    pub message: String,
    pub pointer: String,
}

impl Hit {
    /// The error `code` at `pointer` with NIC's message for it, placeholders `{0}`, `{1}`, … filled
    /// from `args`.
    pub fn new(code: &'static str, pointer: impl Into<String>, args: &[&str]) -> Hit {
        Hit::with_template(
            code,
            pointer,
            messages::template(code).unwrap_or_default(),
            args,
        )
    }

    /// The error `code` at `pointer` with a template of our own (for checks NIC reports under a code
    /// whose listed text does not fit, such as a date before the e-invoice start date).
    pub fn with_template(
        code: &'static str,
        pointer: impl Into<String>,
        template: &str,
        args: &[&str],
    ) -> Hit {
        Hit {
            code,
            message: messages::fill(template, args),
            pointer: pointer.into(),
        }
    }
}

/// A GSTIN's record in the IRP's GSTIN master (as synced from the GST Common Portal).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
    /// Aggregate annual turnover in ₹ crore (decides the 30-day reporting window and 6-digit HSN);
    /// `None` if the master does not know it.
    pub aato_crore: Option<Decimal>,
}

/// How far a given amount may be from the computed one and still pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerances {
    /// For item-level arithmetic (2192, 2193, 2194, 2234, 2235, 2266, 2267).
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
    /// GSTIN of the authenticated user (header `Gstin`); empty when validating offline, which skips the
    /// caller check (2169).
    pub caller_gstin: &'a str,
    /// Today's IST date from the injected clock (the reporting date).
    pub today: NaiveDate,
    /// GSTIN master record of `SellerDtls.Gstin`; `None` if unknown.
    pub seller: Option<&'a GstinStatus>,
    /// GSTIN master record of `BuyerDtls.Gstin`; `None` if unknown or `URP`.
    pub buyer: Option<&'a GstinStatus>,
    /// GSTIN master record of the e-commerce operator: `TranDtls.EcmGstin` when given, otherwise the
    /// caller when the caller is not the supplier; `None` if unknown.
    pub ecom: Option<&'a GstinStatus>,
    /// Whether a GSTIN master stands behind `seller`/`buyer`/`ecom`. When false (offline validation),
    /// rules that need master records (unknown GSTIN 3028, registration status 307x, SEZ recipient,
    /// e-commerce TCS type) are skipped; checksum checks still run.
    pub gstin_master: bool,
    /// Verify GSTIN check characters (records marked `checksum_exempt` skip it).
    pub enforce_checksum: bool,
    /// Maximum number of items (2173).
    pub max_items: usize,
    pub tolerances: Tolerances,
    /// The supplier's AATO in ₹ crore, overriding the master record's (offline use); `None` = take it
    /// from `seller`.
    pub aato_crore: Option<Decimal>,
}

impl<'a> Context<'a> {
    /// A context for the IRP itself: a GSTIN master stands behind it (no records given yet), checksum
    /// enforcement on, the default item limit and tolerances.
    pub fn new(caller_gstin: &'a str, today: NaiveDate) -> Context<'a> {
        Context {
            caller_gstin,
            today,
            seller: None,
            buyer: None,
            ecom: None,
            gstin_master: true,
            enforce_checksum: true,
            max_items: DEFAULT_MAX_ITEMS,
            tolerances: Tolerances::default(),
            aato_crore: None,
        }
    }

    /// A context for validating without a GSTIN master or a caller (the CLI offline): master rules and
    /// the caller check are skipped, checksums are verified.
    pub fn offline(today: NaiveDate) -> Context<'a> {
        Context {
            gstin_master: false,
            ..Context::new("", today)
        }
    }

    /// The supplier's AATO in ₹ crore: the override, else the master record's.
    pub fn supplier_aato(&self) -> Option<Decimal> {
        self.aato_crore
            .or_else(|| self.seller.and_then(|s| s.aato_crore))
    }
}

/// The signature every rule has: read the invoice and context, report anything found.
pub type Check = fn(&Invoice, &Context<'_>, &mut Vec<Hit>);

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// What the rule checks, e.g. `"intra_state_no_igst"`.
    pub name: &'static str,
    /// The NIC error codes the rule can raise.
    pub codes: &'static [&'static str],
    /// JSON pointer pattern of the field at fault (`*` for any array index), e.g. `/ItemList/*/IgstAmt`.
    pub field: &'static str,
    /// Why the finding arises, in one plain sentence.
    pub cause: &'static str,
    /// How to fix it, in one plain sentence.
    pub fix: &'static str,
    pub severity: Severity,
    /// For uncertain rules: what we chose and why.
    pub note: Option<&'static str>,
    /// A message template of our own, when NIC's text for the code does not fit this check.
    pub message: Option<&'static str>,
    /// Whether the rule reads GSTIN master records (skipped when `Context::gstin_master` is false).
    pub needs_master: bool,
    pub check: Check,
}

impl Rule {
    /// Makes the rule a warning.
    pub const fn warning(mut self) -> Rule {
        self.severity = Severity::Warning;
        self
    }

    /// Sets the rule's severity.
    pub const fn severity(mut self, severity: Severity) -> Rule {
        self.severity = severity;
        self
    }

    /// Adds a note on an uncertain rule.
    pub const fn note(mut self, note: &'static str) -> Rule {
        self.note = Some(note);
        self
    }

    /// Sets a message template of our own.
    pub const fn message(mut self, template: &'static str) -> Rule {
        self.message = Some(template);
        self
    }

    /// Marks the rule as reading GSTIN master records.
    pub const fn master(mut self) -> Rule {
        self.needs_master = true;
        self
    }

    /// Whether the rule runs in `ctx`.
    pub fn applies(&self, ctx: &Context<'_>) -> bool {
        ctx.gstin_master || !self.needs_master
    }
}

/// An error rule.
pub const fn rule(
    name: &'static str,
    codes: &'static [&'static str],
    field: &'static str,
    check: Check,
    cause: &'static str,
    fix: &'static str,
) -> Rule {
    Rule {
        name,
        codes,
        field,
        cause,
        fix,
        severity: Severity::Error,
        note: None,
        message: None,
        needs_master: false,
        check,
    }
}

mod table;
pub use table::RULES;

/// Runs every rule of [`RULES`] that applies in `ctx` and returns every finding, in catalogue order
/// (no errors = valid; warnings do not refuse a document).
pub fn validate(invoice: &Invoice, ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut hits = Vec::new();
    for rule in RULES.iter().filter(|r| r.applies(ctx)) {
        (rule.check)(invoice, ctx, &mut hits);
        findings.extend(hits.drain(..).map(|h| Finding {
            rule: rule.name,
            code: h.code,
            message: h.message,
            pointer: h.pointer,
            severity: rule.severity,
        }));
    }
    findings
}

/// Runs only the e-way bill rules (the `ewb_` entries of [`RULES`]), every finding an error: for
/// Generate EWB by IRN, where they refuse the request instead of travelling as `EWBERR`.
pub fn validate_ewb(invoice: &Invoice, ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut hits = Vec::new();
    for rule in RULES
        .iter()
        .filter(|r| r.name.starts_with("ewb_") && r.applies(ctx))
    {
        (rule.check)(invoice, ctx, &mut hits);
        findings.extend(hits.drain(..).map(|h| Finding {
            rule: rule.name,
            code: h.code,
            message: h.message,
            pointer: h.pointer,
            severity: Severity::Error,
        }));
    }
    findings
}

/// Whether a finding comes from an e-way bill rule (NIC returns those as `EWBERR`, not as errors).
pub fn is_ewb_finding(finding: &Finding) -> bool {
    finding.rule.starts_with("ewb_")
}

/// The rule name and code of schema findings.
pub const SCHEMA_RULE: &str = "schema";
pub const SCHEMA_CODE: &str = "2140";

/// Checks `payload` against the INV-01 schema: its canonical form and typed view, or every violation
/// as a finding of rule `"schema"`, code `2140`, with the field's pointer.
pub fn check_schema(payload: &serde_json::Value) -> Result<(Canon, Invoice), Vec<Finding>> {
    typed(openirp_model::canonicalise_invoice(payload))
}

/// [`check_schema`] straight from the JSON text, without building a `serde_json::Value` first (the
/// fast path of the server and the CLI). The outer `Err` is malformed JSON.
pub fn check_schema_text(
    text: &str,
) -> Result<Result<(Canon, Invoice), Vec<Finding>>, serde_json::Error> {
    openirp_model::canonicalise_invoice_text(text).map(typed)
}

/// Schema violations as findings, or the typed view of a schema-valid document.
fn typed(
    canon: Result<Canon, Vec<openirp_model::SchemaError>>,
) -> Result<(Canon, Invoice), Vec<Finding>> {
    let canon = canon.map_err(|errors| {
        errors
            .into_iter()
            .map(|e| Finding {
                rule: SCHEMA_RULE,
                code: SCHEMA_CODE,
                message: e.to_string(),
                pointer: e.pointer,
                severity: Severity::Error,
            })
            .collect::<Vec<_>>()
    })?;
    match Invoice::from_canonical(&canon) {
        Some(invoice) => Ok((canon, invoice)),
        None => Err(vec![Finding {
            rule: SCHEMA_RULE,
            code: SCHEMA_CODE,
            message: "invoice: could not be read as an e-invoice".to_string(),
            pointer: String::new(),
            severity: Severity::Error,
        }]),
    }
}

/// The findings that refuse a document.
pub fn errors(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings.iter().filter(|f| f.severity == Severity::Error)
}

/// The findings that travel with an accepted document.
pub fn warnings(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings.iter().filter(|f| f.severity == Severity::Warning)
}

/// Whether no finding is an error.
pub fn passes(findings: &[Finding]) -> bool {
    errors(findings).next().is_none()
}
