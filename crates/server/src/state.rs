//! What every handler shares: settings, the store, the keys, the clock and the small per-node caches.

use crate::config::Config;
use crate::numbers::{AckNumbers, EwbNumbers};
use crate::secrets::VerifiedSecrets;
use crate::signing::SigningPool;
use openirp_crypto::ServerKeys;
use openirp_model::time::ShiftableClock;
use openirp_store::Store;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Shared server state.
pub struct AppState {
    pub config: Config,
    pub store: Arc<dyn Store>,
    pub keys: ServerKeys,
    pub clock: ShiftableClock,
    pub secrets: VerifiedSecrets,
    pub acks: AckNumbers,
    pub ewb_numbers: EwbNumbers,
    /// RSA signing threads, one per core, off the async workers.
    pub signers: SigningPool,
    /// Sandbox fault: the next Generate IRN commits, then drops the connection unanswered (one shot).
    pub drop_next_generate_response: AtomicBool,
    /// Sandbox fault: Generate IRN of some GSTINs held a while before it is stored.
    pub generate_holds: crate::sandbox::GenerateHolds,
}

/// The handle handlers receive.
pub type Shared = Arc<AppState>;

impl AppState {
    /// Builds the state from its parts and starts the signer threads.
    pub fn new(config: Config, store: Arc<dyn Store>, keys: ServerKeys) -> std::io::Result<Self> {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let signers = SigningPool::start(keys.signing.clone(), cores)?;
        Ok(AppState {
            acks: AckNumbers::new(config.ack_prefix),
            ewb_numbers: EwbNumbers::new(),
            config,
            store,
            keys,
            clock: ShiftableClock::new(),
            secrets: VerifiedSecrets::default(),
            signers,
            drop_next_generate_response: AtomicBool::new(false),
            generate_holds: Default::default(),
        })
    }

    /// Now, by the injected clock (epoch seconds).
    pub fn now(&self) -> i64 {
        use openirp_model::time::Clock;
        self.clock.now()
    }
}
