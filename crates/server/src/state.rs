//! What every handler shares: settings, the store, the keys, the clock and the small per-node caches.

use crate::ack::AckNumbers;
use crate::config::Config;
use crate::secrets::VerifiedSecrets;
use openirp_crypto::ServerKeys;
use openirp_model::time::ShiftableClock;
use openirp_store::Store;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Shared server state.
pub struct AppState {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub keys: ServerKeys,
    pub clock: ShiftableClock,
    pub secrets: VerifiedSecrets,
    pub acks: AckNumbers,
    /// Bounds RSA work on the blocking pool to the number of cores, so signing never starves the
    /// async workers and never oversubscribes the CPU.
    pub signers: Semaphore,
}

/// The handle handlers receive.
pub type Shared = Arc<AppState>;

impl AppState {
    /// Builds the state from its parts.
    pub fn new(config: Config, store: Arc<dyn Store>, keys: ServerKeys) -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        AppState {
            acks: AckNumbers::new(config.ack_prefix),
            config,
            store,
            keys,
            clock: ShiftableClock::new(),
            secrets: VerifiedSecrets::default(),
            signers: Semaphore::new(cores),
        }
    }

    /// Now, by the injected clock (epoch seconds).
    pub fn now(&self) -> i64 {
        use openirp_model::time::Clock;
        self.clock.now()
    }
}
