//! The sandbox outbox: messages are stored and logged instead of sent, and shown at `/sandbox/outbox`.

use super::{Message, SendError};
use crate::state::PortalState;
use crate::web::{Chrome, PortalError, Visitor, render};
use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use openirp_model::time::{Clock, format_ist};
use openirp_store::{OutboxMessage, Store};
use serde::Deserialize;
use std::sync::Arc;

/// How many messages the page shows.
const PAGE_SIZE: u32 = 100;

/// What the log shows instead of a body that holds a credential.
const SECRET_PLACEHOLDER: &str = "(holds a credential: see /sandbox/outbox)";

/// Stores each message in the outbox table and logs it.
pub(super) struct Outbox {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl Outbox {
    pub(super) fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Outbox { store, clock }
    }

    /// "Sends" one message: the outbox row is the delivery.
    pub(super) async fn deliver(&self, message: &Message) -> Result<(), SendError> {
        let row = OutboxMessage {
            id: 0,
            channel: message.channel.as_str().to_string(),
            recipient: message.to.clone(),
            subject: message.subject.clone(),
            body: message.body.clone(),
            created_at: self.clock.now(),
        };
        let id = self
            .store
            .push_outbox(&row)
            .await
            .map_err(|e| SendError(format!("The sandbox outbox could not be written: {e}.")))?;
        log_delivered(id, message);
        Ok(())
    }
}

/// Sandbox logs the body too (developers read OTPs there), except a credential's.
fn log_delivered(id: i64, message: &Message) {
    let body = if message.carries_secret {
        SECRET_PLACEHOLDER
    } else {
        message.body.as_str()
    };
    tracing::info!(
        id,
        channel = message.channel.as_str(),
        to = %message.to,
        subject = %message.subject,
        body = ?body,
        "sandbox message (not sent; see /sandbox/outbox)"
    );
}

/// `?to=`: show only messages to this mobile number or e-mail address.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutboxQuery {
    pub to: Option<String>,
}

impl OutboxQuery {
    /// The recipient filter, if one was typed.
    fn recipient(&self) -> Option<&str> {
        self.to
            .as_deref()
            .map(str::trim)
            .filter(|to| !to.is_empty())
    }
}

/// One table row, formatted for the page.
struct Row {
    id: i64,
    time: String,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
}

impl From<OutboxMessage> for Row {
    fn from(m: OutboxMessage) -> Self {
        Row {
            id: m.id,
            time: format_ist(m.created_at),
            channel: m.channel,
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
        }
    }
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    /// The recipient filter, empty for all.
    to: String,
    rows: Vec<Row>,
    limit: u32,
}

/// `GET /sandbox/outbox`: the newest messages, newest first (sandbox mode only).
pub async fn outbox_page(
    State(portal): State<PortalState>,
    visitor: Visitor,
    query: Result<Query<OutboxQuery>, QueryRejection>,
) -> Result<Response, PortalError> {
    if !portal.sandbox() {
        return Err(PortalError::not_found(
            "There is no outbox in production mode: messages are really sent.",
        ));
    }
    let Query(query) =
        query.map_err(|_| PortalError::bad("Give at most one recipient in ?to=."))?;
    let to = query.recipient();
    let messages = portal.app.store.list_outbox(to, PAGE_SIZE).await?;
    let page = OutboxPage {
        chrome: Chrome::new(&portal, &visitor, "Outbox"),
        to: to.unwrap_or_default().to_string(),
        rows: messages.into_iter().map(Row::from).collect(),
        limit: PAGE_SIZE,
    };
    Ok(render(&page))
}
