//! E-mail by SMTP (lettre, rustls only).

use super::{Message, SendError};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;
use tokio::runtime::Handle;

/// How long one SMTP exchange may take before the message counts as not sent.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends plain-text e-mail through one SMTP server.
pub(super) struct SmtpSender {
    /// Always `Some` until dropped.
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// lettre's connection pool spawns tasks when built and when dropped, so it is dropped inside
    /// the runtime it was built in, wherever the sender itself is dropped.
    runtime: Handle,
}

impl SmtpSender {
    /// A sender for a lettre SMTP URL; the URL itself is never echoed, as it may hold a password.
    pub(super) fn new(url: &str, from: &str) -> Result<Self, SendError> {
        let runtime = Handle::try_current().map_err(|_| {
            SendError("The SMTP sender must be set up inside the Tokio runtime.".to_string())
        })?;
        let from: Mailbox = from.parse().map_err(|e| {
            SendError(format!(
                "The e-mail sender address {from:?} is not valid: {e}."
            ))
        })?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SendError(format!("The SMTP URL is not valid: {e}.")))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(SmtpSender {
            transport: Some(transport),
            from,
            runtime,
        })
    }

    /// Sends one e-mail.
    pub(super) async fn send(&self, message: &Message) -> Result<(), SendError> {
        let email = self.compose(message)?;
        let Some(transport) = &self.transport else {
            return Err(SendError("The SMTP sender is shut down.".to_string()));
        };
        transport
            .send(email)
            .await
            .map_err(|e| SendError(format!("The e-mail to {} was not sent: {e}.", message.to)))?;
        Ok(())
    }

    fn compose(&self, message: &Message) -> Result<lettre::Message, SendError> {
        let to: Mailbox = message.to.parse().map_err(|e| {
            SendError(format!(
                "The e-mail address {:?} is not valid: {e}.",
                message.to
            ))
        })?;
        lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| SendError(format!("The e-mail could not be composed: {e}.")))
    }
}

impl Drop for SmtpSender {
    fn drop(&mut self) {
        // A runtime that has shut down just discards the pool's farewell task.
        let _entered = self.runtime.enter();
        drop(self.transport.take());
    }
}
