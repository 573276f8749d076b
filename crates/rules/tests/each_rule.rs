//! One case per rule of the catalogue: a minimal invoice that passes cleanly (no errors, no warnings),
//! and the same invoice broken in one way, which gets exactly that rule's code at exactly that pointer.
//! A last test checks every rule of [`RULES`] has a case here.

mod support;

use openirp_model::gstin::make_gstin;
use openirp_rules::{GstinStatus, RULES, Severity};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashSet;
use support::*;

struct Case {
    rule: &'static str,
    code: &'static str,
    pointer: &'static str,
    base: fn() -> Value,
    /// Applied to the setup of both the passing and the broken invoice.
    setup: fn(&mut Setup),
    breaks: fn(&mut Value),
    /// Applied to the broken invoice's setup only.
    breaks_setup: fn(&mut Setup),
}

fn none(_: &mut Setup) {}
fn keep(_: &mut Value) {}

const fn case(
    rule: &'static str,
    code: &'static str,
    pointer: &'static str,
    base: fn() -> Value,
    breaks: fn(&mut Value),
) -> Case {
    Case {
        rule,
        code,
        pointer,
        base,
        setup: none,
        breaks,
        breaks_setup: none,
    }
}

impl Case {
    const fn setup(mut self, setup: fn(&mut Setup)) -> Case {
        self.setup = setup;
        self
    }
    const fn breaks_setup(mut self, f: fn(&mut Setup)) -> Case {
        self.breaks_setup = f;
        self
    }
}

fn with(mut v: Value, f: impl FnOnce(&mut Value)) -> Value {
    f(&mut v);
    v
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

fn aato(crore: i64) -> Option<Decimal> {
    Some(Decimal::from(crore))
}

fn status(gstin: &str, st: &str, txp: &str) -> GstinStatus {
    GstinStatus {
        status: st.to_string(),
        ..active(gstin, txp)
    }
}

fn item0(v: &mut Value) -> &mut Value {
    &mut v["ItemList"][0]
}

fn with_ecm() -> Value {
    with(b2b_inter(), |v| {
        v["TranDtls"]["EcmGstin"] = json!(ecom_07())
    })
}

fn with_cess() -> Value {
    with(b2b_inter(), |v| {
        item0(v)["CesRt"] = json!(1);
        item0(v)["CesAmt"] = json!(10);
        item0(v)["StateCesRt"] = json!(1);
        item0(v)["StateCesAmt"] = json!(10);
        balance(v);
    })
}

fn service(sl: &str) -> Value {
    let mut s = goods(sl, "998314", "100", "18", Head::Igst);
    s["IsServc"] = json!("Y");
    s.as_object_mut().unwrap().remove("Qty");
    s.as_object_mut().unwrap().remove("Unit");
    s
}

fn road_ewb() -> Value {
    json!({"TransId": "24AAACC1206D1ZM", "TransName": "Carrier Ltd", "TransMode": "1", "Distance": 100,
           "VehNo": "KA01AB1234", "VehType": "R"})
}

fn with_ewb() -> Value {
    with(b2b_inter(), |v| v["EwbDtls"] = road_ewb())
}

fn ship_ewb() -> Value {
    with(b2b_inter(), |v| {
        v["EwbDtls"] = json!({"TransId": "24AAACC1206D1ZM", "TransMode": "4", "Distance": 900,
                              "TransDocNo": "BL-7", "TransDocDt": "10/11/2025"})
    })
}

fn intra_with_ewb() -> Value {
    with(b2b_intra(), |v| v["EwbDtls"] = road_ewb())
}

fn export_with_ewb() -> Value {
    with(export_wp(), |v| {
        v["ShipDtls"] = json!({"LglNm": "JNPT CFS", "Addr1": "Port Road", "Loc": "Uran", "Pin": 400707,
                               "Stcd": "27"});
        v["EwbDtls"] = road_ewb();
    })
}

fn ship_to(stcd: &str, pin: u32) -> Value {
    json!({"LglNm": "Consignee Ltd", "Addr1": "Dock 4", "Loc": "Some City", "Pin": pin, "Stcd": stcd})
}

fn dispatch(stcd: &str, pin: u32) -> Value {
    json!({"Nm": "Warehouse", "Addr1": "Plot 9", "Loc": "Some City", "Pin": pin, "Stcd": stcd})
}

fn seller_97() -> String {
    make_gstin(97, "AAGCB7383J", 1).unwrap()
}

fn buyer_99() -> String {
    make_gstin(99, "AAPFU0939F", 1).unwrap()
}

fn cases() -> Vec<Case> {
    vec![
        // ---- document
        case(
            "doc_date_not_future",
            "2163",
            "/DocDtls/Dt",
            b2b_inter,
            |v| v["DocDtls"]["Dt"] = json!("16/11/2025"),
        ),
        case(
            "doc_date_not_before_go_live",
            "2163",
            "/DocDtls/Dt",
            b2b_inter,
            |v| v["DocDtls"]["Dt"] = json!("30/09/2020"),
        )
        .breaks_setup(|s| s.today = date(15, 10, 2020)),
        case("reporting_window", "2268", "/DocDtls/Dt", b2b_inter, |v| {
            v["DocDtls"]["Dt"] = json!("15/10/2025")
        })
        .setup(|s| s.aato_crore = aato(20)),
        case(
            "reporting_window_closing",
            "2268",
            "/DocDtls/Dt",
            b2b_inter,
            |v| v["DocDtls"]["Dt"] = json!("20/10/2025"),
        )
        .setup(|s| s.aato_crore = aato(20)),
        case(
            "reporting_window_not_applied",
            "2268",
            "/DocDtls/Dt",
            b2b_inter,
            |v| v["DocDtls"]["Dt"] = json!("15/10/2025"),
        )
        .setup(|s| s.aato_crore = aato(5)),
        case(
            "preceding_doc_for_notes",
            "2191",
            "/RefDtls/PrecDocDtls",
            b2b_inter,
            |v| v["DocDtls"]["Typ"] = json!("CRN"),
        ),
        case(
            "preceding_doc_not_for_invoices",
            "2210",
            "/RefDtls/PrecDocDtls",
            b2b_inter,
            |v| v["RefDtls"] = json!({"PrecDocDtls": [{"InvNo": "INV/7", "InvDt": "01/11/2025"}]}),
        ),
        case("items_not_empty", "2228", "/ItemList", b2b_inter, |v| {
            v["ItemList"] = json!([]);
            balance(v);
        }),
        case(
            "item_count_within_limit",
            "2173",
            "/ItemList",
            b2b_inter,
            |v| {
                let second = with(v["ItemList"][0].clone(), |i| i["SlNo"] = json!("2"));
                v["ItemList"].as_array_mut().unwrap().push(second);
                balance(v);
            },
        )
        .setup(|s| s.max_items = 1),
        case(
            "unique_item_serials",
            "2233",
            "/ItemList/1/SlNo",
            b2b_inter,
            |v| {
                let second = v["ItemList"][0].clone();
                v["ItemList"].as_array_mut().unwrap().push(second);
                balance(v);
            },
        ),
        // ---- parties
        case(
            "caller_is_supplier_or_ecom",
            "2169",
            "/SellerDtls/Gstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| s.caller = BUYER_27.to_string()),
        case(
            "seller_gstin_known",
            "3028",
            "/SellerDtls/Gstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| s.seller = None),
        case(
            "seller_gstin_checksum",
            "3028",
            "/SellerDtls/Gstin",
            b2b_inter,
            |v| v["SellerDtls"]["Gstin"] = json!("29AAGCB7383J1Z5"),
        )
        .breaks_setup(|s| {
            s.seller = Some(active("29AAGCB7383J1Z5", "REG"));
            s.caller = "29AAGCB7383J1Z5".to_string();
        }),
        case(
            "buyer_gstin_known",
            "3028",
            "/BuyerDtls/Gstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| s.buyer = None),
        case(
            "buyer_gstin_checksum",
            "3028",
            "/BuyerDtls/Gstin",
            b2b_inter,
            |v| v["BuyerDtls"]["Gstin"] = json!("27AAPFU0939F1ZW"),
        )
        .breaks_setup(|s| s.buyer = Some(active("27AAPFU0939F1ZW", "REG"))),
        case(
            "seller_registration_status",
            "3076",
            "/SellerDtls/Gstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| s.seller = Some(status(SELLER_29, "INA", "REG"))),
        case(
            "buyer_registration_status",
            "3076",
            "/BuyerDtls/Gstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| s.buyer = Some(status(BUYER_27, "INA", "REG"))),
        case(
            "seller_not_sez_unit",
            "2231",
            "/SellerDtls/Gstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| s.seller = Some(active(SELLER_29, "SEZ"))),
        case(
            "seller_not_buyer",
            "2211",
            "/BuyerDtls/Gstin",
            b2b_intra,
            |v| v["BuyerDtls"]["Gstin"] = json!(SELLER_29),
        ),
        case(
            "seller_state_matches_gstin",
            "2258",
            "/SellerDtls/Stcd",
            b2b_inter,
            |v| {
                v["SellerDtls"]["Stcd"] = json!("28");
                v["SellerDtls"]["Pin"] = json!(520001);
            },
        ),
        case(
            "seller_state_valid",
            "2259",
            "/SellerDtls/Stcd",
            b2b_inter,
            |v| {
                v["SellerDtls"]["Gstin"] = json!(seller_97());
                v["SellerDtls"]["Stcd"] = json!("97");
            },
        )
        .breaks_setup(|s| {
            s.seller = Some(active(&seller_97(), "REG"));
            s.caller = seller_97();
        }),
        case(
            "buyer_state_valid",
            "2260",
            "/BuyerDtls/Stcd",
            b2b_inter,
            |v| {
                v["BuyerDtls"]["Gstin"] = json!(buyer_99());
                v["BuyerDtls"]["Stcd"] = json!("99");
            },
        )
        .breaks_setup(|s| s.buyer = Some(active(&buyer_99(), "REG"))),
        case(
            "buyer_state_matches_gstin",
            "2265",
            "/BuyerDtls/Stcd",
            b2b_inter,
            |v| {
                v["BuyerDtls"]["Stcd"] = json!("24");
                v["BuyerDtls"]["Pin"] = json!(380001);
            },
        ),
        case(
            "dispatch_ship_states_valid",
            "2200",
            "/DispDtls/Stcd",
            b2b_inter,
            |v| v["DispDtls"] = dispatch("99", 560001),
        ),
        case(
            "seller_pin_in_state",
            "2178",
            "/SellerDtls/Pin",
            b2b_inter,
            |v| v["SellerDtls"]["Pin"] = json!(400001),
        ),
        case(
            "buyer_pin_in_state",
            "2178",
            "/BuyerDtls/Pin",
            b2b_inter,
            |v| v["BuyerDtls"]["Pin"] = json!(560001),
        ),
        case(
            "dispatch_pin_in_state",
            "2178",
            "/DispDtls/Pin",
            b2b_inter,
            |v| v["DispDtls"] = dispatch("29", 400001),
        ),
        case(
            "ship_pin_in_state",
            "2178",
            "/ShipDtls/Pin",
            b2b_inter,
            |v| v["ShipDtls"] = ship_to("27", 560001),
        ),
        case(
            "buyer_pin_required",
            "2244",
            "/BuyerDtls/Pin",
            b2b_inter,
            |v| remove(&mut v["BuyerDtls"], "Pin"),
        ),
        case(
            "ship_to_state_is_pos",
            "2245",
            "/ShipDtls/Stcd",
            b2b_inter,
            |v| v["ShipDtls"] = ship_to("29", 560001),
        ),
        // ---- supply type
        case(
            "urp_only_for_exports",
            "2212",
            "/BuyerDtls/Gstin",
            b2b_inter,
            |v| v["BuyerDtls"]["Gstin"] = json!("URP"),
        ),
        case(
            "exports_to_urp",
            "2248",
            "/BuyerDtls/Gstin",
            export_wop,
            |v| v["BuyerDtls"]["Gstin"] = json!(BUYER_27),
        ),
        case(
            "b2b_recipient_not_sez",
            "2246",
            "/BuyerDtls/Gstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| s.buyer = Some(active(BUYER_27, "SEZ"))),
        case(
            "sez_supply_to_sez",
            "2247",
            "/BuyerDtls/Gstin",
            sez_wp,
            keep,
        )
        .breaks_setup(|s| s.buyer = Some(active(&sez_29(), "REG"))),
        case(
            "export_pos_other_country",
            "2229",
            "/BuyerDtls/Pos",
            export_wop,
            |v| v["BuyerDtls"]["Pos"] = json!("27"),
        ),
        case(
            "export_buyer_state_other_country",
            "2261",
            "/BuyerDtls/Stcd",
            export_wop,
            |v| v["BuyerDtls"]["Stcd"] = json!("27"),
        ),
        case(
            "export_not_intra_state",
            "2181",
            "/TranDtls/IgstOnIntra",
            export_wop,
            |v| v["TranDtls"]["IgstOnIntra"] = json!("Y"),
        ),
        case(
            "domestic_pos_not_other_country",
            "2242",
            "/BuyerDtls/Pos",
            b2b_inter,
            |v| v["BuyerDtls"]["Pos"] = json!("96"),
        ),
        case("pos_valid", "2243", "/BuyerDtls/Pos", b2b_inter, |v| {
            v["BuyerDtls"]["Pos"] = json!("99")
        }),
        case(
            "reverse_charge_supply_type",
            "2162",
            "/TranDtls/RegRev",
            export_wop,
            |v| v["TranDtls"]["RegRev"] = json!("Y"),
        ),
        case(
            "igst_on_intra_same_state",
            "2262",
            "/TranDtls/IgstOnIntra",
            b2b_inter,
            |v| v["TranDtls"]["IgstOnIntra"] = json!("Y"),
        ),
        case("ecom_is_tcs", "2195", "/TranDtls/EcmGstin", with_ecm, keep)
            .breaks_setup(|s| s.ecom = Some(active(&ecom_07(), "REG"))),
        case(
            "ecom_gstin_given",
            "2197",
            "/TranDtls/EcmGstin",
            b2b_inter,
            keep,
        )
        .breaks_setup(|s| {
            s.caller = ecom_07();
            s.ecom = Some(active(&ecom_07(), "TCS"));
        }),
        case(
            "ecom_gstin_not_a_party",
            "2224",
            "/TranDtls/EcmGstin",
            b2b_inter,
            |v| v["TranDtls"]["EcmGstin"] = json!(BUYER_27),
        ),
        // ---- items
        case(
            "intra_state_no_igst",
            "2172",
            "/ItemList/0/IgstAmt",
            b2b_intra,
            |v| {
                item0(v)["IgstAmt"] = json!(5);
                balance(v);
            },
        ),
        case(
            "intra_state_cgst_equals_sgst",
            "2227",
            "/ItemList/0/CgstAmt",
            b2b_intra,
            |v| {
                item0(v)["CgstAmt"] = json!(90.5);
                item0(v)["SgstAmt"] = json!(89.5);
                balance(v);
            },
        ),
        case(
            "intra_state_needs_cgst_sgst",
            "2241",
            "/ItemList/0/CgstAmt",
            b2b_intra,
            |v| {
                remove(item0(v), "CgstAmt");
                remove(item0(v), "SgstAmt");
                balance(v);
            },
        ),
        case(
            "inter_state_no_cgst_sgst",
            "2174",
            "/ItemList/0/CgstAmt",
            b2b_inter,
            |v| {
                item0(v)["CgstAmt"] = json!(5);
                balance(v);
            },
        ),
        case(
            "sez_no_cgst_sgst",
            "2237",
            "/ItemList/0/CgstAmt",
            sez_wp,
            |v| {
                item0(v)["CgstAmt"] = json!(5);
                balance(v);
            },
        ),
        case(
            "export_no_cgst_sgst",
            "2180",
            "/ItemList/0/CgstAmt",
            export_wp,
            |v| {
                item0(v)["CgstAmt"] = json!(5);
                balance(v);
            },
        ),
        case(
            "gst_rate_notified",
            "2240",
            "/ItemList/0/GstRt",
            b2b_inter,
            |v| {
                item0(v)["GstRt"] = json!(2);
                item0(v)["IgstAmt"] = json!(20);
                balance(v);
            },
        ),
        case(
            "goods_have_quantity",
            "2238",
            "/ItemList/0/Qty",
            b2b_inter,
            |v| remove(item0(v), "Qty"),
        ),
        case(
            "goods_have_unit",
            "2239",
            "/ItemList/0/Unit",
            b2b_inter,
            |v| remove(item0(v), "Unit"),
        ),
        case("units_known", "2177", "/ItemList/0/Unit", b2b_inter, |v| {
            item0(v)["Unit"] = json!("XYZ")
        }),
        case(
            "hsn_in_master",
            "2176",
            "/ItemList/0/HsnCd",
            b2b_inter,
            |v| item0(v)["HsnCd"] = json!("7701"),
        ),
        case(
            "hsn_matches_service_flag",
            "2176",
            "/ItemList/0/HsnCd",
            b2b_inter,
            |v| item0(v)["IsServc"] = json!("Y"),
        ),
        case(
            "hsn_six_digits",
            "2176",
            "/ItemList/0/HsnCd",
            b2b_inter,
            |v| item0(v)["HsnCd"] = json!("8471"),
        )
        .setup(|s| s.aato_crore = aato(10)),
        case(
            "goods_and_services_not_mixed",
            "2249",
            "/ItemList/1/IsServc",
            b2b_igst_on_intra,
            |v| {
                v["ItemList"].as_array_mut().unwrap().push(service("2"));
                balance(v);
            },
        ),
        // ---- item arithmetic
        case(
            "gross_amount",
            "2192",
            "/ItemList/0/TotAmt",
            b2b_inter,
            |v| item0(v)["UnitPrice"] = json!(900),
        ),
        case(
            "taxable_value",
            "2193",
            "/ItemList/0/AssAmt",
            b2b_inter,
            |v| item0(v)["Discount"] = json!(10),
        ),
        case(
            "igst_matches_rate",
            "2235",
            "/ItemList/0/IgstAmt",
            b2b_inter,
            |v| {
                item0(v)["IgstAmt"] = json!(170);
                balance(v);
            },
        ),
        case(
            "cgst_sgst_match_rate",
            "2234",
            "/ItemList/0/CgstAmt",
            b2b_intra,
            |v| {
                item0(v)["CgstAmt"] = json!(80);
                item0(v)["SgstAmt"] = json!(80);
                balance(v);
            },
        ),
        case(
            "cess_matches_rate",
            "2266",
            "/ItemList/0/CesAmt",
            with_cess,
            |v| {
                item0(v)["CesAmt"] = json!(2);
                balance(v);
            },
        ),
        case(
            "state_cess_matches_rate",
            "2267",
            "/ItemList/0/StateCesAmt",
            with_cess,
            |v| {
                item0(v)["StateCesAmt"] = json!(2);
                balance(v);
            },
        ),
        case(
            "item_total",
            "2194",
            "/ItemList/0/TotItemVal",
            b2b_inter,
            |v| {
                item0(v)["TotItemVal"] = json!(1000);
                fill_doc_totals(v);
            },
        ),
        // ---- document totals
        case(
            "total_assessable_value",
            "2182",
            "/ValDtls/AssVal",
            b2b_inter,
            |v| v["ValDtls"]["AssVal"] = json!(1005),
        ),
        case("total_sgst", "2183", "/ValDtls/SgstVal", b2b_intra, |v| {
            v["ValDtls"]["SgstVal"] = json!(95)
        }),
        case("total_cgst", "2184", "/ValDtls/CgstVal", b2b_intra, |v| {
            v["ValDtls"]["CgstVal"] = json!(95)
        }),
        case("total_igst", "2185", "/ValDtls/IgstVal", b2b_inter, |v| {
            v["ValDtls"]["IgstVal"] = json!(185)
        }),
        case("total_cess", "2186", "/ValDtls/CesVal", with_cess, |v| {
            v["ValDtls"]["CesVal"] = json!(15)
        }),
        case(
            "total_state_cess",
            "2187",
            "/ValDtls/StCesVal",
            with_cess,
            |v| v["ValDtls"]["StCesVal"] = json!(15),
        ),
        case(
            "total_invoice_value",
            "2189",
            "/ValDtls/TotInvVal",
            b2b_inter,
            |v| v["ValDtls"]["TotInvVal"] = json!(1185),
        ),
        case(
            "discount_below_invoice_value",
            "2220",
            "/ValDtls/Discount",
            b2b_inter,
            |v| {
                v["ValDtls"]["Discount"] = json!(600);
                balance(v);
            },
        ),
        // ---- export details
        case(
            "export_details_present",
            "2208",
            "/ExpDtls",
            export_wop,
            |v| remove(v, "ExpDtls"),
        ),
        case(
            "export_port_valid",
            "2201",
            "/ExpDtls/Port",
            export_wop,
            |v| v["ExpDtls"]["Port"] = json!("USNYC1"),
        ),
        case(
            "export_port_known",
            "2201",
            "/ExpDtls/Port",
            export_wop,
            |v| v["ExpDtls"]["Port"] = json!("INZZZ1"),
        ),
        case(
            "export_country_valid",
            "2202",
            "/ExpDtls/CntCode",
            export_wop,
            |v| v["ExpDtls"]["CntCode"] = json!("XX"),
        ),
        case(
            "export_currency_valid",
            "2203",
            "/ExpDtls/ForCur",
            export_wop,
            |v| v["ExpDtls"]["ForCur"] = json!("XYZ"),
        ),
        case(
            "export_ship_to_place_of_export",
            "2236",
            "/ShipDtls/Stcd",
            export_wop,
            |v| v["ShipDtls"] = ship_to("96", 999999),
        ),
        case(
            "export_with_payment_has_igst",
            "2221",
            "/ValDtls/IgstVal",
            export_wp,
            |v| {
                item0(v)["IgstAmt"] = json!(0);
                balance(v);
            },
        ),
        // ---- e-way bill
        case("ewb_has_goods", "2251", "/EwbDtls", with_ewb, |v| {
            v["ItemList"] = json!([service("1")]);
            balance(v);
        }),
        case("ewb_not_for_notes", "2252", "/EwbDtls", with_ewb, |v| {
            v["DocDtls"]["Typ"] = json!("DBN");
            v["RefDtls"] = json!({"PrecDocDtls": [{"InvNo": "INV/7", "InvDt": "01/11/2025"}]});
        }),
        case(
            "ewb_transporter_for_part_a",
            "4019",
            "/EwbDtls/TransId",
            with_ewb,
            |v| v["EwbDtls"] = json!({"Distance": 100}),
        ),
        case(
            "ewb_transporter_id_valid",
            "4018",
            "/EwbDtls/TransId",
            with_ewb,
            |v| v["EwbDtls"]["TransId"] = json!("24AAACC1206D1ZN"),
        ),
        case(
            "ewb_mode_for_part_b",
            "4028",
            "/EwbDtls/TransMode",
            with_ewb,
            |v| remove(&mut v["EwbDtls"], "TransMode"),
        ),
        case(
            "ewb_road_needs_vehicle",
            "2253",
            "/EwbDtls/VehNo",
            with_ewb,
            |v| remove(&mut v["EwbDtls"], "VehNo"),
        ),
        case(
            "ewb_vehicle_number_valid",
            "4014",
            "/EwbDtls/VehNo",
            with_ewb,
            |v| v["EwbDtls"]["VehNo"] = json!("KA01ABCD12345"),
        ),
        case(
            "ewb_rail_air_need_document",
            "2254",
            "/EwbDtls/TransDocNo",
            ship_ewb,
            |v| {
                v["EwbDtls"]["TransMode"] = json!("2");
                remove(&mut v["EwbDtls"], "TransDocNo");
            },
        ),
        case(
            "ewb_ship_needs_vehicle_or_document",
            "4040",
            "/EwbDtls/VehNo",
            ship_ewb,
            |v| remove(&mut v["EwbDtls"], "TransDocNo"),
        ),
        case(
            "ewb_odc_only_by_road_or_ship",
            "4024",
            "/EwbDtls/VehType",
            ship_ewb,
            |v| {
                v["EwbDtls"]["TransMode"] = json!("3");
                v["EwbDtls"]["VehType"] = json!("O");
            },
        ),
        case(
            "ewb_ship_not_regular",
            "4039",
            "/EwbDtls/VehType",
            ship_ewb,
            |v| v["EwbDtls"]["VehType"] = json!("R"),
        ),
        case(
            "ewb_transport_document_date",
            "4017",
            "/EwbDtls/TransDocDt",
            ship_ewb,
            |v| v["EwbDtls"]["TransDocDt"] = json!("2025-11-10"),
        ),
        case(
            "ewb_export_ship_to",
            "4031",
            "/ShipDtls",
            export_with_ewb,
            |v| remove(v, "ShipDtls"),
        ),
        case(
            "ewb_dispatch_in_india",
            "4035",
            "/DispDtls/Stcd",
            with_ewb,
            |v| v["DispDtls"] = dispatch("96", 560001),
        ),
        case(
            "ewb_distance_computable",
            "4029",
            "/EwbDtls/Distance",
            intra_with_ewb,
            |v| v["EwbDtls"]["Distance"] = json!(0),
        ),
        case(
            "ewb_distance_plausible",
            "4013",
            "/EwbDtls/Distance",
            intra_with_ewb,
            |v| v["EwbDtls"]["Distance"] = json!(101),
        ),
    ]
}

fn summary(findings: &[openirp_rules::Finding]) -> Vec<(&str, &str, &str)> {
    findings
        .iter()
        .map(|f| (f.rule, f.code, f.pointer.as_str()))
        .collect()
}

#[test]
fn each_rule_reports_its_code_at_its_pointer_and_the_fixed_invoice_passes() {
    for c in cases() {
        let fixed = (c.base)();
        let found = findings_with(&fixed, c.setup);
        assert_eq!(summary(&found), vec![], "{}: the fixed invoice", c.rule);

        let mut broken = fixed.clone();
        (c.breaks)(&mut broken);
        let found = findings_with(&broken, |s| {
            (c.setup)(s);
            (c.breaks_setup)(s);
        });
        assert_eq!(
            summary(&found),
            vec![(c.rule, c.code, c.pointer)],
            "{}: {found:#?}",
            c.rule
        );
        let rule = RULES.iter().find(|r| r.name == c.rule).unwrap();
        assert_eq!(found[0].severity, rule.severity);
        let generic: Vec<String> = c
            .pointer
            .split('/')
            .map(|t| {
                if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                    "*".to_string()
                } else {
                    t.to_string()
                }
            })
            .collect();
        assert_eq!(
            generic.join("/"),
            rule.field,
            "{}: pointer vs field",
            c.rule
        );
    }
}

#[test]
fn every_rule_of_the_catalogue_has_a_case() {
    let covered: HashSet<&str> = cases().iter().map(|c| c.rule).collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.name)
        .filter(|n| !covered.contains(n))
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
}

#[test]
fn declared_distances_are_checked_against_the_pin_master() {
    let distance = |from: u32, to: u32, km: u32| {
        let mut v = intra_with_ewb();
        v["SellerDtls"]["Pin"] = json!(from);
        v["BuyerDtls"]["Pin"] = json!(to);
        v["EwbDtls"]["Distance"] = json!(km);
        summary(&findings(&v))
            .into_iter()
            .map(|(_, code, _)| code.to_string())
            .collect::<Vec<_>>()
    };
    // Bengaluru 560001 to Mysuru 570001, both Karnataka.
    let computed = openirp_model::pincode::road_distance_km(560001, 570001).unwrap();
    assert!((100..200).contains(&computed), "{computed}");
    assert_eq!(distance(560001, 570001, 0), Vec::<String>::new());
    assert_eq!(distance(560001, 570001, computed), Vec::<String>::new());
    let ten_per_cent_above = computed * 11 / 10;
    assert_eq!(
        distance(560001, 570001, ten_per_cent_above),
        Vec::<String>::new()
    );
    assert_eq!(
        distance(560001, 570001, ten_per_cent_above + 1),
        vec!["4038"]
    );
    // Shorter than computed is allowed.
    assert_eq!(distance(560001, 570001, 1), Vec::<String>::new());
    // Same PIN: 1 to 100 km.
    assert_eq!(distance(560001, 560001, 100), Vec::<String>::new());
    assert_eq!(distance(560001, 560001, 0), vec!["4029"]);
}

#[test]
fn warnings_never_refuse_a_document() {
    let mut v = b2b_inter();
    v["ShipDtls"] = ship_to("29", 560001);
    let found = findings(&v);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(openirp_rules::passes(&found));
    assert_eq!(openirp_rules::errors(&found).count(), 0);
    assert_eq!(openirp_rules::warnings(&found).count(), 1);
}

#[test]
fn offline_validation_skips_master_rules_but_still_checks_checksums() {
    let v = b2b_inter();
    let offline = |s: &mut Setup| {
        s.gstin_master = false;
        s.seller = None;
        s.buyer = None;
        s.caller = String::new();
    };
    assert_eq!(findings_with(&v, offline), vec![]);
    let mut bad = v.clone();
    bad["BuyerDtls"]["Gstin"] = json!("27AAPFU0939F1ZW");
    let found = findings_with(&bad, offline);
    assert_eq!(
        summary(&found),
        vec![("buyer_gstin_checksum", "3028", "/BuyerDtls/Gstin")]
    );
    // The same with a master: unknown is reported once, not twice.
    let found = findings_with(&bad, |s| s.buyer = None);
    assert_eq!(
        summary(&found),
        vec![("buyer_gstin_known", "3028", "/BuyerDtls/Gstin")]
    );
}

#[test]
fn context_offline_has_no_master_and_no_caller() {
    let ctx = openirp_rules::Context::offline(today());
    assert!(!ctx.gstin_master);
    assert!(ctx.caller_gstin.is_empty());
    assert!(ctx.enforce_checksum);
}

#[test]
fn the_reporting_window_threshold_follows_the_reporting_date() {
    let mut v = b2b_inter();
    v["DocDtls"]["Dt"] = json!("01/01/2025");
    // AATO 50 Cr: not bound before 01/04/2025 (threshold 100 Cr), bound after (10 Cr).
    let early = findings_with(&v, |s| {
        s.aato_crore = aato(50);
        s.today = date(15, 3, 2025);
    });
    assert_eq!(summary(&early)[0].0, "reporting_window_not_applied");
    let late = findings_with(&v, |s| {
        s.aato_crore = aato(50);
        s.today = date(15, 4, 2025);
    });
    assert_eq!(summary(&late)[0].0, "reporting_window");
    // The master record's AATO counts too.
    v["DocDtls"]["Dt"] = json!("01/11/2023");
    let from_master = findings_with(&v, |s| {
        s.seller.as_mut().unwrap().aato_crore = aato(150);
        s.today = date(15, 12, 2023);
    });
    assert_eq!(summary(&from_master)[0].0, "reporting_window");
    // Reportable up to and including the 30th day (document date + 29).
    v["DocDtls"]["Dt"] = json!("17/10/2025");
    let last_day = findings_with(&v, |s| s.aato_crore = aato(20));
    assert_eq!(
        summary(&last_day),
        vec![("reporting_window_closing", "2268", "/DocDtls/Dt")]
    );
    assert!(
        last_day[0].message.contains("15/11/2025"),
        "{}",
        last_day[0].message
    );
    v["DocDtls"]["Dt"] = json!("16/10/2025");
    let too_late = findings_with(&v, |s| s.aato_crore = aato(20));
    assert_eq!(
        summary(&too_late),
        vec![("reporting_window", "2268", "/DocDtls/Dt")]
    );
}

#[test]
fn forty_per_cent_is_valid_only_from_22_september_2025() {
    let mut v = b2b_inter();
    v["ItemList"][0]["GstRt"] = json!(40);
    v["ItemList"][0]["IgstAmt"] = json!(400);
    balance(&mut v);
    assert_eq!(codes(&v), Vec::<&str>::new());
    v["DocDtls"]["Dt"] = json!("21/09/2025");
    assert_eq!(codes(&v), vec!["2240"]);
}

#[test]
fn the_other_codes_of_multi_code_rules() {
    let one = |v: &Value| -> Vec<(&'static str, &'static str, String)> {
        findings(v)
            .into_iter()
            .map(|f| (f.rule, f.code, f.pointer))
            .collect()
    };
    let date_rule = "ewb_transport_document_date";
    let v = with(ship_ewb(), |v| {
        v["EwbDtls"]["TransDocDt"] = json!("16/11/2025")
    });
    assert_eq!(
        one(&v),
        vec![(date_rule, "4016", "/EwbDtls/TransDocDt".into())]
    );
    let v = with(ship_ewb(), |v| {
        v["EwbDtls"]["TransDocDt"] = json!("09/11/2025")
    });
    assert_eq!(
        one(&v),
        vec![(date_rule, "4021", "/EwbDtls/TransDocDt".into())]
    );

    let v = with(export_with_ewb(), |v| v["ShipDtls"]["Stcd"] = json!("96"));
    assert_eq!(
        one(&v),
        vec![
            (
                "export_ship_to_place_of_export",
                "2236",
                "/ShipDtls/Stcd".into()
            ),
            ("ewb_export_ship_to", "4032", "/ShipDtls/Stcd".into())
        ]
    );
    let v = with(export_with_ewb(), |v| v["ShipDtls"]["Pin"] = json!(999999));
    assert_eq!(
        one(&v),
        vec![
            (
                "export_ship_to_place_of_export",
                "2236",
                "/ShipDtls/Pin".into()
            ),
            ("ewb_export_ship_to", "4033", "/ShipDtls/Pin".into())
        ]
    );
    let v = with(with_ewb(), |v| v["DispDtls"] = dispatch("29", 999999));
    assert_eq!(
        one(&v),
        vec![("ewb_dispatch_in_india", "4036", "/DispDtls/Pin".into())]
    );
    let v = with(export_with_ewb(), |v| {
        v.as_object_mut().unwrap().remove("ShipDtls");
        v["EwbDtls"]["Distance"] = json!(0);
    });
    assert_eq!(
        one(&v),
        vec![
            ("ewb_export_ship_to", "4031", "/ShipDtls".into()),
            (
                "ewb_distance_computable",
                "4034",
                "/EwbDtls/Distance".into()
            )
        ]
    );
    // Deemed export to URP has its own code.
    let mut v = b2b_inter();
    v["TranDtls"]["SupTyp"] = json!("DEXP");
    v["BuyerDtls"]["Gstin"] = json!("URP");
    assert_eq!(
        one(&v),
        vec![("urp_only_for_exports", "2171", "/BuyerDtls/Gstin".into())]
    );
}
