//! SMS through an HTTP gateway: `POST {"to": mobile, "text": body}`, optionally with a bearer token.

use super::{Message, SendError};
use std::time::Duration;

/// How long the gateway may take to accept one SMS.
const SMS_TIMEOUT: Duration = Duration::from_secs(20);

/// Posts each SMS to one gateway URL.
pub(super) struct SmsGateway {
    client: reqwest::Client,
    url: reqwest::Url,
    token: Option<String>,
}

impl SmsGateway {
    pub(super) fn new(url: &str, token: Option<String>) -> Result<Self, SendError> {
        let url = reqwest::Url::parse(url)
            .map_err(|e| SendError(format!("The SMS gateway URL is not valid: {e}.")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(SendError(
                "The SMS gateway URL must start with http:// or https://.".to_string(),
            ));
        }
        // A redirect would be followed as a GET and could carry the token elsewhere: refuse it.
        let client = reqwest::Client::builder()
            .timeout(SMS_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SendError(format!("The SMS client could not start: {e}.")))?;
        Ok(SmsGateway { client, url, token })
    }

    /// Sends one SMS; any answer but 2xx means it was not sent.
    pub(super) async fn send(&self, message: &Message) -> Result<(), SendError> {
        let mut request = self
            .client
            .post(self.url.clone())
            .json(&serde_json::json!({"to": message.to, "text": message.body}));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        // `without_url`: the gateway URL may carry a key in its query.
        let response = request.send().await.map_err(|e| {
            SendError(format!(
                "The SMS gateway could not be reached: {}.",
                e.without_url()
            ))
        })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SendError(format!(
                "The SMS gateway refused the SMS to {}: HTTP {status}.",
                message.to
            )))
        }
    }
}
