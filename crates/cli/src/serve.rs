//! `openirp serve`.

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use openirp_server::{Config, Mode, Shared};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Sandbox,
    Production,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "OPENIRP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Where the database and the keys live.
    #[arg(long, env = "OPENIRP_DATA_DIR", default_value = "./openirp-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL instead of the embedded SQLite file, e.g. postgres://irp@db.internal/openirp (the keys
    /// stay in --data-dir).
    #[arg(
        long = "database",
        env = "OPENIRP_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// PostgreSQL connections this node may open (the server's max_connections must cover every
    /// node's pool).
    #[arg(long, env = "OPENIRP_DATABASE_POOL", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_pool: u32,
    /// sandbox: test-data API and movable clock; production: neither.
    #[arg(long, env = "OPENIRP_MODE", value_enum, default_value = "sandbox")]
    pub mode: ModeArg,
    /// Auth token lifetime in minutes (NIC: 360).
    #[arg(long, env = "OPENIRP_TOKEN_MINUTES", default_value_t = 360, value_parser = clap::value_parser!(i64).range(1..=10_080))]
    pub token_minutes: i64,
    /// Refuse get-by-IRN/by-document for IRNs older than 2 days (NIC's error 2283).
    #[arg(long, env = "OPENIRP_EMULATE_2DAY_LIMIT")]
    pub emulate_two_day_limit: bool,
    /// Answer a resend of an identical document with its original acknowledgement instead of 2150.
    #[arg(long, env = "OPENIRP_REPLAY_IDENTICAL_RESENDS")]
    pub replay_identical_resends: bool,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "OPENIRP_MAX_BODY_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Two-digit prefix of the AckNos this node mints (give each node its own).
    #[arg(long, env = "OPENIRP_ACK_PREFIX", default_value_t = 11, value_parser = clap::value_parser!(u8).range(10..=99))]
    pub ack_prefix: u8,
    /// Record this node's keys as the ones every node of the database must hold, replacing those
    /// recorded before: for one start after a deliberate key change (every node then needs the new
    /// keys). A flag only, never an environment variable, so that it cannot stay on by accident.
    #[arg(long)]
    pub adopt_keys: bool,
    /// Mark portal cookies Secure (set this when users reach the portal over HTTPS).
    #[arg(long, env = "OPENIRP_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Production: SMTP server for e-mail, e.g. smtps://user:pass@mail.example.com or smtp://127.0.0.1:25.
    #[arg(long, env = "OPENIRP_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Production: the From address of portal e-mail.
    #[arg(
        long,
        env = "OPENIRP_SMTP_FROM",
        default_value = "OpenIRP <no-reply@localhost>"
    )]
    pub smtp_from: String,
    /// Production: HTTP SMS gateway; receives POST {"to": mobile, "text": message}.
    #[arg(long, env = "OPENIRP_SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,
    /// Production: bearer token for the SMS gateway.
    #[arg(long, env = "OPENIRP_SMS_GATEWAY_TOKEN", hide_env_values = true)]
    pub sms_gateway_token: Option<String>,
}

impl ServeArgs {
    /// The server configuration these flags describe.
    pub fn config(&self) -> Config {
        let mut config = Config::new(&self.data_dir);
        config.listen = self.listen;
        config.mode = match self.mode {
            ModeArg::Sandbox => Mode::Sandbox,
            ModeArg::Production => Mode::Production,
        };
        config.token_minutes = self.token_minutes;
        config.emulate_two_day_limit = self.emulate_two_day_limit;
        config.replay_identical_resends = self.replay_identical_resends;
        config.max_body_bytes = self.max_body_bytes;
        config.ack_prefix = self.ack_prefix;
        config.database_url = self.database_url.clone();
        config.database_pool = self.database_pool;
        config.adopt_keys = self.adopt_keys;
        if config.mode == Mode::Production {
            config.issuer = "OpenIRP".to_string();
        }
        config
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let state = openirp_server::open(args.config())
            .await
            .context("starting the server")?;
        let portal = portal(&args, &state)?;
        portal.spawn_housekeeping();
        let listener = openirp_server::bind(&state).await?;
        print_banner(&state, listener.local_addr()?);
        let app = openirp_portal::app(portal);
        openirp_server::serve_app(state, app, listener, shutdown_signal()).await?;
        tracing::info!("stopped; every acknowledged IRN is on disk");
        Ok(())
    })
}

/// The developer portal over the server state: sandbox messages go to the outbox, production ones out
/// by SMTP and the SMS gateway.
fn portal(args: &ServeArgs, state: &Shared) -> anyhow::Result<openirp_portal::PortalState> {
    use openirp_portal::messaging::{MessagingConfig, Messenger};
    let config = MessagingConfig {
        smtp_url: args.smtp_url.clone(),
        smtp_from: args.smtp_from.clone(),
        sms_gateway_url: args.sms_gateway_url.clone(),
        sms_gateway_token: args.sms_gateway_token.clone(),
    };
    let messenger = Messenger::for_server(state, config)
        .context("production messaging (--smtp-url / --sms-gateway-url)")?;
    let settings = openirp_portal::PortalSettings {
        secure_cookies: args.secure_cookies,
        ..Default::default()
    };
    Ok(openirp_portal::Portal::new(
        state.clone(),
        settings,
        messenger,
    ))
}

fn print_banner(state: &Shared, addr: SocketAddr) {
    let c = &state.config;
    let k = &state.keys;
    let reused = if k.created { "created" } else { "reused" };
    let url = format!("http://{addr}");
    println!(
        "OpenIRP {} — NIC-compatible e-Invoice IRP, {} mode",
        env!("CARGO_PKG_VERSION"),
        c.mode.as_str()
    );
    println!("  listening      {url}");
    println!("  portal         {url}/  (API reference {url}/api-docs/)");
    match &c.database_url {
        Some(url) => println!(
            "  data           PostgreSQL {} (pool of {}); keys in {}",
            without_credentials(url),
            c.database_pool,
            c.data_dir.display()
        ),
        None => println!(
            "  data           {} (SQLite, WAL, durable commits)",
            c.data_dir.display()
        ),
    }
    println!(
        "  auth key       {} ({reused}); public key at {url}/keys/auth-public.pem",
        k.auth_key_path.display()
    );
    println!(
        "  signing key    {} ({reused})",
        k.signing_key_path.display()
    );
    println!(
        "  certificate    {} (kid {}); also {url}/keys/signing-cert.pem",
        k.signing_cert_path.display(),
        k.signing.kid()
    );
    println!("  token lifetime {} minutes", c.token_minutes);
    if c.mode == Mode::Sandbox {
        println!(
            "  test taxpayer  curl -s -X POST {url}/sandbox/v1/taxpayers -H 'content-type: application/json' -d '{{\"state_code\":\"29\"}}'"
        );
    }
}

/// Ctrl-C or SIGTERM: stop accepting, finish in-flight requests, flush the store.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// A database URL without its user name and password, for printing.
pub fn without_credentials(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn printed_database_urls_carry_no_credentials() {
        assert_eq!(
            without_credentials("postgres://irp:s3cret@db.internal:5432/openirp"),
            "postgres://…@db.internal:5432/openirp"
        );
        assert_eq!(
            without_credentials("postgres://db.internal/openirp"),
            "postgres://db.internal/openirp"
        );
    }
}
