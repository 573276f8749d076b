//! Test support: invoices built as JSON and run through the model's schema, a small GSTIN master, and a
//! runner that checks every error against the catalogue.

#![allow(dead_code)]

use chrono::NaiveDate;
use openirp_model::gstin::make_gstin;
use openirp_model::{Invoice, canonicalise_invoice};
use openirp_rules::{Context, Finding, GstinStatus, RULES, Severity, Tolerances, validate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use std::str::FromStr;

/// NIC's sandbox GSTINs from the sample invoice (they fail the checksum).
pub const NIC_SELLER: &str = "37ARZPT4384Q1MT";
pub const NIC_BUYER: &str = "29AWGPV7107B1Z1";
/// Real, checksum-valid GSTINs.
pub const SELLER_29: &str = "29AAGCB7383J1Z4";
pub const BUYER_27: &str = "27AAPFU0939F1ZV";

/// A checksum-valid GSTIN of a registered buyer in Karnataka.
pub fn buyer_29() -> String {
    make_gstin(29, "AAPFU0939F", 1).unwrap()
}

/// A checksum-valid GSTIN of an SEZ in Karnataka.
pub fn sez_29() -> String {
    make_gstin(29, "AABCS1234K", 1).unwrap()
}

/// A checksum-valid GSTIN of an e-commerce operator (TCS registration) in Delhi.
pub fn ecom_07() -> String {
    make_gstin(7, "AABCF8078M", 1).unwrap()
}

pub fn date(d: u32, m: u32, y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The IST date every test runs on.
pub fn today() -> NaiveDate {
    date(15, 11, 2025)
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// An active registration since 1 July 2017.
pub fn active(gstin: &str, txp_type: &str) -> GstinStatus {
    GstinStatus {
        gstin: gstin.to_string(),
        status: "ACT".to_string(),
        txp_type: txp_type.to_string(),
        dt_reg: Some(date(1, 7, 2017)),
        dt_dreg: None,
        checksum_exempt: false,
        aato_crore: None,
    }
}

/// The GSTIN master the tests run against.
pub fn master(gstin: &str) -> Option<GstinStatus> {
    if gstin == NIC_SELLER || gstin == NIC_BUYER {
        return Some(GstinStatus {
            checksum_exempt: true,
            ..active(gstin, "REG")
        });
    }
    if gstin == sez_29() {
        return Some(active(gstin, "SEZ"));
    }
    if gstin == ecom_07() {
        return Some(active(gstin, "TCS"));
    }
    [SELLER_29.to_string(), BUYER_27.to_string(), buyer_29()]
        .contains(&gstin.to_string())
        .then(|| active(gstin, "REG"))
}

/// JSON → schema → typed invoice, as the server does it.
pub fn parse(v: &Value) -> Invoice {
    let canon = canonicalise_invoice(v).unwrap_or_else(|e| panic!("schema errors: {e:?}"));
    Invoice::from_canonical(&canon).expect("schema-valid invoice has a typed view")
}

/// Everything a [`Context`] borrows, owned, so tests can change it.
pub struct Setup {
    pub caller: String,
    pub today: NaiveDate,
    pub seller: Option<GstinStatus>,
    pub buyer: Option<GstinStatus>,
    pub ecom: Option<GstinStatus>,
    pub gstin_master: bool,
    pub aato_crore: Option<Decimal>,
    pub enforce_checksum: bool,
    pub max_items: usize,
    pub tolerances: Tolerances,
}

impl Setup {
    /// The seller calls; both parties are looked up in [`master`].
    pub fn for_invoice(inv: &Invoice) -> Setup {
        Setup {
            caller: inv.seller_gstin().to_string(),
            today: today(),
            seller: master(inv.seller_gstin()),
            buyer: master(inv.buyer_gstin()),
            ecom: inv.ecm_gstin.as_deref().and_then(master),
            gstin_master: true,
            aato_crore: None,
            enforce_checksum: true,
            max_items: 1000,
            tolerances: Tolerances::default(),
        }
    }

    pub fn context(&self) -> Context<'_> {
        Context {
            caller_gstin: &self.caller,
            today: self.today,
            seller: self.seller.as_ref(),
            buyer: self.buyer.as_ref(),
            ecom: self.ecom.as_ref(),
            gstin_master: self.gstin_master,
            aato_crore: self.aato_crore,
            enforce_checksum: self.enforce_checksum,
            max_items: self.max_items,
            tolerances: self.tolerances,
        }
    }

    /// Runs [`validate`], and checks that each rule only raises the codes the catalogue lists for it, with
    /// a pointer matching its field pattern's block, and that `validate` returns exactly the rules'
    /// findings in catalogue order. Returns every finding.
    pub fn run(&self, inv: &Invoice) -> Vec<Finding> {
        let ctx = self.context();
        let mut by_rule = Vec::new();
        for rule in RULES.iter().filter(|r| r.applies(&ctx)) {
            let mut hits = Vec::new();
            (rule.check)(inv, &ctx, &mut hits);
            for h in hits {
                assert!(
                    rule.codes.contains(&h.code),
                    "rule {} raised unlisted code {}",
                    rule.name,
                    h.code
                );
                assert!(
                    !h.message.is_empty() && !h.message.contains("{0}"),
                    "unfilled message {h:?}"
                );
                assert!(h.pointer.starts_with('/'), "pointer {h:?}");
                by_rule.push(Finding {
                    rule: rule.name,
                    code: h.code,
                    message: h.message,
                    pointer: h.pointer,
                    severity: rule.severity,
                });
            }
        }
        let all = validate(inv, &ctx);
        assert_eq!(all, by_rule);
        all
    }
}

/// Error findings for `v` with the default setup.
pub fn errors(v: &Value) -> Vec<Finding> {
    errors_with(v, |_| {})
}

/// Error findings for `v` after `tweak` changes the default setup.
pub fn errors_with(v: &Value, tweak: impl FnOnce(&mut Setup)) -> Vec<Finding> {
    findings_with(v, tweak)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}

/// Every finding (errors and warnings) for `v` after `tweak`.
pub fn findings_with(v: &Value, tweak: impl FnOnce(&mut Setup)) -> Vec<Finding> {
    let inv = parse(v);
    let mut setup = Setup::for_invoice(&inv);
    tweak(&mut setup);
    setup.run(&inv)
}

/// Every finding for `v` with the default setup.
pub fn findings(v: &Value) -> Vec<Finding> {
    findings_with(v, |_| {})
}

/// Warning findings for `v` with the default setup.
pub fn warnings(v: &Value) -> Vec<Finding> {
    findings(v)
        .into_iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect()
}

/// Just the error codes.
pub fn codes(v: &Value) -> Vec<&'static str> {
    errors(v).into_iter().map(|e| e.code).collect()
}

pub fn codes_with(v: &Value, tweak: impl FnOnce(&mut Setup)) -> Vec<&'static str> {
    errors_with(v, tweak).into_iter().map(|e| e.code).collect()
}

// ---- building invoices ------------------------------------------------------------------------------

fn num(v: &Value) -> Decimal {
    match v {
        Value::Null => Decimal::ZERO,
        other => Decimal::from_str(&other.to_string()).unwrap(),
    }
}

pub fn json_num(d: Decimal) -> Value {
    serde_json::from_str(&d.normalize().to_string()).unwrap()
}

fn pct(base: Decimal, rate: Decimal) -> Decimal {
    (base * rate / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Which tax heads an item built by [`goods`] carries.
#[derive(Clone, Copy)]
pub enum Head {
    Igst,
    CgstSgst,
    None,
}

/// A goods item (1 NOS at `ass`) with its tax computed for `head`; `TotItemVal` is filled by [`balance`].
pub fn goods(sl: &str, hsn: &str, ass: &str, rate: &str, head: Head) -> Value {
    let (a, r) = (dec(ass), dec(rate));
    let mut item = json!({
        "SlNo": sl, "IsServc": "N", "HsnCd": hsn, "Qty": 1, "Unit": "NOS",
        "UnitPrice": json_num(a), "TotAmt": json_num(a), "AssAmt": json_num(a), "GstRt": json_num(r),
        "TotItemVal": 0
    });
    match head {
        Head::Igst => item["IgstAmt"] = json_num(pct(a, r)),
        Head::CgstSgst => {
            let half = pct(a, r / Decimal::TWO);
            item["CgstAmt"] = json_num(half);
            item["SgstAmt"] = json_num(half);
        }
        Head::None => {}
    }
    item
}

const ITEM_PARTS: &[&str] = &[
    "AssAmt",
    "CgstAmt",
    "SgstAmt",
    "IgstAmt",
    "CesAmt",
    "CesNonAdvlAmt",
    "StateCesAmt",
    "StateCesNonAdvlAmt",
    "OthChrg",
];

/// Sets every item's `TotItemVal` to the sum of its parts.
pub fn fill_item_totals(v: &mut Value) {
    for item in v["ItemList"].as_array_mut().unwrap() {
        let total: Decimal = ITEM_PARTS.iter().map(|k| num(&item[*k])).sum();
        item["TotItemVal"] = json_num(total);
    }
}

/// Sets `ValDtls` sums from the items, keeping its `Discount`, `OthChrg` and `RndOffAmt`.
pub fn fill_doc_totals(v: &mut Value) {
    let items = v["ItemList"].as_array().unwrap().clone();
    let sum = |keys: &[&str]| -> Decimal {
        items
            .iter()
            .flat_map(|i| keys.iter().map(|k| num(&i[*k])))
            .sum()
    };
    let (ass, cgst, sgst, igst) = (
        sum(&["AssAmt"]),
        sum(&["CgstAmt"]),
        sum(&["SgstAmt"]),
        sum(&["IgstAmt"]),
    );
    let ces = sum(&["CesAmt", "CesNonAdvlAmt"]);
    let st_ces = sum(&["StateCesAmt", "StateCesNonAdvlAmt"]);
    let items_total = sum(&["TotItemVal"]);
    let val = &mut v["ValDtls"];
    let total = items_total + num(&val["OthChrg"]) - num(&val["Discount"]) + num(&val["RndOffAmt"]);
    val["AssVal"] = json_num(ass);
    val["CgstVal"] = json_num(cgst);
    val["SgstVal"] = json_num(sgst);
    val["IgstVal"] = json_num(igst);
    val["CesVal"] = json_num(ces);
    val["StCesVal"] = json_num(st_ces);
    val["TotInvVal"] = json_num(total);
}

/// Makes the item and document totals consistent with the items' parts.
pub fn balance(v: &mut Value) {
    fill_item_totals(v);
    fill_doc_totals(v);
}

/// A schema-valid invoice skeleton: `seller` in `seller_st` sells to `buyer` in `buyer_st` with place of
/// supply `pos`, dated 10/11/2025, with `items`; totals are balanced.
pub fn invoice(
    sup_typ: &str,
    seller: &str,
    seller_st: &str,
    buyer: &str,
    buyer_st: &str,
    pos: &str,
    items: Vec<Value>,
) -> Value {
    let mut v = json!({
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": sup_typ, "RegRev": "N", "IgstOnIntra": "N"},
        "DocDtls": {"Typ": "INV", "No": "TEST/001", "Dt": "10/11/2025"},
        "SellerDtls": {"Gstin": seller, "LglNm": "Seller Pvt Ltd", "Addr1": "12 Main Road", "Loc": "Seller City",
                       "Pin": 560001, "Stcd": seller_st},
        "BuyerDtls": {"Gstin": buyer, "LglNm": "Buyer Pvt Ltd", "Pos": pos, "Addr1": "7 Market Street",
                      "Loc": "Buyer City", "Pin": 400001, "Stcd": buyer_st},
        "ItemList": items,
        "ValDtls": {"AssVal": 0, "TotInvVal": 0}
    });
    let pin = |st: &str| {
        openirp_model::states::parse_state_code(st)
            .and_then(openirp_model::states::sample_pin)
            .map(|p| json!(p))
    };
    if let Some(p) = pin(seller_st) {
        v["SellerDtls"]["Pin"] = p;
    }
    if let Some(p) = pin(buyer_st) {
        v["BuyerDtls"]["Pin"] = p;
    }
    balance(&mut v);
    v
}

/// Inter-state B2B: Karnataka → Maharashtra, one item of 1000 at 18 % IGST.
pub fn b2b_inter() -> Value {
    invoice(
        "B2B",
        SELLER_29,
        "29",
        BUYER_27,
        "27",
        "27",
        vec![goods("1", "84713010", "1000", "18", Head::Igst)],
    )
}

/// Intra-state B2B within Karnataka chargeable to IGST (`IgstOnIntra` = Y), one item of 1000 at 18 % IGST.
pub fn b2b_igst_on_intra() -> Value {
    let mut v = invoice(
        "B2B",
        SELLER_29,
        "29",
        &buyer_29(),
        "29",
        "29",
        vec![goods("1", "84713010", "1000", "18", Head::Igst)],
    );
    v["TranDtls"]["IgstOnIntra"] = json!("Y");
    v
}

/// Intra-state B2B within Karnataka, one item of 1000 at 18 % CGST + SGST.
pub fn b2b_intra() -> Value {
    invoice(
        "B2B",
        SELLER_29,
        "29",
        &buyer_29(),
        "29",
        "29",
        vec![goods("1", "84713010", "1000", "18", Head::CgstSgst)],
    )
}

/// Export without payment: buyer URP, POS and state 96, rate 0.
pub fn export_wop() -> Value {
    let mut v = invoice(
        "EXPWOP",
        SELLER_29,
        "29",
        "URP",
        "96",
        "96",
        vec![goods("1", "84713010", "1000", "0", Head::None)],
    );
    v["BuyerDtls"]["Pin"] = json!(999999);
    v["ExpDtls"] = export_details();
    v
}

/// Export details every export base invoice carries.
pub fn export_details() -> Value {
    json!({"ShipBNo": "SB-1", "ShipBDt": "10/11/2025", "Port": "INNSA1", "RefClm": "N", "ForCur": "USD",
           "CntCode": "US"})
}

/// Export with payment of IGST.
pub fn export_wp() -> Value {
    let mut v = invoice(
        "EXPWP",
        SELLER_29,
        "29",
        "URP",
        "96",
        "96",
        vec![goods("1", "84713010", "1000", "18", Head::Igst)],
    );
    v["BuyerDtls"]["Pin"] = json!(999999);
    v["ExpDtls"] = export_details();
    v
}

/// Supply to an SEZ in the supplier's own state, with IGST.
pub fn sez_wp() -> Value {
    invoice(
        "SEZWP",
        SELLER_29,
        "29",
        &sez_29(),
        "29",
        "29",
        vec![goods("1", "84713010", "1000", "18", Head::Igst)],
    )
}

/// NIC's documented sample invoice (reference §5.19 / §14.3), dated inside the e-invoice era.
pub fn nic_sample() -> Value {
    serde_json::from_str(NIC_SAMPLE).unwrap()
}

/// NIC's sample payload as text, so its number lexemes (`12.0`, `12897.7`) stay as written.
const NIC_SAMPLE: &str = r#"{
  "Version": "1.1",
  "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "Y", "EcmGstin": null, "IgstOnIntra": "N"},
  "DocDtls": {"Typ": "INV", "No": "DOC/001", "Dt": "10/11/2025"},
  "SellerDtls": {"Gstin": "37ARZPT4384Q1MT", "LglNm": "NIC company pvt ltd", "TrdNm": "NIC Industries",
                 "Addr1": "5th block, kuvempu layout", "Addr2": "kuvempu layout", "Loc": "GANDHINAGAR",
                 "Pin": 518001, "Stcd": "37", "Ph": "9000000000", "Em": "abc@gmail.com"},
  "BuyerDtls": {"Gstin": "29AWGPV7107B1Z1", "LglNm": "XYZ company pvt ltd", "TrdNm": "XYZ Industries",
                "Pos": "12", "Addr1": "7th block, kuvempu layout", "Addr2": "kuvempu layout",
                "Loc": "GANDHINAGAR", "Pin": 562160, "Stcd": "29", "Ph": "91111111111", "Em": "xyz@yahoo.com"},
  "DispDtls": {"Nm": "ABC company pvt ltd", "Addr1": "7th block, kuvempu layout", "Addr2": "kuvempu layout",
               "Loc": "Banagalore", "Pin": 562160, "Stcd": "29"},
  "ShipDtls": {"Gstin": "29AWGPV7107B1Z1", "LglNm": "CBE company pvt ltd", "TrdNm": "kuvempu layout",
               "Addr1": "7th block, kuvempu layout", "Addr2": "kuvempu layout", "Loc": "Banagalore",
               "Pin": 562160, "Stcd": "29"},
  "ItemList": [{
    "SlNo": "1", "PrdDesc": "Rice", "IsServc": "N", "HsnCd": "1001", "Barcde": "123456",
    "Qty": 100.345, "FreeQty": 10, "Unit": "BAG", "UnitPrice": 99.545, "TotAmt": 9988.84,
    "Discount": 10, "PreTaxVal": 1, "AssAmt": 9978.84, "GstRt": 12.0, "IgstAmt": 1197.46,
    "CgstAmt": 0, "SgstAmt": 0, "CesRt": 5, "CesAmt": 498.94, "CesNonAdvlAmt": 10,
    "StateCesRt": 12, "StateCesAmt": 1197.46, "StateCesNonAdvlAmt": 5, "OthChrg": 10,
    "TotItemVal": 12897.7, "OrdLineRef": "3256", "OrgCntry": "AG", "PrdSlNo": "12345",
    "BchDtls": {"Nm": "123456", "ExpDt": "01/08/2020", "WrDt": "01/09/2020"},
    "AttribDtls": [{"Nm": "Rice", "Val": "10000"}]
  }],
  "ValDtls": {"AssVal": 9978.84, "CgstVal": 0, "SgstVal": 0, "IgstVal": 1197.46, "CesVal": 508.94,
              "StCesVal": 1202.46, "Discount": 10, "OthChrg": 20, "RndOffAmt": 0.3, "TotInvVal": 12908,
              "TotInvValFc": 12897.7},
  "PayDtls": {"Nm": "ABCDE", "AccDet": "5697389713210", "Mode": "Cash", "FinInsBr": "SBIN11000",
              "PayTerm": "100", "PayInstr": "Gift", "CrTrn": "test", "DirDr": "test", "CrDay": 100,
              "PaidAmt": 10000, "PaymtDue": 5000},
  "RefDtls": {"InvRm": "TEST",
              "DocPerdDtls": {"InvStDt": "01/10/2025", "InvEndDt": "31/10/2025"},
              "PrecDocDtls": [{"InvNo": "DOC/002", "InvDt": "01/10/2025", "OthRefNo": "123456"}],
              "ContrDtls": [{"RecAdvRefr": "Doc/003", "RecAdvDt": "01/10/2025", "TendRefr": "Abc001",
                             "ContrRefr": "Co123", "ExtRefr": "Yo456", "ProjRefr": "Doc-456",
                             "PORefr": "Doc-789", "PORefDt": "01/10/2025"}]},
  "AddlDocDtls": [{"Url": "https://einv-apisandbox.nic.in", "Docs": "Test Doc", "Info": "Document Test"}],
  "ExpDtls": {"ShipBNo": "A-248", "ShipBDt": "01/10/2025", "Port": "INABG1", "RefClm": "N",
              "ForCur": "AED", "CntCode": "AE"}
}"#;

/// The intra-state credit note of reference §14.4: two items of 7.60 at 12 %, CGST/SGST rounded per item.
pub fn credit_note_14_4() -> Value {
    let buyer = buyer_29();
    json!({
        "Version": "1.1",
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N", "IgstOnIntra": "N"},
        "DocDtls": {"Typ": "CRN", "No": "CN-0001", "Dt": "10/11/2025"},
        "SellerDtls": {"Gstin": SELLER_29, "LglNm": "Seller Pvt Ltd", "Addr1": "12 Main Road", "Loc": "Bengaluru",
                       "Pin": 560001, "Stcd": "29"},
        "BuyerDtls": {"Gstin": buyer, "LglNm": "Buyer Pvt Ltd", "Pos": "29", "Addr1": "7 Market Street",
                      "Loc": "Mysuru", "Pin": 570001, "Stcd": "29"},
        "ItemList": [
            {"SlNo": "1", "IsServc": "N", "HsnCd": "61149090", "Qty": 1, "Unit": "NOS", "UnitPrice": 7.6,
             "TotAmt": 7.6, "AssAmt": 7.6, "GstRt": 12, "CgstAmt": 0.46, "SgstAmt": 0.46, "TotItemVal": 8.52},
            {"SlNo": "2", "IsServc": "N", "HsnCd": "61149090", "Qty": 1, "Unit": "NOS", "UnitPrice": 7.6,
             "TotAmt": 7.6, "AssAmt": 7.6, "GstRt": 12, "CgstAmt": 0.45, "SgstAmt": 0.45, "TotItemVal": 8.50}
        ],
        "ValDtls": {"AssVal": 15.2, "CgstVal": 0.91, "SgstVal": 0.91, "IgstVal": 0, "RndOffAmt": -0.02,
                    "TotInvVal": 17.0},
        "RefDtls": {"PrecDocDtls": [{"InvNo": "SINV-0001", "InvDt": "01/11/2025"}]}
    })
}
