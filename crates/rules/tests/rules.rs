//! Behaviour of the rule catalogue on whole invoices: the documented NIC examples pass, and every code
//! the catalogue raises is produced, alone, by an invoice that breaks just that rule.

mod support;

use openirp_model::gstin::make_gstin;
use openirp_rules::{Context, DEFAULT_MAX_ITEMS, GstinStatus, RULES, Tolerances, validate};
use serde_json::{Value, json};
use std::collections::HashSet;
use support::*;

fn only(code: &str, v: &Value) {
    assert_eq!(codes(v), vec![code], "{:#?}", errors(v));
}

// ---- the documented examples ---------------------------------------------------------------------------

#[test]
fn nic_sample_invoice_passes() {
    assert_eq!(errors(&nic_sample()), vec![]);
    let mut v = nic_sample();
    v["TranDtls"]["RegRev"] = json!("N");
    assert_eq!(errors(&v), vec![]);
}

#[test]
fn nic_sample_gstins_pass_only_because_their_records_are_exempt() {
    let v = nic_sample();
    let errs = errors_with(&v, |s| {
        s.seller.as_mut().unwrap().checksum_exempt = false;
        s.buyer.as_mut().unwrap().checksum_exempt = false;
    });
    let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.code, e.message.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("3028", "GSTIN - 37ARZPT4384Q1MT is invalid"),
            ("3028", "GSTIN - 29AWGPV7107B1Z1 is invalid")
        ]
    );
    // With checksum enforcement off (a sandbox switch) the exemption does not matter.
    let errs = errors_with(&v, |s| {
        s.seller.as_mut().unwrap().checksum_exempt = false;
        s.buyer.as_mut().unwrap().checksum_exempt = false;
        s.enforce_checksum = false;
    });
    assert_eq!(errs, vec![]);
}

#[test]
fn intra_state_credit_note_of_14_4_passes() {
    assert_eq!(errors(&credit_note_14_4()), vec![]);
}

#[test]
fn per_item_rounding_of_14_4_passes_on_an_invoice_within_the_tolerance() {
    let mut v = credit_note_14_4();
    v["DocDtls"]["Typ"] = json!("INV");
    v.as_object_mut().unwrap().remove("RefDtls");
    assert_eq!(errors(&v), vec![]);
    // With no tolerance the second item's 0.45 (exact 0.456 → 0.46) is wrong.
    let errs = errors_with(&v, |s| {
        s.tolerances = Tolerances {
            item: dec("0"),
            total: dec("0"),
        }
    });
    let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.code, e.message.as_str())).collect();
    assert_eq!(
        got,
        vec![("2234", "Invalid SGST and CGST Amounts for HSN - 61149090.")]
    );
}

#[test]
fn the_base_invoices_of_these_tests_pass() {
    for (name, v) in [
        ("b2b_inter", b2b_inter()),
        ("b2b_intra", b2b_intra()),
        ("export_wop", export_wop()),
        ("export_wp", export_wp()),
        ("sez_wp", sez_wp()),
    ] {
        assert_eq!(errors(&v), vec![], "{name}");
    }
}

#[test]
fn several_errors_come_back_together_in_catalogue_order() {
    let mut v = b2b_inter();
    v["ValDtls"]["AssVal"] = json!(900);
    v["ValDtls"]["TotInvVal"] = json!(1000);
    assert_eq!(codes(&v), vec!["2182", "2189"]);

    let mut v = b2b_intra();
    v["DocDtls"]["Dt"] = json!("16/11/2025");
    v["ItemList"][0]["Unit"] = json!("XYZ");
    v["ItemList"][0]["IgstAmt"] = json!(5);
    // IGST 5 is neither in the item total (2194) nor in IgstVal (2185).
    assert_eq!(codes(&v), vec!["2163", "2172", "2177", "2194", "2185"]);
}

#[test]
fn the_catalogue_names_are_unique_and_every_rule_has_a_code() {
    let mut names = HashSet::new();
    for rule in RULES {
        assert!(names.insert(rule.name), "{} twice", rule.name);
        assert!(!rule.codes.is_empty(), "{}", rule.name);
    }
}

#[test]
fn context_new_has_the_documented_defaults() {
    let ctx = Context::new(SELLER_29, today());
    assert!(ctx.enforce_checksum);
    assert_eq!(ctx.max_items, DEFAULT_MAX_ITEMS);
    assert_eq!(DEFAULT_MAX_ITEMS, 1000);
    assert_eq!(
        ctx.tolerances,
        Tolerances {
            item: dec("1.00"),
            total: dec("1.00")
        }
    );
    let inv = parse(&b2b_inter());
    let codes: Vec<&str> = validate(&inv, &ctx).into_iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        vec!["3028", "3028"],
        "neither party is known without master records"
    );
    let (seller, buyer) = (master(SELLER_29).unwrap(), master(BUYER_27).unwrap());
    let ctx = Context {
        seller: Some(&seller),
        buyer: Some(&buyer),
        ..Context::new(SELLER_29, today())
    };
    assert_eq!(validate(&inv, &ctx), vec![]);
}

// ---- document ------------------------------------------------------------------------------------------

#[test]
fn document_date_today_passes_and_tomorrow_fails() {
    let mut v = b2b_inter();
    v["DocDtls"]["Dt"] = json!("15/11/2025");
    assert_eq!(errors(&v), vec![]);
    v["DocDtls"]["Dt"] = json!("16/11/2025");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2163", "The document date should not be future date")
    );
}

#[test]
fn document_date_before_the_e_invoice_start_fails() {
    let mut v = b2b_inter();
    v["DocDtls"]["Dt"] = json!("01/10/2020");
    assert_eq!(errors(&v), vec![]);
    v["DocDtls"]["Dt"] = json!("30/09/2020");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].code, "2163");
    assert!(
        errs[0].message.contains("01/10/2020"),
        "{}",
        errs[0].message
    );
}

#[test]
fn notes_need_the_original_invoice_and_invoices_may_carry_it() {
    let mut v = b2b_inter();
    v["DocDtls"]["Typ"] = json!("CRN");
    only("2191", &v);
    v["DocDtls"]["Typ"] = json!("dbn");
    only("2191", &v);
    v["RefDtls"] = json!({"PrecDocDtls": [{"InvNo": "INV/7", "InvDt": "01/11/2025"}]});
    assert_eq!(errors(&v), vec![]);
    v["DocDtls"]["Typ"] = json!("INV");
    assert_eq!(errors(&v), vec![], "2210 is not raised");
}

#[test]
fn item_list_cannot_be_empty() {
    let mut v = b2b_inter();
    v["ItemList"] = json!([]);
    balance(&mut v);
    only("2228", &v);
}

#[test]
fn item_count_is_limited() {
    let items = (1..=3)
        .map(|i| goods(&i.to_string(), "84713010", "100", "18", Head::Igst))
        .collect();
    let v = invoice("B2B", SELLER_29, "29", BUYER_27, "27", "27", items);
    assert_eq!(codes_with(&v, |s| s.max_items = 3), Vec::<&str>::new());
    assert_eq!(codes_with(&v, |s| s.max_items = 2), vec!["2173"]);
}

#[test]
fn item_serial_numbers_are_unique() {
    let items = vec![
        goods("1", "84713010", "100", "18", Head::Igst),
        goods("1", "84713010", "200", "18", Head::Igst),
    ];
    let v = invoice("B2B", SELLER_29, "29", BUYER_27, "27", "27", items);
    only("2233", &v);
}

// ---- parties -------------------------------------------------------------------------------------------

#[test]
fn only_the_supplier_or_its_e_commerce_operator_may_generate() {
    let v = b2b_inter();
    assert_eq!(
        codes_with(&v, |s| s.caller = BUYER_27.to_string()),
        vec!["2169"]
    );
    let errs = errors_with(&v, |s| s.caller = ecom_07());
    assert_eq!(
        errs[0].message,
        "Either supplier GSTIN or e-Commerce GSTIN can generate IRN."
    );

    let mut v = b2b_inter();
    v["TranDtls"]["EcmGstin"] = json!(ecom_07());
    assert_eq!(codes_with(&v, |s| s.caller = ecom_07()), Vec::<&str>::new());
    assert_eq!(
        codes(&v),
        Vec::<&str>::new(),
        "the supplier itself still may"
    );
    assert_eq!(
        codes_with(&v, |s| s.caller = BUYER_27.to_string()),
        vec!["2169"]
    );
}

#[test]
fn unknown_gstins_are_invalid() {
    let v = b2b_inter();
    let errs = errors_with(&v, |s| s.seller = None);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("3028", "GSTIN - 29AAGCB7383J1Z4 is invalid")
    );
    let errs = errors_with(&v, |s| s.buyer = None);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("3028", "GSTIN - 27AAPFU0939F1ZV is invalid")
    );
    // An export's URP buyer has no record and needs none.
    assert_eq!(codes(&export_wop()), Vec::<&str>::new());
}

#[test]
fn gstin_checksums_are_enforced_unless_exempt_or_switched_off() {
    let bad_seller = "29AAGCB7383J1Z5";
    let mut v = b2b_inter();
    v["SellerDtls"]["Gstin"] = json!(bad_seller);
    let known = |s: &mut Setup| s.seller = Some(active(bad_seller, "REG"));
    assert_eq!(codes_with(&v, known), vec!["3028"]);
    assert_eq!(
        codes_with(&v, |s| {
            known(s);
            s.enforce_checksum = false;
        }),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes_with(&v, |s| {
            known(s);
            s.seller.as_mut().unwrap().checksum_exempt = true;
        }),
        Vec::<&str>::new()
    );

    let bad_buyer = "27AAPFU0939F1ZW";
    let mut v = b2b_inter();
    v["BuyerDtls"]["Gstin"] = json!(bad_buyer);
    let errs = errors_with(&v, |s| s.buyer = Some(active(bad_buyer, "REG")));
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("3028", "GSTIN - 27AAPFU0939F1ZW is invalid")
    );
}

fn record(
    status: &str,
    reg: Option<(u32, u32, i32)>,
    dreg: Option<(u32, u32, i32)>,
) -> GstinStatus {
    GstinStatus {
        gstin: String::new(),
        status: status.to_string(),
        txp_type: "REG".to_string(),
        dt_reg: reg.map(|(d, m, y)| date(d, m, y)),
        dt_dreg: dreg.map(|(d, m, y)| date(d, m, y)),
        checksum_exempt: false,
        aato_crore: None,
    }
}

#[test]
fn registration_status_matrix() {
    // The document is dated 10/11/2025.
    let before = Some((1, 12, 2025));
    let long_ago = Some((1, 7, 2017));
    let on_doc_date = Some((10, 11, 2025));
    let earlier = Some((1, 1, 2025));
    let cases: Vec<(GstinStatus, Option<&str>)> = vec![
        (record("ACT", long_ago, None), None),
        (record("ACT", on_doc_date, None), None),
        (record("ACT", None, None), None),
        (record("ACT", before, None), Some("3079")),
        (record("SUS", long_ago, None), None),
        (record("SUS", before, None), Some("3079")),
        (record("PRO", long_ago, None), None),
        (record("PRO", before, None), Some("3079")),
        (record("INA", long_ago, None), Some("3076")),
        (record("XYZ", long_ago, None), Some("3076")),
        (record("CNL", long_ago, before), None),
        (record("CNL", long_ago, on_doc_date), None),
        (record("CNL", long_ago, earlier), Some("3074")),
        (record("CNL", long_ago, None), Some("3075")),
        (record("CNL", before, Some((1, 1, 2026))), Some("3077")),
        (record("CNL", None, before), Some("3078")),
        (record("CNL", None, None), Some("3078")),
    ];
    let v = b2b_inter();
    for (rec, expected) in cases {
        let want: Vec<&str> = expected.into_iter().collect();
        let seller = GstinStatus {
            gstin: SELLER_29.to_string(),
            ..rec.clone()
        };
        assert_eq!(
            codes_with(&v, |s| s.seller = Some(seller)),
            want,
            "seller {rec:?}"
        );
        let buyer = GstinStatus {
            gstin: BUYER_27.to_string(),
            ..rec.clone()
        };
        assert_eq!(
            codes_with(&v, |s| s.buyer = Some(buyer)),
            want,
            "buyer {rec:?}"
        );
    }
}

#[test]
fn registration_status_messages_name_the_gstin_and_date() {
    let v = b2b_inter();
    let msg = |rec: GstinStatus| errors_with(&v, |s| s.buyer = Some(rec)).remove(0).message;
    assert_eq!(
        msg(record("CNL", Some((1, 7, 2017)), Some((1, 1, 2025)))),
        "GSTIN - 27AAPFU0939F1ZV is cancelled and document date - 10/11/2025 is later than de-registration date"
    );
    assert_eq!(
        msg(record("CNL", Some((1, 7, 2017)), None)),
        "GSTIN- 27AAPFU0939F1ZV is cancelled and de-registration date is not available"
    );
    assert_eq!(
        msg(record("INA", None, None)),
        "GSTIN - 27AAPFU0939F1ZV is inactive"
    );
    assert_eq!(
        msg(record("CNL", Some((1, 12, 2025)), Some((1, 1, 2026)))),
        "GSTIN - 27AAPFU0939F1ZV is cancelled and document date - 10/11/2025 is earlier than registration date"
    );
    assert_eq!(
        msg(record("CNL", None, None)),
        "GSTIN- 27AAPFU0939F1ZV is cancelled and registration date is not available"
    );
    assert_eq!(
        msg(record("ACT", Some((1, 12, 2025)), None)),
        "For active GSTINs the document date should not be earlier than registration date"
    );
}

#[test]
fn supplier_and_recipient_differ() {
    let mut v = b2b_intra();
    v["BuyerDtls"]["Gstin"] = json!(SELLER_29);
    only("2211", &v);
}

#[test]
fn supplier_state_matches_its_gstin() {
    let mut v = b2b_inter();
    v["SellerDtls"]["Stcd"] = json!("28");
    v["SellerDtls"]["Pin"] = json!(520001);
    only("2258", &v);
}

#[test]
fn supplier_state_is_a_domestic_state() {
    for st in [97u8, 99] {
        let seller = make_gstin(st, "AAGCB7383J", 1).unwrap();
        let v = invoice(
            "B2B",
            &seller,
            &st.to_string(),
            BUYER_27,
            "27",
            "27",
            vec![goods("1", "8471", "100", "18", Head::Igst)],
        );
        let codes = codes_with(&v, |s| s.seller = Some(active(&seller, "REG")));
        assert_eq!(codes, vec!["2259"], "state {st}");
    }
}

#[test]
fn recipient_state_is_in_the_master_and_96_only_for_exports() {
    let buyer = make_gstin(99, "AAPFU0939F", 1).unwrap();
    let v = invoice(
        "B2B",
        SELLER_29,
        "29",
        &buyer,
        "99",
        "27",
        vec![goods("1", "8471", "100", "18", Head::Igst)],
    );
    assert_eq!(
        codes_with(&v, |s| s.buyer = Some(active(&buyer, "REG"))),
        vec!["2260"]
    );

    let mut v = b2b_inter();
    v["BuyerDtls"]["Stcd"] = json!("96");
    assert_eq!(codes(&v), vec!["2260", "2265"]);
}

#[test]
fn recipient_state_matches_its_gstin_except_for_exports() {
    let mut v = b2b_inter();
    v["BuyerDtls"]["Stcd"] = json!("24");
    v["BuyerDtls"]["Pin"] = json!(380001);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2265",
            "Recipient GSTIN state code should be same as the sate code passed in recipient details"
        )
    );
}

#[test]
fn dispatch_and_ship_to_states_are_in_the_master() {
    let mut v = b2b_inter();
    v["DispDtls"] = json!({"Nm": "Warehouse", "Addr1": "Plot 4", "Loc": "Hosur Road", "Pin": 560068, "Stcd": "29"});
    v["ShipDtls"] =
        json!({"LglNm": "Site", "Addr1": "Dock 2", "Loc": "Mumbai", "Pin": 400001, "Stcd": "27"});
    assert_eq!(errors(&v), vec![]);
    v["DispDtls"]["Stcd"] = json!("99");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2200",
            "Invalid state code 99 in dispatch details or ship details"
        )
    );
    v["ShipDtls"]["Stcd"] = json!("98");
    assert_eq!(codes(&v), vec!["2200", "2200"]);
}

// ---- supply type × recipient ---------------------------------------------------------------------------

#[test]
fn urp_recipient_only_for_exports() {
    let mut v = b2b_inter();
    v["BuyerDtls"]["Gstin"] = json!("URP");
    let errs = errors_with(&v, |s| s.buyer = None);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2212",
            "The recipient GSTIN cannot be URP for supply type B2B"
        )
    );

    let mut v = sez_wp();
    v["BuyerDtls"]["Gstin"] = json!("URP");
    assert_eq!(codes_with(&v, |s| s.buyer = None), vec!["2212"]);

    let mut v = b2b_inter();
    v["TranDtls"]["SupTyp"] = json!("DEXP");
    assert_eq!(codes(&v), Vec::<&str>::new());
    v["BuyerDtls"]["Gstin"] = json!("URP");
    assert_eq!(codes_with(&v, |s| s.buyer = None), vec!["2171"]);
}

#[test]
fn exports_go_to_urp() {
    let mut v = export_wop();
    v["BuyerDtls"]["Gstin"] = json!(BUYER_27);
    only("2248", &v);
}

#[test]
fn b2b_recipient_is_not_an_sez() {
    let mut v = b2b_intra();
    v["BuyerDtls"]["Gstin"] = json!(sez_29());
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2246", "Recipient cannot be SEZ for - B2B transaction")
    );
}

#[test]
fn sez_supplies_go_to_an_sez() {
    let mut v = sez_wp();
    v["BuyerDtls"]["Gstin"] = json!(buyer_29());
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2247", "Recipient should be SEZ for transaction SEZWP")
    );
}

#[test]
fn exports_have_pos_and_recipient_state_96() {
    let mut v = export_wop();
    v["BuyerDtls"]["Pos"] = json!("27");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2229",
            "Recipient POS should be other country(96) incase of transaction -EXPWOP"
        )
    );

    let mut v = export_wp();
    v["BuyerDtls"]["Stcd"] = json!("27");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2261",
            "Recipient state code should be other country(code: 96 ) for EXPWP transaction"
        )
    );
}

#[test]
fn domestic_supplies_do_not_have_pos_96() {
    let mut v = b2b_inter();
    v["BuyerDtls"]["Pos"] = json!("96");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2242",
            "Recipient POS should not be Other Country(code -96) incase of transaction type B2B"
        )
    );
}

#[test]
fn pos_is_in_the_state_master() {
    let mut v = b2b_inter();
    v["BuyerDtls"]["Pos"] = json!("99");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2243", "POS should be valid state for B2B transaction")
    );
}

#[test]
fn reverse_charge_only_for_b2b_and_sez() {
    for base in [b2b_inter(), sez_wp()] {
        let mut v = base;
        v["TranDtls"]["RegRev"] = json!("Y");
        assert_eq!(codes(&v), Vec::<&str>::new());
    }
    let mut v = b2b_inter();
    v["TranDtls"]["SupTyp"] = json!("DEXP");
    v["TranDtls"]["RegRev"] = json!("Y");
    only("2162", &v);
    let mut v = export_wp();
    v["TranDtls"]["RegRev"] = json!("Y");
    only("2162", &v);
}

#[test]
fn igst_on_intra_needs_supplier_state_equal_to_pos() {
    let mut v = b2b_inter();
    v["TranDtls"]["IgstOnIntra"] = json!("Y");
    only("2262", &v);

    // Same state, chargeable to IGST: IGST is right and CGST/SGST would be wrong.
    assert_eq!(codes(&b2b_igst_on_intra()), Vec::<&str>::new());
    let mut v = b2b_intra();
    v["TranDtls"]["IgstOnIntra"] = json!("Y");
    assert_eq!(codes(&v), vec!["2174", "2235"]);
}

// ---- tax heads, rates, quantity and unit ---------------------------------------------------------------

#[test]
fn intra_state_items_carry_no_igst() {
    let mut v = b2b_intra();
    v["ItemList"][0]["IgstAmt"] = json!(5);
    balance(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2172",
            "For intra state transaction IGST Amounts are not applicable for item - 84713010, Only Cgst and Sgst Amounts are applicable"
        )
    );
}

#[test]
fn intra_state_cgst_equals_sgst() {
    let mut v = b2b_intra();
    v["ItemList"][0]["SgstAmt"] = json!(90.5);
    balance(&mut v);
    only("2227", &v);
}

#[test]
fn intra_state_taxed_items_need_cgst_and_sgst() {
    let mut v = invoice(
        "B2B",
        SELLER_29,
        "29",
        &buyer_29(),
        "29",
        "29",
        vec![goods("1", "84713010", "1000", "18", Head::None)],
    );
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2241",
            "CGST and SGST amounts with HSN84713010 are required for intra state transaction"
        )
    );
    // Nil-rated items need neither.
    v["ItemList"][0]["GstRt"] = json!(0);
    assert_eq!(codes(&v), Vec::<&str>::new());
}

#[test]
fn inter_state_items_carry_no_cgst_or_sgst() {
    let mut v = b2b_inter();
    v["ItemList"][0]["CgstAmt"] = json!(1);
    v["ItemList"][0]["SgstAmt"] = json!(1);
    balance(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2174",
            "For inter state transaction, CGST and SGST Amounts are not applicable for item - 84713010, only Igst Amounts are Applicable"
        )
    );
}

#[test]
fn sez_items_carry_no_cgst_or_sgst() {
    let mut v = sez_wp();
    v["ItemList"][0]["CgstAmt"] = json!(1);
    balance(&mut v);
    only("2237", &v);
}

#[test]
fn export_items_carry_no_cgst_or_sgst() {
    let mut v = export_wp();
    v["ItemList"][0]["SgstAmt"] = json!(1);
    balance(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2180",
            "For export transaction CGST and SGST Amounts are not allowed for item -84713010"
        )
    );
}

#[test]
fn gst_rates_are_notified_rates_for_every_document_type() {
    let v = invoice(
        "B2B",
        SELLER_29,
        "29",
        BUYER_27,
        "27",
        "27",
        vec![goods("1", "84713010", "1000", "17", Head::Igst)],
    );
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2240", "Invalid GST rate for HSN -84713010")
    );
    let mut v = v;
    v["DocDtls"]["Typ"] = json!("CRN");
    v["RefDtls"] = json!({"PrecDocDtls": [{"InvNo": "INV/7", "InvDt": "01/11/2025"}]});
    only("2240", &v);
    for rate in ["0.1", "0.25", "1.5", "7.5", "40"] {
        let v = invoice(
            "B2B",
            SELLER_29,
            "29",
            BUYER_27,
            "27",
            "27",
            vec![goods("1", "8471", "1000", rate, Head::Igst)],
        );
        assert_eq!(codes(&v), Vec::<&str>::new(), "rate {rate}");
    }
}

#[test]
fn goods_need_quantity_and_unit_services_do_not() {
    let mut v = b2b_inter();
    v["ItemList"][0].as_object_mut().unwrap().remove("Qty");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2238", "Quantity is required for HSN - 84713010")
    );

    let mut v = b2b_inter();
    v["ItemList"][0].as_object_mut().unwrap().remove("Unit");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2239", "Unit is required for HSN - 84713010")
    );

    let mut v = b2b_inter();
    let item = v["ItemList"][0].as_object_mut().unwrap();
    item.remove("Qty");
    item.remove("Unit");
    item.insert("IsServc".into(), json!("Y"));
    item.insert("HsnCd".into(), json!("998311"));
    assert_eq!(codes(&v), Vec::<&str>::new());
}

#[test]
fn units_are_in_the_unit_master() {
    let mut v = b2b_inter();
    v["ItemList"][0]["Unit"] = json!("XYZ");
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2177", "Invalid item unit code(s)-XYZ")
    );

    let items = ["XYZ", "nos", "ABC", "XYZ"]
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            let mut item = goods(&(i + 1).to_string(), "84713010", "100", "18", Head::Igst);
            item["Unit"] = json!(unit);
            item
        })
        .collect();
    let v = invoice("B2B", SELLER_29, "29", BUYER_27, "27", "27", items);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2177", "Invalid item unit code(s)-XYZ,ABC")
    );
}

// ---- item arithmetic -----------------------------------------------------------------------------------

#[test]
fn taxable_value_is_gross_less_discount() {
    let mut v = b2b_inter();
    v["ItemList"][0]["TotAmt"] = json!(1100);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2193",
            "AssAmt value should be equal to (TotAmt - Discount) for HSN - 84713010 and Sl. No - 1"
        )
    );
    v["ItemList"][0]["Discount"] = json!(100);
    assert_eq!(errors(&v), vec![]);
    // Within the ±1 tolerance.
    v["ItemList"][0]["Discount"] = json!(99);
    assert_eq!(errors(&v), vec![]);
    v["ItemList"][0]["Discount"] = json!(98.99);
    assert_eq!(codes(&v), vec!["2193"]);
}

#[test]
fn gross_amount_is_not_checked_against_quantity_times_price() {
    let mut v = b2b_inter();
    v["ItemList"][0]["Qty"] = json!(3);
    v["ItemList"][0]["UnitPrice"] = json!(7);
    assert_eq!(errors(&v), vec![], "2192 is withdrawn");
}

#[test]
fn igst_follows_the_rate_on_invoices() {
    let mut v = b2b_inter();
    v["ItemList"][0]["IgstAmt"] = json!(100);
    balance(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2235", "IGST amount given with HSN -84713010 is Invalid")
    );
    // Tolerance: 179 and 181 pass, 178.99 does not.
    for (igst, ok) in [("179", true), ("181", true), ("178.99", false)] {
        v["ItemList"][0]["IgstAmt"] = serde_json::from_str(igst).unwrap();
        balance(&mut v);
        assert_eq!(codes(&v).is_empty(), ok, "IGST {igst}");
    }
    // Notes are not checked against the rate.
    let mut v = b2b_inter();
    v["ItemList"][0]["IgstAmt"] = json!(100);
    v["DocDtls"]["Typ"] = json!("CRN");
    v["RefDtls"] = json!({"PrecDocDtls": [{"InvNo": "INV/7", "InvDt": "01/11/2025"}]});
    balance(&mut v);
    assert_eq!(errors(&v), vec![]);
}

#[test]
fn zero_igst_is_accepted_only_for_supplies_without_payment() {
    for base in [export_wp(), sez_wp()] {
        let mut v = base;
        v["ItemList"][0]["IgstAmt"] = json!(0);
        balance(&mut v);
        // An export with payment without any IGST is 2221's case.
        let expected = if v["TranDtls"]["SupTyp"] == "EXPWP" {
            "2221"
        } else {
            "2235"
        };
        assert_eq!(codes(&v), vec![expected]);
        let wop = if v["TranDtls"]["SupTyp"] == "EXPWP" {
            "EXPWOP"
        } else {
            "SEZWOP"
        };
        v["TranDtls"]["SupTyp"] = json!(wop);
        assert_eq!(codes(&v), Vec::<&str>::new(), "{wop}");
        // A non-zero IGST is still checked.
        v["ItemList"][0]["IgstAmt"] = json!(50);
        balance(&mut v);
        assert_eq!(codes(&v), vec!["2235"], "{wop}");
    }
}

#[test]
fn cgst_and_sgst_follow_half_the_rate_on_invoices() {
    let mut v = b2b_intra();
    v["ItemList"][0]["CgstAmt"] = json!(80);
    v["ItemList"][0]["SgstAmt"] = json!(80);
    balance(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2234", "Invalid SGST and CGST Amounts for HSN - 84713010.")
    );
}

#[test]
fn cess_follows_its_rate_on_invoices() {
    let mut v = b2b_inter();
    v["ItemList"][0]["CesRt"] = json!(5);
    v["ItemList"][0]["CesAmt"] = json!(50);
    v["ItemList"][0]["CesNonAdvlAmt"] = json!(7);
    balance(&mut v);
    assert_eq!(errors(&v), vec![]);
    v["ItemList"][0]["CesAmt"] = json!(10);
    balance(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2266", "Cess amount given with HSN -84713010 is invalid")
    );
}

#[test]
fn state_cess_follows_its_rate_on_invoices() {
    let mut v = b2b_inter();
    v["ItemList"][0]["StateCesRt"] = json!(5);
    v["ItemList"][0]["StateCesAmt"] = json!(50);
    balance(&mut v);
    assert_eq!(errors(&v), vec![]);
    v["ItemList"][0]["StateCesAmt"] = json!(10);
    balance(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2267",
            "State Cess amount given with HSN -84713010 is Invalid"
        )
    );
}

#[test]
fn item_total_is_the_sum_of_its_parts() {
    let mut v = b2b_inter();
    v["ItemList"][0]["TotItemVal"] = json!(1000);
    fill_doc_totals(&mut v);
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        ("2194", "Invalid total item value for HSN - 84713010")
    );
    // Within the tolerance.
    v["ItemList"][0]["TotItemVal"] = json!(1181);
    fill_doc_totals(&mut v);
    assert_eq!(errors(&v), vec![]);
}

#[test]
fn item_total_may_exclude_taxes_under_reverse_charge_and_for_exports_with_payment() {
    // b2b_inter and export_wp both have AssAmt 1000 and IGST 180.
    let without_taxes = |mut v: Value| {
        v["ItemList"][0]["TotItemVal"] = json!(1000);
        fill_doc_totals(&mut v);
        v
    };
    let b2b = without_taxes(b2b_inter());
    assert_eq!(codes(&b2b), vec!["2194"]);
    let mut rcm = b2b.clone();
    rcm["TranDtls"]["RegRev"] = json!("Y");
    assert_eq!(codes(&rcm), Vec::<&str>::new());
    assert_eq!(codes(&without_taxes(export_wp())), Vec::<&str>::new());
    assert_eq!(
        codes(&without_taxes(export_wop())),
        Vec::<&str>::new(),
        "no taxes, so both forms agree"
    );
    let mut sez = without_taxes(sez_wp());
    assert_eq!(codes(&sez), vec!["2194"]);
    sez["TranDtls"]["RegRev"] = json!("Y");
    assert_eq!(codes(&sez), Vec::<&str>::new());

    // A value that is neither form is still wrong.
    let mut v = rcm;
    v["ItemList"][0]["TotItemVal"] = json!(1090);
    fill_doc_totals(&mut v);
    assert_eq!(codes(&v), vec!["2194"]);
}

// ---- document totals -----------------------------------------------------------------------------------

#[test]
fn each_document_total_matches_its_items() {
    let mut with_cess = b2b_inter();
    with_cess["ItemList"][0]["CesRt"] = json!(1);
    with_cess["ItemList"][0]["CesAmt"] = json!(10);
    with_cess["ItemList"][0]["StateCesRt"] = json!(1);
    with_cess["ItemList"][0]["StateCesAmt"] = json!(10);
    balance(&mut with_cess);
    let cases = [
        (
            b2b_inter(),
            "AssVal",
            "2182",
            "Taxable value of all items must be equal to total taxable value",
        ),
        (
            b2b_intra(),
            "SgstVal",
            "2183",
            "SGST value of all items must be equal to total SGST Value",
        ),
        (
            b2b_intra(),
            "CgstVal",
            "2184",
            "CGST value of all items must be equal to total CGST value",
        ),
        (
            b2b_inter(),
            "IgstVal",
            "2185",
            "IGST value of all items must be equal to total IGST Value",
        ),
        (
            with_cess.clone(),
            "CesVal",
            "2186",
            "Cess value of all items must be equal to total CessValue",
        ),
        (
            with_cess,
            "StCesVal",
            "2187",
            "State Cess Value of all items must be equal to total State CessValue",
        ),
        (
            b2b_inter(),
            "TotInvVal",
            "2189",
            "Invalid total Invoice Value",
        ),
    ];
    for (base, field, code, message) in cases {
        let given = dec(&base["ValDtls"][field].to_string());
        assert!(given > dec("1.01"), "{field}");
        for (delta, fails) in [("1", false), ("-1", false), ("1.01", true), ("-1.01", true)] {
            let mut v = base.clone();
            v["ValDtls"][field] = json_num(given + dec(delta));
            let errs = errors(&v);
            if fails {
                assert_eq!(errs.len(), 1, "{field} {delta}: {errs:?}");
                assert_eq!((errs[0].code, errs[0].message.as_str()), (code, message));
            } else {
                assert_eq!(errs, vec![], "{field} {delta}");
            }
        }
    }
}

#[test]
fn invoice_value_counts_document_charges_discount_and_rounding() {
    let mut v = b2b_inter();
    v["ValDtls"]["OthChrg"] = json!(20);
    v["ValDtls"]["Discount"] = json!(10);
    v["ValDtls"]["RndOffAmt"] = json!(-0.3);
    balance(&mut v);
    assert_eq!(v["ValDtls"]["TotInvVal"], json!(1189.7));
    assert_eq!(errors(&v), vec![]);
    v["ValDtls"]["TotInvVal"] = json!(1180);
    only("2189", &v);
}

#[test]
fn discount_stays_below_invoice_value() {
    let mut v = b2b_inter();
    v["ValDtls"]["Discount"] = json!(600);
    balance(&mut v);
    assert_eq!(v["ValDtls"]["TotInvVal"], json!(580));
    let errs = errors(&v);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].code, errs[0].message.as_str()),
        (
            "2220",
            "Total discount value cannot be greater than or equal total invoice value"
        )
    );
    v["ValDtls"]["Discount"] = json!(590);
    balance(&mut v);
    only("2220", &v);
    v["ValDtls"]["Discount"] = json!(589.99);
    balance(&mut v);
    assert_eq!(errors(&v), vec![]);
}

#[test]
fn item_other_charges_need_not_add_up_to_the_document_other_charges() {
    // NIC's own sample has item OthChrg 10 and ValDtls OthChrg 20: 2264 is not enforced.
    let mut v = b2b_inter();
    v["ItemList"][0]["OthChrg"] = json!(10);
    v["ValDtls"]["OthChrg"] = json!(25);
    balance(&mut v);
    assert_eq!(errors(&v), vec![]);
}
