//! Messages to developers (OTPs, credentials). In sandbox mode nothing leaves the machine: every
//! message lands in the outbox table (shown at `/sandbox/outbox`) and the server log. In production
//! e-mail goes out by SMTP and SMS through an HTTP gateway, and no message body is stored or logged.

mod outbox;
mod sms;
mod smtp;

pub use outbox::{OutboxQuery, outbox_page};

use openirp_model::time::{Clock, ShiftableClock};
use openirp_server::{Mode, Shared};
use openirp_store::{Developer, Store};
use outbox::Outbox;
use sms::SmsGateway;
use smtp::SmtpSender;
use std::fmt;
use std::sync::Arc;

/// A message channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    /// The name the outbox table and the log use.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "SMS",
            Channel::Email => "EMAIL",
        }
    }
}

/// One message.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The body holds a credential (client secret, password): never written to the log.
    pub carries_secret: bool,
}

impl Message {
    /// The SMS (to the mobile) and the e-mail that tell a developer the same thing.
    fn pair_for(dev: &Developer, subject: &str, body: &str, carries_secret: bool) -> [Message; 2] {
        let message = |channel, to: &str| Message {
            channel,
            to: to.to_string(),
            subject: subject.to_string(),
            body: body.to_string(),
            carries_secret,
        };
        [
            message(Channel::Sms, &dev.mobile),
            message(Channel::Email, &dev.email),
        ]
    }
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

/// Production messaging, set by the CLI. A channel left unset is not used.
#[derive(Clone, Default)]
pub struct MessagingConfig {
    /// A lettre SMTP URL: `smtp://127.0.0.1:2525` (no TLS: loopback and local relays only),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host` (TLS).
    pub smtp_url: Option<String>,
    /// The `From` of every e-mail, e.g. `OpenIRP <noreply@example.in>`.
    pub smtp_from: String,
    /// Receives `POST {"to": mobile, "text": body}` for each SMS.
    pub sms_gateway_url: Option<String>,
    /// Sent as `Authorization: Bearer <token>` when set.
    pub sms_gateway_token: Option<String>,
}

// Hand-written so the SMTP password and the gateway token never reach a log through `{:?}`.
impl fmt::Debug for MessagingConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |v: &Option<String>| if v.is_some() { "<set>" } else { "<unset>" };
        f.debug_struct("MessagingConfig")
            .field("smtp_url", &set(&self.smtp_url))
            .field("smtp_from", &self.smtp_from)
            .field("sms_gateway_url", &set(&self.sms_gateway_url))
            .field("sms_gateway_token", &set(&self.sms_gateway_token))
            .finish()
    }
}

/// Sends messages: to the outbox in sandbox mode, by SMTP and an SMS gateway in production.
pub struct Messenger {
    route: Route,
}

enum Route {
    Outbox(Outbox),
    Live {
        smtp: Option<SmtpSender>,
        sms: Option<SmsGateway>,
    },
}

/// Reads the server's clock, which the sandbox can move, so outbox times agree with OTP expiry.
struct ServerClock(Shared);

impl Clock for ServerClock {
    fn now(&self) -> i64 {
        self.0.now()
    }
}

impl Messenger {
    /// The sandbox messenger: everything goes to the outbox table and the log, stamped with the
    /// machine clock.
    pub fn outbox(store: Arc<dyn Store>) -> Self {
        Self::outbox_with_clock(store, Arc::new(ShiftableClock::new()))
    }

    /// The sandbox messenger with the clock that stamps each message.
    pub fn outbox_with_clock(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Messenger {
            route: Route::Outbox(Outbox::new(store, clock)),
        }
    }

    /// The production messenger. Fails on a malformed SMTP URL, sender address or gateway URL, so a
    /// bad setting stops the server at start rather than at the first OTP.
    pub fn live(config: MessagingConfig) -> Result<Self, SendError> {
        let smtp = match &config.smtp_url {
            Some(url) => Some(SmtpSender::new(url, &config.smtp_from)?),
            None => None,
        };
        let sms = match &config.sms_gateway_url {
            Some(url) => Some(SmsGateway::new(url, config.sms_gateway_token.clone())?),
            None => None,
        };
        Ok(Messenger {
            route: Route::Live { smtp, sms },
        })
    }

    /// The messenger for the server's mode: the outbox (over the server's store and clock) in
    /// sandbox mode, where `config` is ignored; SMTP and the SMS gateway in production.
    pub fn for_server(app: &Shared, config: MessagingConfig) -> Result<Self, SendError> {
        match app.config.mode {
            Mode::Sandbox => Ok(Self::outbox_with_clock(
                app.store.clone(),
                Arc::new(ServerClock(app.clone())),
            )),
            Mode::Production => Self::live(config),
        }
    }

    /// Whether messages go to the sandbox outbox rather than out of the machine.
    pub fn is_outbox(&self) -> bool {
        matches!(self.route, Route::Outbox(_))
    }

    /// Sends `subject`/`body` to the developer's mobile (SMS) and e-mail. In production a channel
    /// that is not configured is skipped; every configured one is tried even when another fails, and
    /// the first failure is returned.
    pub async fn notify(
        &self,
        dev: &Developer,
        subject: &str,
        body: &str,
        carries_secret: bool,
    ) -> Result<(), SendError> {
        let messages = Message::pair_for(dev, subject, body, carries_secret);
        let wanted: Vec<&Message> = messages
            .iter()
            .filter(|m| self.has_channel(m.channel))
            .collect();
        if wanted.is_empty() {
            return Err(SendError(
                "No message channel is configured: set an SMTP URL or an SMS gateway.".to_string(),
            ));
        }
        let mut first_error = None;
        for message in wanted {
            if let Err(e) = self.send(message).await {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Sends one message on its channel.
    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        match (&self.route, message.channel) {
            (Route::Outbox(outbox), _) => outbox.deliver(message).await,
            (
                Route::Live {
                    smtp: Some(smtp), ..
                },
                Channel::Email,
            ) => {
                smtp.send(message).await?;
                log_sent(message);
                Ok(())
            }
            (Route::Live { sms: Some(sms), .. }, Channel::Sms) => {
                sms.send(message).await?;
                log_sent(message);
                Ok(())
            }
            (Route::Live { .. }, channel) => Err(SendError(format!(
                "The {} channel is not configured.",
                channel.as_str()
            ))),
        }
    }

    fn has_channel(&self, channel: Channel) -> bool {
        match (&self.route, channel) {
            (Route::Outbox(_), _) => true,
            (Route::Live { smtp, .. }, Channel::Email) => smtp.is_some(),
            (Route::Live { sms, .. }, Channel::Sms) => sms.is_some(),
        }
    }
}

/// Production logs who was told what, never the body.
fn log_sent(message: &Message) {
    tracing::info!(
        channel = message.channel.as_str(),
        to = %message.to,
        subject = %message.subject,
        "message sent"
    );
}
