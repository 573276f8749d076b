//! Invoices validated per second on one core: OpenIRP's full validation engine against schema-only
//! validation by the `jsonschema` crate with the published INV-01 JSON Schema, side by side in one run.
//!
//! `cargo bench -p openirp --bench validate`
//!
//! Both columns start from the raw JSON bytes. The engine reads the text itself (`check_schema_text`,
//! as the server and the CLI do); the peer needs a `serde_json::Value`, so its row includes that parse,
//! shown alone on the last row. Every case gets a warm-up, then five timed runs of at least one second
//! each on this thread; the median run is reported. Nothing here asserts a timing.

use openirp_rules::{Context, check_schema, check_schema_text, passes, validate};
use serde_json::Value;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The binary runs on mimalloc; measure with the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCHEMA: &str = include_str!("../../model/data/inv-01.schema.json");
const SELLER: &str = "29AAGCB7383J1Z4";
const WARM_UP: Duration = Duration::from_millis(500);
const RUN: Duration = Duration::from_secs(1);
const RUNS: usize = 5;

/// An intra-state B2B invoice (Karnataka to Karnataka, CGST + SGST at 18 %) with `items` goods lines
/// whose arithmetic adds up, as raw JSON text.
fn invoice(buyer: &str, date: &str, items: u32) -> String {
    let lines: Vec<String> = (1..=items)
        .map(|i| {
            format!(
                r#"{{"SlNo":"{i}","PrdDesc":"Laptop computer model {i}","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":50000.00,"TotAmt":100000.00,"Discount":0,"AssAmt":100000.00,"GstRt":18,"IgstAmt":0,"CgstAmt":9000.00,"SgstAmt":9000.00,"CesRt":0,"CesAmt":0,"TotItemVal":118000.00}}"#
            )
        })
        .collect();
    let n = u64::from(items);
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B","RegRev":"N","IgstOnIntra":"N"}},"DocDtls":{{"Typ":"INV","No":"BENCH/{items}","Dt":"{date}"}},"SellerDtls":{{"Gstin":"{SELLER}","LglNm":"Bench Traders Private Limited","TrdNm":"Bench Traders","Addr1":"12 MG Road","Addr2":"Ashok Nagar","Loc":"Bengaluru","Pin":560001,"Stcd":"29","Ph":"9000000000","Em":"billing@example.com"}},"BuyerDtls":{{"Gstin":"{buyer}","LglNm":"Vikas Exports","TrdNm":"Vikas Exports","Pos":"29","Addr1":"7th block, Kuvempu Layout","Loc":"Bengaluru","Pin":560004,"Stcd":"29"}},"ItemList":[{lines}],"ValDtls":{{"AssVal":{ass}.00,"CgstVal":{tax}.00,"SgstVal":{tax}.00,"IgstVal":0,"CesVal":0,"StCesVal":0,"Discount":0,"OthChrg":0,"RndOffAmt":0,"TotInvVal":{tot}.00}}}}"#,
        lines = lines.join(","),
        ass = 100_000 * n,
        tax = 9_000 * n,
        tot = 118_000 * n,
    )
}

/// The median of `RUNS` timed runs of `op`, each at least `RUN` long, after a warm-up: seconds per call.
fn time_per_call(mut op: impl FnMut()) -> f64 {
    let spin = |span: Duration, op: &mut dyn FnMut()| {
        let start = Instant::now();
        let mut calls = 0u64;
        let mut batch = 1u64;
        loop {
            for _ in 0..batch {
                op();
            }
            calls += batch;
            let elapsed = start.elapsed();
            if elapsed >= span {
                return elapsed.as_secs_f64() / calls as f64;
            }
            // Check the clock about every millisecond, not after every call.
            batch = (batch * 2).min(1 + calls / (elapsed.as_millis() as u64).max(1));
        }
    };
    spin(WARM_UP, &mut op);
    let mut runs: Vec<f64> = (0..RUNS).map(|_| spin(RUN, &mut op)).collect();
    runs.sort_by(f64::total_cmp);
    runs[RUNS / 2]
}

fn main() {
    let today = openirp_model::time::ist_date(chrono::Utc::now().timestamp());
    let date = openirp_model::time::format_doc_date(today);
    let buyer = openirp_model::gstin::make_gstin(29, "AAPFU0939F", 1).expect("a valid GSTIN");
    // No GSTIN master: the rules that need one are skipped, everything else (checksums included) runs.
    let mut ctx = Context::new(SELLER, today);
    ctx.gstin_master = false;

    let schema: Value = serde_json::from_str(SCHEMA).expect("inv-01.schema.json is JSON");
    let json_schema = jsonschema::draft202012::new(&schema).expect("inv-01.schema.json compiles");

    // The engine reads the text itself (the server's and the CLI's path): no `Value` tree.
    let engine = |bytes: &[u8]| -> bool {
        let Ok(checked) = std::str::from_utf8(bytes)
            .map_err(|_| ())
            .and_then(|text| check_schema_text(text).map_err(|_| ()))
        else {
            return false;
        };
        match checked {
            Ok((canon, invoice)) => {
                let findings = validate(&invoice, &ctx);
                let ok = passes(&findings);
                black_box((canon, findings));
                ok
            }
            Err(findings) => {
                black_box(findings);
                false
            }
        }
    };
    let engine_schema = |bytes: &[u8]| -> bool {
        std::str::from_utf8(bytes)
            .is_ok_and(|text| black_box(check_schema_text(text)).is_ok_and(|c| c.is_ok()))
    };
    let schema_only = |bytes: &[u8]| -> bool {
        serde_json::from_slice::<Value>(bytes).is_ok_and(|value| json_schema.is_valid(&value))
    };
    let parse_only = |bytes: &[u8]| -> bool {
        serde_json::from_slice::<Value>(bytes).is_ok_and(|v| black_box(v).is_object())
    };

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "INV-01 validation on one thread (CPUs available to this process: {cores}); the JSON parse is included in every row."
    );
    println!(
        "Each row: {} ms warm-up, then the median of {RUNS} runs of at least {} s.",
        WARM_UP.as_millis(),
        RUN.as_secs()
    );
    println!();
    println!(
        "{:<9} {:>7}  {:<40} {:>12} {:>12}",
        "invoice", "bytes", "validation", "invoices/s", "µs/invoice"
    );
    println!("{}", "-".repeat(84));
    let mut ratios = Vec::new();
    for items in [1u32, 50] {
        let doc = invoice(&buyer, &date, items);
        let bytes = doc.as_bytes();
        // Measure the success path only: both validators must accept the document.
        let value: Value = serde_json::from_slice(bytes).expect("the bench invoice is JSON");
        match check_schema(&value) {
            Ok((_, inv)) => {
                let findings = validate(&inv, &ctx);
                assert!(
                    passes(&findings),
                    "the engine refuses the bench invoice: {findings:#?}"
                );
            }
            Err(findings) => panic!("the bench invoice fails the schema: {findings:#?}"),
        }
        let errors: Vec<String> = json_schema
            .iter_errors(&value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "the JSON Schema refuses the bench invoice: {errors:#?}"
        );

        let label = format!("{items} item{}", if items == 1 { "" } else { "s" });
        let row = |name: &str, secs: f64| {
            println!(
                "{label:<9} {:>7}  {name:<40} {:>12.0} {:>12.2}",
                bytes.len(),
                1.0 / secs,
                secs * 1e6
            );
        };
        let a = time_per_call(|| assert!(engine(black_box(bytes))));
        row("(a) OpenIRP engine: schema + rules", a);
        let a_schema = time_per_call(|| assert!(engine_schema(black_box(bytes))));
        row("    of which its schema check", a_schema);
        let b = time_per_call(|| assert!(schema_only(black_box(bytes))));
        row("(b) jsonschema crate: schema only", b);
        let p = time_per_call(|| assert!(parse_only(black_box(bytes))));
        row("    of which the Value parse", p);
        println!();
        ratios.push((label, a / b));
    }
    println!(
        "ratio (a)/(b), time per invoice (>1 means the full engine is slower than schema-only):"
    );
    for (label, ratio) in ratios {
        println!("  {label:<9} {ratio:>6.2}");
    }
}
