//! Property tests: invoices generated with consistent arithmetic (random goods and services, rates from
//! the master, intra- and inter-state, amounts rounded half away from zero) always pass; moving any one
//! computed amount by more than the tolerance is caught, at that amount's pointer.

mod support;

use openirp_model::masters::{gst_rates, is_gst_rate_on};
use openirp_rules::Severity;
use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use support::*;

#[derive(Debug, Clone)]
struct ItemSpec {
    service: bool,
    hsn: usize,
    qty_milli: i64,
    price_milli: i64,
    discount_pct: i64,
    rate: usize,
    cess: usize,
    state_cess: usize,
    non_advl_cents: i64,
    oth_cents: i64,
}

#[derive(Debug, Clone)]
struct Spec {
    intra: bool,
    items: Vec<ItemSpec>,
    doc_oth_cents: i64,
}

const GOODS_HSN: &[&str] = &["84713010", "1001", "61149090", "3004", "870323", "940360"];
const SERVICE_HSN: &[&str] = &["998314", "9983", "996511", "997212"];
const CESS_RATES: &[&str] = &["0", "1", "5", "12", "15"];

fn item_spec() -> impl Strategy<Value = ItemSpec> {
    (
        any::<bool>(),
        0usize..6,
        1i64..=10_000_000,
        0i64..=10_000_000,
        0i64..=50,
        any::<Index>(),
        (0usize..5, 0usize..5),
        (0i64..=2_000, 0i64..=5_000),
    )
        .prop_map(
            |(service, hsn, qty_milli, price_milli, discount_pct, rate, cesses, extras)| ItemSpec {
                service,
                hsn,
                qty_milli,
                price_milli,
                discount_pct,
                rate: rate.index(usize::MAX),
                cess: cesses.0,
                state_cess: cesses.1,
                non_advl_cents: extras.0,
                oth_cents: extras.1,
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<bool>(),
        prop::collection::vec(item_spec(), 1..=5),
        0i64..=10_000,
    )
        .prop_map(|(intra, items, doc_oth_cents)| Spec {
            intra,
            items,
            doc_oth_cents,
        })
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn pct(base: Decimal, rate: Decimal) -> Decimal {
    round2(base * rate / Decimal::ONE_HUNDRED)
}

/// The invoice `spec` describes, every amount computed from its inputs.
fn build(spec: &Spec) -> Value {
    let doc_date = date(10, 11, 2025);
    let rates: Vec<Decimal> = gst_rates()
        .iter()
        .map(|r| r.rate)
        .filter(|r| is_gst_rate_on(*r, doc_date))
        .collect();
    let items: Vec<Value> = spec
        .items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let qty = Decimal::new(s.qty_milli, 3);
            let price = Decimal::new(s.price_milli, 3);
            let tot = round2(qty * price);
            let discount = pct(tot, Decimal::from(s.discount_pct));
            let ass = tot - discount;
            let rate = rates[s.rate % rates.len()];
            let cess_rt = dec(CESS_RATES[s.cess]);
            let st_cess_rt = dec(CESS_RATES[s.state_cess]);
            let hsn = if s.service {
                SERVICE_HSN[s.hsn % SERVICE_HSN.len()]
            } else {
                GOODS_HSN[s.hsn % GOODS_HSN.len()]
            };
            let mut item = json!({
                "SlNo": (i + 1).to_string(), "IsServc": if s.service { "Y" } else { "N" }, "HsnCd": hsn,
                "Qty": json_num(qty), "Unit": "NOS", "UnitPrice": json_num(price), "TotAmt": json_num(tot),
                "Discount": json_num(discount), "AssAmt": json_num(ass), "GstRt": json_num(rate),
                "CesRt": json_num(cess_rt), "CesAmt": json_num(pct(ass, cess_rt)),
                "CesNonAdvlAmt": json_num(Decimal::new(s.non_advl_cents, 2)),
                "StateCesRt": json_num(st_cess_rt), "StateCesAmt": json_num(pct(ass, st_cess_rt)),
                "OthChrg": json_num(Decimal::new(s.oth_cents, 2)), "TotItemVal": 0
            });
            if spec.intra {
                let half = pct(ass, rate / Decimal::TWO);
                item["CgstAmt"] = json_num(half);
                item["SgstAmt"] = json_num(half);
            } else {
                item["IgstAmt"] = json_num(pct(ass, rate));
            }
            item
        })
        .collect();
    let mut v = if spec.intra {
        invoice("B2B", SELLER_29, "29", &buyer_29(), "29", "29", items)
    } else {
        invoice("B2B", SELLER_29, "29", BUYER_27, "27", "27", items)
    };
    v["ValDtls"]["OthChrg"] = json_num(Decimal::new(spec.doc_oth_cents, 2));
    balance(&mut v);
    // Round the invoice value to the rupee, as invoices do, and say so in RndOffAmt.
    let total = dec(&v["ValDtls"]["TotInvVal"].to_string());
    let rounded = total.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    v["ValDtls"]["RndOffAmt"] = json_num(rounded - total);
    v["ValDtls"]["TotInvVal"] = json_num(rounded);
    v
}

/// Every computed amount of the invoice, as JSON pointers.
fn computed_amounts(spec: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..spec.items.len() {
        let heads: &[&str] = if spec.intra {
            &["CgstAmt", "SgstAmt"]
        } else {
            &["IgstAmt"]
        };
        for f in ["AssAmt", "CesAmt", "StateCesAmt", "TotItemVal"]
            .iter()
            .chain(heads)
        {
            out.push(format!("/ItemList/{i}/{f}"));
        }
    }
    let heads: &[&str] = if spec.intra {
        &["CgstVal", "SgstVal"]
    } else {
        &["IgstVal"]
    };
    for f in ["AssVal", "CesVal", "StCesVal", "TotInvVal"]
        .iter()
        .chain(heads)
    {
        out.push(format!("/ValDtls/{f}"));
    }
    out
}

fn value_at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer).expect("pointer exists")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn consistent_invoices_pass(spec in spec()) {
        let v = build(&spec);
        let found = findings(&v);
        prop_assert!(found.is_empty(), "{found:#?}\n{v}");
    }

    #[test]
    fn one_amount_moved_beyond_the_tolerance_is_caught_at_its_pointer(
        spec in spec(),
        target in any::<Index>(),
        delta_cents in 101i64..=10_000_000,
        down in any::<bool>(),
    ) {
        let mut v = build(&spec);
        let targets = computed_amounts(&spec);
        let pointer = &targets[target.index(targets.len())];
        let field = value_at(&mut v, pointer);
        let given = if field.is_null() { Decimal::ZERO } else { dec(&field.to_string()) };
        let delta = Decimal::new(delta_cents, 2);
        // Down when the amount stays non-negative (the schema's minimum), up otherwise.
        *field = json_num(if down && given >= delta { given - delta } else { given + delta });
        let found = findings(&v);
        let errors: Vec<_> = found.iter().filter(|f| f.severity == Severity::Error).collect();
        prop_assert!(!errors.is_empty(), "{pointer} moved by {delta_cents} cents: nothing found");
        prop_assert!(
            errors.iter().any(|f| &f.pointer == pointer),
            "{pointer} moved by {delta_cents} cents: {errors:#?}"
        );
    }
}
