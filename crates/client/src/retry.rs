//! When and how long to wait before sending a request again.

use std::time::Duration;

use crate::ClientError;

/// Retries of [`crate::NicClient::generate_safely`]: exponential backoff from `base_delay`, doubling
/// per attempt and capped at `max_delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1 is always made).
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based): base, 2×base, 4×base, … ≤ max.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.base_delay
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Failures after which the IRP may or may not have processed the request, or did not get it:
/// transport errors (connect, timeout, broken connection) and gateway 5xx answers. A NIC business
/// error is an answer and is never retried.
pub(crate) fn is_transient(err: &ClientError) -> bool {
    match err {
        ClientError::Http(e) => !e.is_builder(),
        ClientError::Status { status, .. } => *status >= 500,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::default();
        let ms = |a| p.delay_after(a).as_millis();
        assert_eq!([ms(1), ms(2), ms(3), ms(4)], [200, 400, 800, 1600]);
        assert_eq!(ms(6), 5000);
        assert_eq!(ms(u32::MAX), 5000);
    }

    #[test]
    fn only_transport_and_5xx_are_transient() {
        let status = |status| ClientError::Status {
            status,
            snippet: String::new(),
        };
        assert!(is_transient(&status(503)));
        assert!(!is_transient(&status(404)));
        assert!(!is_transient(&ClientError::Protocol("x".into())));
        assert!(!is_transient(&ClientError::NotAuthenticated));
    }
}
