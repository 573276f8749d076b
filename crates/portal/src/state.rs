//! The portal's shared state: the server's state plus what only the portal needs.

use crate::messaging::Messenger;
use crate::status::RequestStats;
use openirp_server::Shared;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Instant;

/// Portal settings, set by the CLI.
#[derive(Debug, Clone)]
pub struct PortalSettings {
    /// Mark cookies `Secure` (set when the portal is reached over HTTPS).
    pub secure_cookies: bool,
    /// How long a signed-in browser session lasts.
    pub session_minutes: i64,
}

impl Default for PortalSettings {
    fn default() -> Self {
        PortalSettings {
            secure_cookies: false,
            session_minutes: 8 * 60,
        }
    }
}

/// Everything portal handlers share.
pub struct Portal {
    pub app: Shared,
    pub settings: PortalSettings,
    pub messenger: Messenger,
    /// Keys the CSRF tokens; derived from the server's auth key so every node of a deployment agrees.
    pub cookie_key: [u8; 32],
    pub started: Instant,
    pub stats: RequestStats,
}

/// The handle portal handlers receive.
pub type PortalState = Arc<Portal>;

impl Portal {
    /// Builds the portal over the server's state.
    pub fn new(app: Shared, settings: PortalSettings, messenger: Messenger) -> PortalState {
        let mut hasher = Sha256::new();
        hasher.update(b"openirp portal csrf v1\0");
        hasher.update(app.keys.auth.to_pkcs8_pem().as_bytes());
        Arc::new(Portal {
            app,
            settings,
            messenger,
            cookie_key: hasher.finalize().into(),
            started: Instant::now(),
            stats: RequestStats::default(),
        })
    }

    /// Now, by the server's injected clock (epoch seconds).
    pub fn now(&self) -> i64 {
        self.app.now()
    }

    /// Every ten minutes, deletes expired portal sessions, OTPs a day past expiry and registrations
    /// whose OTP was never confirmed within a day, so abandoned sign-ups cannot grow the store forever.
    pub fn spawn_housekeeping(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        const EVERY: std::time::Duration = std::time::Duration::from_secs(600);
        const DAY: i64 = 86_400;
        let portal = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(EVERY).await;
                let now = portal.now();
                match portal
                    .app
                    .store
                    .purge_expired(now, now - DAY, now - DAY)
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(rows = n, "portal housekeeping: expired rows deleted"),
                    Err(e) => tracing::warn!(error = %e, "portal housekeeping failed"),
                }
            }
        })
    }

    /// Whether the server runs in sandbox mode.
    pub fn sandbox(&self) -> bool {
        self.app.config.mode == openirp_server::Mode::Sandbox
    }
}
