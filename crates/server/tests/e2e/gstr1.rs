//! `GET /api/v1/gstr1`: a month of e-invoices of every supply type registered over NIC's wire (one of
//! them then cancelled), and the GSTR-1 JSON the server builds from them, checked against sums this test
//! works out from the documents it sent. Also the endpoint's 401 / 400 / 403 answers.

use crate::harness::{Taxpayer, TestServer, as_refs, session_headers, today};
use openirp_client::NicClient;
use openirp_model::gstin::make_gstin;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Number, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// NIC's sandbox GSTIN in Karnataka, the seller's state: intra-state supplies.
const BUYER_A: &str = "29AWGPV7107B1Z1";

/// A JSON number with exactly this lexeme.
fn n(s: &str) -> Value {
    Value::Number(Number::from_str(s).unwrap())
}

/// A JSON number (or absent field) as an exact decimal.
fn d(v: &Value) -> Decimal {
    match v {
        Value::Null => Decimal::ZERO,
        Value::Number(x) => {
            let t = x.to_string();
            Decimal::from_str_exact(&t)
                .or_else(|_| Decimal::from_scientific(&t))
                .unwrap_or_else(|e| panic!("{t}: {e}"))
        }
        other => panic!("not a number: {other}"),
    }
}

fn r2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A rate as a map key: `18`, `0.1`, `0`.
fn rate_key(v: &Value) -> String {
    d(v).normalize().to_string()
}

/// Tax heads of one item line.
#[derive(Clone, Copy)]
enum Tax {
    /// CGST and SGST, each this much.
    Intra(&'static str),
    Inter(&'static str),
    None,
}

/// One item line: amounts as exact lexemes; `qty` with its unit for goods, `None` for services.
fn item(
    hsn: &str,
    desc: &str,
    qty: Option<(&str, &str)>,
    ass: &str,
    rt: &str,
    tax: Tax,
    cess_non_advl: &str,
) -> Value {
    let mut v = json!({"IsServc": if hsn.starts_with("99") { "Y" } else { "N" }, "PrdDesc": desc,
        "HsnCd": hsn, "UnitPrice": n(ass), "TotAmt": n(ass), "AssAmt": n(ass), "GstRt": n(rt)});
    if let Some((q, unit)) = qty {
        v["Qty"] = n(q);
        v["Unit"] = json!(unit);
        v["UnitPrice"] = n(
            &(Decimal::from_str(ass).unwrap() / Decimal::from_str(q).unwrap())
                .round_dp(3)
                .normalize()
                .to_string(),
        );
    }
    let mut total = Decimal::from_str(ass).unwrap();
    match tax {
        Tax::Intra(half) => {
            v["CgstAmt"] = n(half);
            v["SgstAmt"] = n(half);
            total += Decimal::from_str(half).unwrap() * Decimal::TWO;
        }
        Tax::Inter(igst) => {
            v["IgstAmt"] = n(igst);
            total += Decimal::from_str(igst).unwrap();
        }
        Tax::None => {}
    }
    if cess_non_advl != "0" {
        v["CesNonAdvlAmt"] = n(cess_non_advl);
        total += Decimal::from_str(cess_non_advl).unwrap();
    }
    v["TotItemVal"] = n(&total.to_string());
    v
}

fn goods(hsn: &str, qty: &str, unit: &str, ass: &str, rt: &str, tax: Tax) -> Value {
    item(hsn, "Goods item", Some((qty, unit)), ass, rt, tax, "0")
}

fn service(ass: &str, rt: &str, tax: Tax) -> Value {
    item("998314", "IT consulting", None, ass, rt, tax, "0")
}

/// A buyer: GSTIN (or `URP`), POS, state code and PIN.
#[derive(Clone)]
struct Party {
    gstin: String,
    pos: &'static str,
    stcd: &'static str,
    pin: u32,
}

/// An INV-01 document dated today from `seller` (Bengaluru, 29) to `buyer`; totals are the item sums.
fn document(
    seller: &str,
    sup_typ: &str,
    typ: &str,
    no: &str,
    buyer: &Party,
    items: Vec<Value>,
) -> Value {
    let sum = |k: &str| -> Decimal { items.iter().map(|i| d(&i[k])).sum() };
    let items: Vec<Value> = items
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, mut it)| {
            it["SlNo"] = json!((i + 1).to_string());
            it
        })
        .collect();
    let mut v = json!({"Version": "1.1", "TranDtls": {"TaxSch": "GST", "SupTyp": sup_typ, "RegRev": "N"},
        "DocDtls": {"Typ": typ, "No": no, "Dt": today()},
        "SellerDtls": {"Gstin": seller, "LglNm": "Seller Ltd", "Addr1": "Main Road", "Loc": "Bengaluru",
                       "Pin": 560001, "Stcd": "29"},
        "BuyerDtls": {"Gstin": buyer.gstin, "LglNm": "Buyer Ltd", "Pos": buyer.pos, "Addr1": "Some Road",
                      "Loc": "Somewhere", "Pin": buyer.pin, "Stcd": buyer.stcd},
        "ItemList": items,
        "ValDtls": {"AssVal": n(&sum("AssAmt").to_string()), "CgstVal": n(&sum("CgstAmt").to_string()),
                    "SgstVal": n(&sum("SgstAmt").to_string()), "IgstVal": n(&sum("IgstAmt").to_string()),
                    "CesVal": n(&sum("CesNonAdvlAmt").to_string()),
                    "TotInvVal": n(&sum("TotItemVal").to_string())}});
    if sup_typ.starts_with("EXP") {
        v["ExpDtls"] = json!({"CntCode": "US", "ForCur": "USD"});
    }
    v
}

fn note_of(mut v: Value, original: &str) -> Value {
    v["RefDtls"] = json!({"PrecDocDtls": [{"InvNo": original, "InvDt": today()}]});
    v
}

/// What was sent to the IRP, and whether it was then cancelled.
struct Registered {
    json: Value,
    irn: String,
    cancelled: bool,
}

impl Registered {
    fn typ(&self) -> &str {
        self.json["DocDtls"]["Typ"].as_str().unwrap()
    }
    fn sup_typ(&self) -> &str {
        self.json["TranDtls"]["SupTyp"].as_str().unwrap()
    }
    fn no(&self) -> &str {
        self.json["DocDtls"]["No"].as_str().unwrap()
    }
    fn buyer(&self) -> &str {
        self.json["BuyerDtls"]["Gstin"].as_str().unwrap()
    }
    fn items(&self) -> &Vec<Value> {
        self.json["ItemList"].as_array().unwrap()
    }
    fn val(&self) -> Decimal {
        d(&self.json["ValDtls"]["TotInvVal"])
    }
}

/// txval, iamt, camt, samt, csamt.
type Sums = [Decimal; 5];

fn add(into: &mut Sums, other: &Sums, sign: Decimal) {
    for (a, b) in into.iter_mut().zip(other) {
        *a += *b * sign;
    }
}

/// The sums of one sent item line.
fn item_sums(it: &Value) -> Sums {
    [
        d(&it["AssAmt"]),
        d(&it["IgstAmt"]),
        d(&it["CgstAmt"]),
        d(&it["SgstAmt"]),
        d(&it["CesAmt"]) + d(&it["CesNonAdvlAmt"]),
    ]
}

/// Per rate, the sums of a sent document's items, rounded as the report rounds.
fn per_rate(doc: &Registered) -> BTreeMap<String, Sums> {
    let mut m: BTreeMap<String, Sums> = BTreeMap::new();
    for it in doc.items() {
        add(
            m.entry(rate_key(&it["GstRt"])).or_default(),
            &item_sums(it),
            Decimal::ONE,
        );
    }
    m.values_mut()
        .for_each(|s| s.iter_mut().for_each(|x| *x = r2(*x)));
    m
}

/// Per rate, the figures of a reported `itms[]` (nested `itm_det`, or flat for exports). Checks `num`.
fn reported_per_rate(itms: &Value) -> BTreeMap<String, Sums> {
    let mut m = BTreeMap::new();
    for it in itms.as_array().unwrap() {
        let det = if it.get("itm_det").is_some() {
            let rt = d(&it["itm_det"]["rt"]);
            assert_eq!(
                Decimal::from(it["num"].as_u64().unwrap()),
                rt * Decimal::ONE_HUNDRED + Decimal::ONE,
                "num of {it}"
            );
            &it["itm_det"]
        } else {
            it
        };
        let sums = [
            d(&det["txval"]),
            d(&det["iamt"]),
            d(&det["camt"]),
            d(&det["samt"]),
            d(&det["csamt"]),
        ];
        assert!(
            m.insert(rate_key(&det["rt"]), sums).is_none(),
            "one item per rate: {itms}"
        );
    }
    m
}

/// Adds per-rate sums of many documents.
fn merge(into: &mut BTreeMap<String, Sums>, from: &BTreeMap<String, Sums>) {
    for (rt, s) in from {
        add(into.entry(rt.clone()).or_default(), s, Decimal::ONE);
    }
}

fn dd_mm_yyyy(dt: &str) -> String {
    dt.replace('/', "-")
}

/// The period (MMYYYY) of a `dd/mm/yyyy` date.
fn period_of(dt: &str) -> String {
    format!("{}{}", &dt[3..5], &dt[6..])
}

/// GET /api/v1/gstr1 with `headers`; the status and the JSON.
async fn gstr1(server: &TestServer, query: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut req = server
        .http
        .get(server.url(&format!("/api/v1/gstr1?{query}")));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}"));
    (status, body)
}

async fn register(client: &NicClient, json: Value) -> Registered {
    let out = client
        .generate_irn(json.to_string().as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{} refused: {e:?}\n{json:#}", json["DocDtls"]["No"]));
    Registered {
        irn: out["Irn"].as_str().unwrap().to_string(),
        json,
        cancelled: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gstr1_of_a_month_of_every_supply_type_matches_the_documents_sent() {
    let server = TestServer::start().await;
    let tp: Taxpayer = server.new_taxpayer("29").await;
    let other = server.new_taxpayer("29").await;
    let client = server.logged_in(&tp).await;
    let seller = tp.gstin.clone();

    // Recipients: A intra-state (NIC sandbox dummy), B in Maharashtra, an SEZ unit in Tamil Nadu.
    let buyer_b = make_gstin(27, "AABCB1234F", 1).unwrap();
    let sez = make_gstin(33, "AABCS1234F", 1).unwrap();
    assert_eq!(
        server.put_gstin(json!({"gstin": buyer_b})).await.status(),
        201
    );
    assert_eq!(
        server
            .put_gstin(json!({"gstin": sez, "txp_type": "SEZ"}))
            .await
            .status(),
        201
    );
    let a = Party {
        gstin: BUYER_A.into(),
        pos: "29",
        stcd: "29",
        pin: 560001,
    };
    let b = Party {
        gstin: buyer_b.clone(),
        pos: "27",
        stcd: "27",
        pin: 400001,
    };
    let s = Party {
        gstin: sez.clone(),
        pos: "33",
        stcd: "33",
        pin: 600001,
    };
    let urp = Party {
        gstin: "URP".into(),
        pos: "96",
        stcd: "96",
        pin: 999999,
    };
    let doc = |sup: &str, typ: &str, no: &str, buyer: &Party, items: Vec<Value>| {
        document(&seller, sup, typ, no, buyer, items)
    };

    let mut sent: Vec<Registered> = Vec::new();
    // INV/1: intra-state B2B at 18 % and 5 %, with a non-ad-valorem cess on one line.
    let inv1 = doc(
        "B2B",
        "INV",
        "INV/1",
        &a,
        vec![
            item(
                "84713010",
                "Laptop, 14-inch Pro",
                Some(("2", "NOS")),
                "1000.00",
                "18",
                Tax::Intra("90.00"),
                "12.50",
            ),
            goods("61091000", "10", "PCS", "2000.40", "5", Tax::Intra("50.01")),
        ],
    );
    sent.push(register(&client, inv1).await);
    // INV/2: intra-state B2B, the same recipient, a service and goods at 18 %.
    let inv2 = doc(
        "B2B",
        "INV",
        "INV/2",
        &a,
        vec![
            service("2500", "18", Tax::Intra("225")),
            goods("84713010", "1", "NOS", "500.55", "18", Tax::Intra("45.05")),
        ],
    );
    sent.push(register(&client, inv2).await);
    // INV/3: inter-state B2B to Maharashtra.
    let inv3 = doc(
        "B2B",
        "INV",
        "INV/3",
        &b,
        vec![goods(
            "84713010",
            "5",
            "NOS",
            "5000",
            "18",
            Tax::Inter("900"),
        )],
    );
    sent.push(register(&client, inv3).await);
    // INV/4: reverse charge (inter-state services).
    let mut inv4 = doc(
        "B2B",
        "INV",
        "INV/4",
        &b,
        vec![service("3000", "18", Tax::Inter("540"))],
    );
    inv4["TranDtls"]["RegRev"] = json!("Y");
    sent.push(register(&client, inv4).await);
    // INV/5 and INV/6: SEZ with and without payment of IGST (same HSN and rate: one HSN row).
    let inv5 = doc(
        "SEZWP",
        "INV",
        "INV/5",
        &s,
        vec![goods(
            "73181500",
            "100",
            "KGS",
            "2000",
            "12",
            Tax::Inter("240"),
        )],
    );
    sent.push(register(&client, inv5).await);
    let inv6 = doc(
        "SEZWOP",
        "INV",
        "INV/6",
        &s,
        vec![goods("73181500", "50", "KGS", "1000.50", "12", Tax::None)],
    );
    sent.push(register(&client, inv6).await);
    // INV/7: deemed export, intra-state at 0.1 %.
    let inv7 = doc(
        "DEXP",
        "INV",
        "INV/7",
        &a,
        vec![goods(
            "84713010",
            "1",
            "NOS",
            "10000",
            "0.1",
            Tax::Intra("5"),
        )],
    );
    sent.push(register(&client, inv7).await);
    // INV/8: export with payment of IGST, by sea from Mumbai.
    let mut inv8 = doc(
        "EXPWP",
        "INV",
        "INV/8",
        &urp,
        vec![goods(
            "84713010",
            "8",
            "NOS",
            "8000",
            "18",
            Tax::Inter("1440"),
        )],
    );
    inv8["ExpDtls"] = json!({"Port": "INBOM1", "ShipBNo": "1234567", "ShipBDt": today(), "CntCode": "US", "ForCur": "USD"});
    sent.push(register(&client, inv8).await);
    // INV/9: export of services under LUT, rate 0.
    let inv9 = doc(
        "EXPWOP",
        "INV",
        "INV/9",
        &urp,
        vec![service("4000", "0", Tax::None)],
    );
    sent.push(register(&client, inv9).await);
    // CN/1: credit note to A on INV/1; DN/1: debit note to B on INV/3.
    let cn1 = note_of(
        doc(
            "B2B",
            "CRN",
            "CN/1",
            &a,
            vec![goods("84713010", "1", "NOS", "300", "18", Tax::Intra("27"))],
        ),
        "INV/1",
    );
    sent.push(register(&client, cn1).await);
    let dn1 = note_of(
        doc(
            "B2B",
            "DBN",
            "DN/1",
            &b,
            vec![goods("84713010", "1", "NOS", "200", "18", Tax::Inter("36"))],
        ),
        "INV/3",
    );
    sent.push(register(&client, dn1).await);
    // CN/2: credit note on the export INV/8 (cdnur).
    let mut cn2 = note_of(
        doc(
            "EXPWP",
            "CRN",
            "CN/2",
            &urp,
            vec![goods(
                "84713010",
                "1",
                "NOS",
                "1000",
                "18",
                Tax::Inter("180"),
            )],
        ),
        "INV/8",
    );
    cn2["ExpDtls"] = json!({"Port": "INBOM1", "CntCode": "US", "ForCur": "USD"});
    sent.push(register(&client, cn2).await);
    // INV/10: a B2B invoice, then cancelled.
    let inv10 = doc(
        "B2B",
        "INV",
        "INV/10",
        &a,
        vec![goods("84713010", "1", "NOS", "700", "18", Tax::Intra("63"))],
    );
    let mut cancelled = register(&client, inv10).await;
    client
        .cancel_irn(&cancelled.irn, "2", "Data entry mistake")
        .await
        .unwrap();
    cancelled.cancelled = true;
    sent.push(cancelled);
    assert_eq!(sent.len(), 13);
    let active: Vec<&Registered> = sent.iter().filter(|r| !r.cancelled).collect();

    // ---- The return ----
    let period = period_of(&today());
    let headers = session_headers(&tp, &client);
    let (status, g) = gstr1(
        &server,
        &format!("gstin={seller}&period={period}"),
        &as_refs(&headers),
    )
    .await;
    assert_eq!(status, 200, "{g}");
    println!("GSTR-1: {g:#}");
    assert_eq!(g["gstin"], seller.as_str());
    assert_eq!(g["fp"], period.as_str());
    let idt = dd_mm_yyyy(&today());

    // b2b: active INV of B2B/SEZWP/SEZWOP/DEXP, per (ctin, rate) and per invoice.
    let b2b_docs: Vec<&Registered> = active
        .iter()
        .copied()
        .filter(|r| r.typ() == "INV" && ["B2B", "SEZWP", "SEZWOP", "DEXP"].contains(&r.sup_typ()))
        .collect();
    assert_eq!(b2b_docs.len(), 7);
    let mut want: BTreeMap<String, BTreeMap<String, Sums>> = BTreeMap::new();
    let mut want_count: BTreeMap<String, usize> = BTreeMap::new();
    for r in &b2b_docs {
        let mut raw: BTreeMap<String, Sums> = BTreeMap::new();
        for it in r.items() {
            add(
                raw.entry(rate_key(&it["GstRt"])).or_default(),
                &item_sums(it),
                Decimal::ONE,
            );
        }
        merge(want.entry(r.buyer().to_string()).or_default(), &raw);
        *want_count.entry(r.buyer().to_string()).or_default() += 1;
    }
    let mut got: BTreeMap<String, BTreeMap<String, Sums>> = BTreeMap::new();
    let mut got_count: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_inum = BTreeSet::new();
    for party in g["b2b"].as_array().expect("b2b") {
        let ctin = party["ctin"].as_str().unwrap().to_string();
        for inv in party["inv"].as_array().unwrap() {
            let inum = inv["inum"].as_str().unwrap();
            assert!(seen_inum.insert(inum.to_string()), "{inum} twice");
            let r = b2b_docs
                .iter()
                .find(|r| r.no() == inum)
                .unwrap_or_else(|| panic!("{inum} should not be in b2b"));
            assert_eq!(r.buyer(), ctin, "{inum}");
            assert_eq!(d(&inv["val"]), r.val(), "{inum} val");
            assert_eq!(inv["idt"], idt.as_str(), "{inum}");
            assert_eq!(inv["pos"], r.json["BuyerDtls"]["Pos"], "{inum}");
            let typ = match r.sup_typ() {
                "B2B" => "R",
                "SEZWP" => "SEWP",
                "SEZWOP" => "SEWOP",
                "DEXP" => "DE",
                other => panic!("{other}"),
            };
            assert_eq!(inv["inv_typ"], typ, "{inum}");
            let rchrg = if inum == "INV/4" { "Y" } else { "N" };
            assert_eq!(inv["rchrg"], rchrg, "{inum}");
            assert_eq!(reported_per_rate(&inv["itms"]), per_rate(r), "{inum} items");
            merge(
                got.entry(ctin.clone()).or_default(),
                &reported_per_rate(&inv["itms"]),
            );
            *got_count.entry(ctin.clone()).or_default() += 1;
        }
    }
    for m in want.values_mut() {
        m.values_mut()
            .for_each(|s| s.iter_mut().for_each(|x| *x = r2(*x)));
    }
    assert_eq!(got, want, "b2b sums per (ctin, rate)");
    assert_eq!(got_count, want_count, "b2b invoices per ctin");
    assert_eq!(want_count[BUYER_A], 3, "INV/1, INV/2, INV/7");
    assert_eq!(want_count[&buyer_b], 2);
    assert_eq!(want_count[&sez], 2);
    assert_eq!(want[BUYER_A].keys().collect::<Vec<_>>(), ["0.1", "18", "5"]);
    assert!(!seen_inum.contains("INV/10"), "the cancelled invoice");
    assert!(!seen_inum.contains("INV/8") && !seen_inum.contains("INV/9"));
    // The figures for A's 18 % as a reader would add them by hand: INV/1 line 1 (1000) + INV/2 (2500 + 500.55).
    assert_eq!(
        want[BUYER_A]["18"],
        [
            Decimal::from_str("4000.55").unwrap(),
            Decimal::ZERO,
            Decimal::from_str("360.05").unwrap(),
            Decimal::from_str("360.05").unwrap(),
            Decimal::from_str("12.50").unwrap(),
        ]
    );

    // cdnr: CN/1 (C) to A and DN/1 (D) to B; cdnur: CN/2 on the export.
    let cdnr = g["cdnr"].as_array().expect("cdnr");
    let mut notes_seen = 0;
    for r in active
        .iter()
        .filter(|r| r.typ() != "INV" && !r.sup_typ().starts_with("EXP"))
    {
        let party = cdnr
            .iter()
            .find(|p| p["ctin"] == r.buyer())
            .unwrap_or_else(|| panic!("no cdnr for {}", r.buyer()));
        let nt = party["nt"]
            .as_array()
            .unwrap()
            .iter()
            .find(|nt| nt["nt_num"] == r.no())
            .unwrap_or_else(|| panic!("{} missing", r.no()));
        assert_eq!(nt["ntty"], if r.typ() == "CRN" { "C" } else { "D" });
        assert_eq!(nt["nt_dt"], idt.as_str());
        assert_eq!(d(&nt["val"]), r.val());
        assert_eq!(nt["pos"], r.json["BuyerDtls"]["Pos"]);
        assert_eq!(nt["rchrg"], "N");
        assert_eq!(nt["inv_typ"], "R");
        assert_eq!(reported_per_rate(&nt["itms"]), per_rate(r), "{}", r.no());
        notes_seen += 1;
    }
    assert_eq!(notes_seen, 2);
    assert_eq!(
        cdnr.iter()
            .map(|p| p["nt"].as_array().unwrap().len())
            .sum::<usize>(),
        2
    );
    let cdnur = g["cdnur"].as_array().expect("cdnur");
    assert_eq!(cdnur.len(), 1);
    let cn2 = sent.iter().find(|r| r.no() == "CN/2").unwrap();
    let nt = &cdnur[0];
    assert_eq!(nt["typ"], "EXPWP");
    assert_eq!(nt["ntty"], "C");
    assert_eq!(nt["nt_num"], "CN/2");
    assert_eq!(nt["nt_dt"], idt.as_str());
    assert_eq!(d(&nt["val"]), cn2.val());
    assert!(nt.get("pos").is_none(), "{nt}");
    for it in nt["itms"].as_array().unwrap() {
        let det = it["itm_det"].as_object().unwrap();
        assert!(
            !det.contains_key("camt") && !det.contains_key("samt"),
            "{it}"
        );
    }
    assert_eq!(reported_per_rate(&nt["itms"]), per_rate(cn2));

    // exp: WPAY holds INV/8 with its IGST and shipping bill, WOPAY INV/9.
    let exp = g["exp"].as_array().expect("exp");
    assert_eq!(exp.len(), 2);
    for (exp_typ, no) in [("WPAY", "INV/8"), ("WOPAY", "INV/9")] {
        let group = exp
            .iter()
            .find(|e| e["exp_typ"] == exp_typ)
            .unwrap_or_else(|| panic!("{exp_typ}"));
        let inv = group["inv"].as_array().unwrap();
        assert_eq!(inv.len(), 1, "{exp_typ}");
        let r = sent.iter().find(|r| r.no() == no).unwrap();
        let inv = &inv[0];
        assert_eq!(inv["inum"], no);
        assert_eq!(inv["idt"], idt.as_str());
        assert_eq!(d(&inv["val"]), r.val());
        for it in inv["itms"].as_array().unwrap() {
            assert!(
                it.get("itm_det").is_none() && it.get("num").is_none(),
                "flat: {it}"
            );
        }
        assert_eq!(reported_per_rate(&inv["itms"]), per_rate(r), "{no}");
        if no == "INV/8" {
            assert_eq!(inv["sbpcode"], "INBOM1");
            assert_eq!(inv["sbnum"], "1234567");
            assert_eq!(inv["sbdt"], idt.as_str());
            assert_eq!(d(&inv["itms"][0]["iamt"]), Decimal::from(1440));
        } else {
            assert!(inv.get("sbpcode").is_none());
            assert_eq!(d(&inv["itms"][0]["iamt"]), Decimal::ZERO);
        }
    }

    // hsn: per (hsn, uqc, rate), invoices + debit notes − credit notes, registered vs exports.
    type HsnKey = (String, String, String);
    let mut want_hsn: [BTreeMap<HsnKey, (Decimal, Sums)>; 2] = Default::default();
    for r in &active {
        let side = usize::from(r.sup_typ().starts_with("EXP"));
        let sign = if r.typ() == "CRN" {
            Decimal::NEGATIVE_ONE
        } else {
            Decimal::ONE
        };
        for it in r.items() {
            let hsn = it["HsnCd"].as_str().unwrap().to_string();
            let uqc = if hsn.starts_with("99") {
                "NA".to_string()
            } else {
                it["Unit"].as_str().unwrap_or("OTH").to_string()
            };
            let e = want_hsn[side]
                .entry((hsn, uqc, rate_key(&it["GstRt"])))
                .or_default();
            e.0 += d(&it["Qty"]) * sign;
            add(&mut e.1, &item_sums(it), sign);
        }
    }
    for side in &mut want_hsn {
        side.retain(|_, (_, s)| s.iter().any(|x| !x.is_zero()));
        side.values_mut()
            .for_each(|(_, s)| s.iter_mut().for_each(|x| *x = r2(*x)));
    }
    for (side, key) in [(0, "hsn_b2b"), (1, "hsn_b2c")] {
        let rows = g["hsn"][key].as_array().unwrap_or_else(|| panic!("{key}"));
        let mut got: BTreeMap<HsnKey, (Decimal, Sums)> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row["num"], i + 1, "{key}");
            let k = (
                row["hsn_sc"].as_str().unwrap().to_string(),
                row["uqc"].as_str().unwrap().to_string(),
                rate_key(&row["rt"]),
            );
            let sums = [
                d(&row["txval"]),
                d(&row["iamt"]),
                d(&row["camt"]),
                d(&row["samt"]),
                d(&row["csamt"]),
            ];
            assert!(
                got.insert(k, (d(&row["qty"]), sums)).is_none(),
                "{key}: {row}"
            );
        }
        assert_eq!(got, want_hsn[side], "{key}");
    }
    // By hand: 84713010 NOS 18 % on the registered side is 1000 + 500.55 + 5000 − 300 + 200.
    let laptops = &want_hsn[0][&("84713010".into(), "NOS".into(), "18".into())];
    assert_eq!(laptops.1[0], Decimal::from_str("6400.55").unwrap());
    assert_eq!(laptops.0, Decimal::from(8));
    // The SEZ supplies with and without payment share one row; exports are on the b2c side, net of CN/2.
    assert_eq!(
        want_hsn[0][&("73181500".into(), "KGS".into(), "12".into())].1[0],
        Decimal::from_str("3000.50").unwrap()
    );
    assert_eq!(
        want_hsn[1][&("84713010".into(), "NOS".into(), "18".into())].1[..2],
        [Decimal::from(7000), Decimal::from(1260)]
    );
    assert_eq!(
        want_hsn[1][&("998314".into(), "NA".into(), "0".into())].0,
        Decimal::ZERO
    );

    // doc_issue: every document, the cancelled one included.
    let doc_det = g["doc_issue"]["doc_det"].as_array().expect("doc_issue");
    assert_eq!(doc_det.len(), 3, "{doc_det:?}");
    for (doc_num, typ) in [(1, "INV"), (4, "DBN"), (5, "CRN")] {
        let docs: Vec<&Registered> = sent.iter().filter(|r| r.typ() == typ).collect();
        let tot = docs.len() as u64;
        let cancel = docs.iter().filter(|r| r.cancelled).count() as u64;
        let number =
            |r: &&&Registered| -> u64 { r.no().rsplit('/').next().unwrap().parse().unwrap() };
        let from = docs.iter().min_by_key(number).unwrap().no();
        let to = docs.iter().max_by_key(number).unwrap().no();
        let det = doc_det
            .iter()
            .find(|x| x["doc_num"] == doc_num)
            .unwrap_or_else(|| panic!("nature {doc_num}"));
        let series = det["docs"].as_array().unwrap();
        assert_eq!(series.len(), 1, "one series of {typ}");
        let s = &series[0];
        assert_eq!(s["num"], 1);
        assert_eq!(s["from"], from, "{typ}");
        assert_eq!(s["to"], to, "{typ}");
        assert_eq!(s["totnum"], tot, "{typ}");
        assert_eq!(s["cancel"], cancel, "{typ}");
        assert_eq!(s["net_issue"], tot - cancel, "{typ}");
    }
    let invoices = &doc_det.iter().find(|x| x["doc_num"] == 1).unwrap()["docs"][0];
    assert_eq!(
        (
            &invoices["totnum"],
            &invoices["cancel"],
            &invoices["net_issue"]
        ),
        (&json!(10), &json!(1), &json!(9))
    );

    // ---- Who may ask, and for what ----
    let q = format!("gstin={seller}&period={period}");
    let stranger = server.logged_in(&other).await;
    let theirs = session_headers(&other, &stranger);
    let (status, body) = gstr1(&server, &q, &as_refs(&theirs)).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = gstr1(&server, &q, &[]).await;
    assert_eq!(status, 401, "{body}");
    let mut wrong_token = headers.clone();
    wrong_token[4].1 = "x".repeat(wrong_token[4].1.len());
    let (status, body) = gstr1(&server, &q, &as_refs(&wrong_token)).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = gstr1(
        &server,
        &format!("gstin={seller}&period=132026"),
        &as_refs(&headers),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = gstr1(&server, &format!("gstin={seller}"), &as_refs(&headers)).await;
    assert_eq!(status, 400, "{body}");
    // The same GSTIN in lower case is the session's own.
    let (status, lower) = gstr1(
        &server,
        &format!("gstin={}&period={period}", seller.to_lowercase()),
        &as_refs(&headers),
    )
    .await;
    assert_eq!(status, 200, "{lower}");
    assert_eq!(lower, g);
    // A month with nothing registered: a return with no sections.
    let (m, y) = (&period[..2], &period[2..]);
    let (m, y): (u32, u32) = (m.parse().unwrap(), y.parse().unwrap());
    let previous = if m == 1 {
        format!("12{}", y - 1)
    } else {
        format!("{:02}{y}", m - 1)
    };
    let (status, empty) = gstr1(
        &server,
        &format!("gstin={seller}&period={previous}"),
        &as_refs(&headers),
    )
    .await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty, json!({"gstin": seller, "fp": previous}));
    assert!(empty.get("b2b").is_none());
    server.stop().await;
}
