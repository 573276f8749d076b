//! Server settings, set by the CLI from flags and `OPENIRP_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

/// `sandbox` offers self-service test data and a movable clock; `production` offers neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Sandbox,
    Production,
}

impl Mode {
    /// The name used on the command line and in the banner.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sandbox => "sandbox",
            Mode::Production => "production",
        }
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub mode: Mode,
    /// Auth token lifetime; NIC's production value is 360 minutes.
    pub token_minutes: i64,
    /// Emulate NIC's 2-day limit on the get APIs (error 2283); off by default: data is served for life.
    pub emulate_two_day_limit: bool,
    /// A resend of a document with exactly the same content gets the original acknowledgement (Status 1)
    /// instead of NIC's 2150, so a client that timed out can simply send again. Off by default: NIC
    /// answers 2150 with DUPIRN, and clients are written for that.
    pub replay_identical_resends: bool,
    /// Largest request body accepted (5002 above it).
    pub max_body_bytes: usize,
    /// Items per invoice (2173 above it).
    pub max_items: usize,
    /// The two leading digits of every AckNo this node mints.
    pub ack_prefix: u8,
    /// The `iss` claim of signed invoices and QR codes.
    pub issuer: String,
    /// Whether commits wait for the disk (fsync); only tests that do not care turn this off.
    pub durable: bool,
    /// A PostgreSQL URL (`postgres://…`); `None` keeps the embedded SQLite file in `data_dir`. The keys
    /// stay in `data_dir` either way.
    pub database_url: Option<String>,
    /// The most PostgreSQL connections this node opens.
    pub database_pool: u32,
    /// Record this node's keys as the ones every node of the database must hold, replacing those
    /// recorded before (after a deliberate key change). Off: a node with other keys is refused.
    pub adopt_keys: bool,
}

impl Config {
    /// Defaults for a data directory: sandbox mode on 127.0.0.1:8080.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: data_dir.into(),
            mode: Mode::Sandbox,
            token_minutes: 360,
            emulate_two_day_limit: false,
            replay_identical_resends: false,
            max_body_bytes: 4 * 1024 * 1024,
            max_items: 1000,
            ack_prefix: 11,
            issuer: "OpenIRP Sandbox".to_string(),
            durable: true,
            database_url: None,
            database_pool: 16,
            adopt_keys: false,
        }
    }
}
