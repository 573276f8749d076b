//! `openirp bench`: Generate IRN end to end over HTTP with concurrent clients and unique documents,
//! against the RSA-2048 signing rate of the same machine measured in the same run.
//!
//! By default it starts its own server in this process (a temporary data directory, durable commits)
//! on a loopback port; `--url` points it at a running server instead (sandbox mode, to make a taxpayer).
//! `--database` puts the embedded server on PostgreSQL, and `--nodes` starts several embedded servers on
//! that one database with one key folder and distinct AckNo prefixes, the requests spread round-robin.

mod bulk;

use anyhow::{Context as _, bail};
use clap::Args;
use openirp_client::{Credentials, NicClient, encrypted_request_body};
use openirp_crypto::SigningIdentity;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BenchArgs {
    /// A running OpenIRP sandbox to measure; without it, an embedded server is started.
    #[arg(long)]
    pub url: Option<String>,
    /// Timed Generate IRN requests (each a distinct document).
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Items per invoice.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub items: u16,
    /// Also time the CLI's bulk path (`openirp generate` on a CSV of this many invoices: conversion,
    /// offline validation, concurrent sending, journal) against the same server.
    #[arg(long)]
    pub bulk: Option<usize>,
    /// Ask for an e-way bill with every IRN (`EwbDtls` by road, distance 0: computed from the PIN codes).
    #[arg(long)]
    pub ewb: bool,
    /// Then time `GET /api/v1/gstr1` of the month, built from every IRN the run registered.
    #[arg(long)]
    pub gstr1: bool,
    /// Seconds spent measuring the RSA-2048 signing rate.
    #[arg(long, default_value_t = 3.0)]
    pub sign_seconds: f64,
    /// Run the embedded server on this PostgreSQL database (postgres://…) instead of a SQLite file.
    #[arg(long = "database")]
    pub database_url: Option<String>,
    /// Embedded servers to start on the one --database, sharing one key folder, each with its own AckNo
    /// prefix (11, 12, …); the timed requests go to them in turn.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=4))]
    pub nodes: u8,
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.requests == 0 || args.concurrency == 0 {
        bail!("--requests and --concurrency must be positive");
    }
    if args.url.is_some() && (args.database_url.is_some() || args.nodes > 1) {
        bail!("--database and --nodes set up the embedded server; they do not apply with --url");
    }
    if args.nodes > 1 && args.database_url.is_none() {
        bail!("--nodes above 1 needs --database: the nodes share one PostgreSQL database");
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "measuring the RSA-2048 signing rate on one core ({} s)…",
        args.sign_seconds
    );
    let sign_rate = rsa_sign_rate(Duration::from_secs_f64(args.sign_seconds))?;

    let embedded = match &args.url {
        Some(_) => None,
        None => Some(Embedded::start(args.database_url.as_deref(), args.nodes)?),
    };
    let bases: Vec<String> = match (&args.url, &embedded) {
        (Some(url), _) => vec![url.trim_end_matches('/').to_string()],
        (None, Some(e)) => e.servers.iter().map(|s| s.base.clone()).collect(),
        (None, None) => unreachable!("an embedded server is started without --url"),
    };
    let base = bases[0].clone();
    let backend = match (&args.url, &args.database_url) {
        (Some(_), _) => "the running server's".to_string(),
        (None, Some(url)) => format!("PostgreSQL {}", crate::serve::without_credentials(url)),
        (None, None) => "SQLite (durable commits)".to_string(),
    };
    let load = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = load.block_on(drive(&bases, &args));
    let bulk = match (&result, args.bulk) {
        (Ok(_), Some(n)) if n > 0 => Some(load.block_on(bulk::drive(&base, n, &args))),
        _ => None,
    };
    drop(embedded);
    let result = result?;

    let ceiling = sign_rate * cores as f64 / 2.0;
    let ratio = result.irn_per_sec / ceiling;
    println!();
    println!("Generate IRN, end to end over HTTP ({})", bases.join(", "));
    println!("  backend          {backend}");
    println!(
        "  nodes            {} ({})",
        bases.len(),
        if args.url.is_some() {
            "behind --url"
        } else if bases.len() > 1 {
            "embedded, one database, one key folder, requests round-robin"
        } else {
            "embedded"
        }
    );
    println!(
        "  requests         {} ({} items each, {} in flight)",
        args.requests, args.items, args.concurrency
    );
    println!("  errors           {}", result.errors);
    println!("  elapsed          {:.2} s", result.elapsed.as_secs_f64());
    println!("  throughput       {:.0} IRN/s", result.irn_per_sec);
    println!("  latency p50      {:.2} ms", ms(result.p50));
    println!("  latency p99      {:.2} ms", ms(result.p99));
    println!("  RSA-2048 signs   {sign_rate:.0}/s on one core; {cores} cores");
    println!("  ratio            {ratio:.2}  = IRN/s ÷ (sign rate × cores ÷ 2)");
    if args.ewb {
        println!(
            "  e-way bills      one with every IRN (EwbDtls, distance computed: EWBPPD checked)"
        );
    }
    if let Some((docs, took)) = result.gstr1 {
        let rate = docs as f64 / took.as_secs_f64();
        println!();
        println!("GSTR-1 of the month (GET /api/v1/gstr1)");
        println!("  documents        {docs}");
        println!("  elapsed          {:.3} s", took.as_secs_f64());
        println!("  rate             {rate:.0} documents/s");
        println!(
            "  ratio            {:.1}  = documents/s ÷ IRN/s registered above",
            rate / result.irn_per_sec
        );
    }
    if let Some(bulk) = bulk {
        bulk::print(&bulk?, result.irn_per_sec);
    }
    if result.errors > 0 {
        bail!("{} requests failed", result.errors);
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Signatures per second of one thread, with the key and message size the server signs.
fn rsa_sign_rate(span: Duration) -> anyhow::Result<f64> {
    let identity = SigningIdentity::generate("bench").context("generating a signing key")?;
    let message = vec![b'x'; 3000];
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < span {
        std::hint::black_box(identity.sign_raw(std::hint::black_box(&message)));
        n += 1;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// The embedded servers of a run over one temporary data directory: its key folder is shared by every
/// node, and so is the SQLite file or the PostgreSQL database.
struct Embedded {
    servers: Vec<EmbeddedServer>,
    dir: std::path::PathBuf,
}

impl Embedded {
    /// Starts `nodes` servers one after the other (the first creates the keys and, on PostgreSQL, applies
    /// the migrations; the others load the same keys), with AckNo prefixes 11, 12, …
    fn start(database_url: Option<&str>, nodes: u8) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("openirp-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut embedded = Embedded {
            servers: Vec::new(),
            dir,
        };
        for node in 0..nodes {
            let server = EmbeddedServer::start(&embedded.dir, database_url, 11 + node)
                .with_context(|| format!("starting embedded node {}", node + 1))?;
            embedded.servers.push(server);
        }
        Ok(embedded)
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        self.servers.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A server in this process, on its own runtime.
struct EmbeddedServer {
    base: String,
    runtime: Option<tokio::runtime::Runtime>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl EmbeddedServer {
    fn start(
        dir: &std::path::Path,
        database_url: Option<&str>,
        ack_prefix: u8,
    ) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let mut config = openirp_server::Config::new(dir);
        config.listen = "127.0.0.1:0".parse()?;
        config.database_url = database_url.map(str::to_string);
        config.ack_prefix = ack_prefix;
        let (base, stop, task) = runtime.block_on(async {
            let state = openirp_server::open(config).await?;
            let listener = openirp_server::bind(&state).await?;
            let base = format!("http://{}", listener.local_addr()?);
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            // The whole app as `openirp serve` runs it (portal, status counter), not the NIC routes alone.
            let messenger = openirp_portal::messaging::Messenger::outbox(state.store.clone());
            let portal = openirp_portal::Portal::new(state.clone(), Default::default(), messenger);
            let app = openirp_portal::app(portal);
            let task = tokio::spawn(openirp_server::serve_app(state, app, listener, async {
                let _ = stopped.await;
            }));
            anyhow::Ok((base, stop, task))
        })?;
        Ok(EmbeddedServer {
            base,
            runtime: Some(runtime),
            stop: Some(stop),
            task: Some(task),
        })
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let (Some(rt), Some(task)) = (self.runtime.take(), self.task.take()) {
            let _ = rt.block_on(task);
        }
    }
}

struct Outcome {
    elapsed: Duration,
    irn_per_sec: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
    /// Documents in the month's GSTR-1 and the time it took, with `--gstr1`.
    gstr1: Option<(usize, Duration)>,
}

/// Sets up through the first of `bases` (taxpayer, session), then sends request `i` to `bases[i % n]`.
async fn drive(bases: &[String], args: &BenchArgs) -> anyhow::Result<Outcome> {
    let base = bases[0].as_str();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let taxpayer: serde_json::Value = http
        .post(format!("{base}/sandbox/v1/taxpayers"))
        .json(&serde_json::json!({"state_code": "29"}))
        .send()
        .await?
        .error_for_status()
        .context("creating a sandbox taxpayer (is the server in sandbox mode?)")?
        .json()
        .await?;
    let field = |k: &str| taxpayer[k].as_str().unwrap_or_default().to_string();
    let creds = Credentials {
        client_id: field("client_id"),
        client_secret: field("client_secret"),
        username: field("username"),
        password: field("password"),
        gstin: field("gstin"),
    };
    let pem = NicClient::fetch_auth_public_key(base).await?;
    let mut client = NicClient::new(base, &pem, creds.clone())?;
    let session = client.authenticate(false).await?.clone();
    // Headers, URL and bodies are built once, so the generator spends its share of the CPU on sending.
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in [
        ("content-type", "application/json"),
        ("client_id", &creds.client_id),
        ("client_secret", &creds.client_secret),
        ("gstin", &creds.gstin),
        ("user_name", &creds.username),
        ("authtoken", &session.auth_token),
    ] {
        headers.insert(
            reqwest::header::HeaderName::from_static(name),
            reqwest::header::HeaderValue::from_str(value).context("header value")?,
        );
    }

    // Every document is distinct and encrypted before the clock starts: the run measures the server.
    let warmup = (args.requests / 20).clamp(50, 1000);
    let run_id = std::process::id();
    let date = openirp_model::time::format_doc_date(openirp_model::time::ist_date(
        chrono::Utc::now().timestamp(),
    ));
    let bodies: Vec<bytes::Bytes> = (0..warmup + args.requests)
        .map(|i| {
            let doc = invoice(
                &creds.gstin,
                &format!("B{run_id:X}/{i}"),
                &date,
                args.items,
                args.ewb,
            );
            bytes::Bytes::from(encrypted_request_body(&session.sek, doc.as_bytes()))
        })
        .collect();
    let bodies = Arc::new(bodies);
    let urls: Vec<reqwest::Url> = bases
        .iter()
        .map(|b| format!("{b}/eicore/v1.03/Invoice").parse())
        .collect::<Result<_, _>>()
        .context("server URL")?;
    let urls = Arc::new(urls);

    let ewb = args.ewb;
    let fire = |range: std::ops::Range<usize>| {
        let next = Arc::new(AtomicUsize::new(range.start));
        let end = range.end;
        let workers: Vec<_> = (0..args.concurrency)
            .map(|_| {
                let (http, urls, bodies, headers, next) = (
                    http.clone(),
                    urls.clone(),
                    bodies.clone(),
                    headers.clone(),
                    next.clone(),
                );
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut errors = 0usize;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= end {
                            break;
                        }
                        let url = urls[i % urls.len()].clone();
                        let req = http.post(url).headers(headers.clone());
                        let t = Instant::now();
                        let ok = match req.body(bodies[i].clone()).send().await {
                            Ok(res) => res.bytes().await.is_ok_and(|b| {
                                b.starts_with(br#"{"Status":1"#)
                                    && (!ewb || contains(&b, b"EWBPPD"))
                            }),
                            Err(_) => false,
                        };
                        latencies.push(t.elapsed());
                        if !ok {
                            errors += 1;
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        async move {
            let mut all = Vec::new();
            let mut errors = 0;
            for w in workers {
                let (l, e) = w.await.unwrap_or_default();
                all.extend(l);
                errors += e;
            }
            (all, errors)
        }
    };

    let (_, warm_errors) = fire(0..warmup).await;
    if warm_errors > 0 {
        bail!("{warm_errors} warm-up requests failed: is the server healthy?");
    }
    println!(
        "warm-up done ({warmup} IRNs); timing {} IRNs with {} in flight…",
        args.requests, args.concurrency
    );
    let start = Instant::now();
    let (mut latencies, errors) = fire(warmup..warmup + args.requests).await;
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let gstr1 = if args.gstr1 {
        Some(
            time_gstr1(
                &http,
                base,
                &headers,
                &creds.gstin,
                &date,
                warmup + args.requests,
            )
            .await?,
        )
    } else {
        None
    };
    Ok(Outcome {
        elapsed,
        irn_per_sec: args.requests as f64 / elapsed.as_secs_f64(),
        p50: pct(0.50),
        p99: pct(0.99),
        errors,
        gstr1,
    })
}

/// Times the month's GSTR-1 and checks it lists every registered invoice.
async fn time_gstr1(
    http: &reqwest::Client,
    base: &str,
    headers: &reqwest::header::HeaderMap,
    gstin: &str,
    date: &str,
    expected: usize,
) -> anyhow::Result<(usize, Duration)> {
    let period = format!("{}{}", &date[3..5], &date[6..10]);
    let url = format!("{base}/api/v1/gstr1?gstin={gstin}&period={period}");
    let start = Instant::now();
    let body = http
        .get(url)
        .headers(headers.clone())
        .send()
        .await?
        .error_for_status()
        .context("GET /api/v1/gstr1")?
        .bytes()
        .await?;
    let took = start.elapsed();
    let doc: serde_json::Value = serde_json::from_slice(&body).context("the GSTR-1 JSON")?;
    let listed: usize = doc["b2b"]
        .as_array()
        .map(|parties| {
            parties
                .iter()
                .filter_map(|p| p["inv"].as_array())
                .map(Vec::len)
                .sum()
        })
        .unwrap_or(0);
    if listed != expected {
        bail!("the GSTR-1 lists {listed} invoices, {expected} were registered");
    }
    Ok((listed, took))
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An intra-state B2B invoice to NIC's sandbox buyer with `items` goods lines at 18 %, and with
/// `ewb` an e-way bill by road whose distance the IRP computes (Bengaluru 560001 to 560004).
fn invoice(seller: &str, doc_no: &str, date: &str, items: u16, ewb: bool) -> String {
    let mut lines = Vec::new();
    for i in 1..=items {
        lines.push(format!(
            r#"{{"SlNo":"{i}","PrdDesc":"Laptop computer model {i}","IsServc":"N","HsnCd":"84713010","Qty":2,"Unit":"NOS","UnitPrice":50000.00,"TotAmt":100000.00,"Discount":0,"AssAmt":100000.00,"GstRt":18,"IgstAmt":0,"CgstAmt":9000.00,"SgstAmt":9000.00,"CesRt":0,"CesAmt":0,"TotItemVal":118000.00}}"#
        ));
    }
    let n = u64::from(items);
    format!(
        r#"{{"Version":"1.1","TranDtls":{{"TaxSch":"GST","SupTyp":"B2B","RegRev":"N","IgstOnIntra":"N"}},"DocDtls":{{"Typ":"INV","No":"{doc_no}","Dt":"{date}"}},"SellerDtls":{{"Gstin":"{seller}","LglNm":"Bench Traders Private Limited","TrdNm":"Bench Traders","Addr1":"12 MG Road","Addr2":"Ashok Nagar","Loc":"Bengaluru","Pin":560001,"Stcd":"29","Ph":"9000000000","Em":"billing@example.com"}},"BuyerDtls":{{"Gstin":"29AWGPV7107B1Z1","LglNm":"Vikas Exports","TrdNm":"Vikas Exports","Pos":"29","Addr1":"7th block, Kuvempu Layout","Loc":"Bengaluru","Pin":560004,"Stcd":"29"}},"ItemList":[{lines}],"ValDtls":{{"AssVal":{ass}.00,"CgstVal":{tax}.00,"SgstVal":{tax}.00,"IgstVal":0,"CesVal":0,"StCesVal":0,"Discount":0,"OthChrg":0,"RndOffAmt":0,"TotInvVal":{tot}.00}}{ewb}}}"#,
        lines = lines.join(","),
        ewb = if ewb {
            r#","EwbDtls":{"TransMode":"1","Distance":0,"VehNo":"KA01AB1234","VehType":"R"}"#
        } else {
            ""
        },
        ass = 100_000 * n,
        tax = 9_000 * n,
        tot = 118_000 * n,
    )
}
