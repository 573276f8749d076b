//! Runs one API against the live server in this process, the way an ERP would over the network, and
//! records every step for the results page: the same router, NIC handlers, crypto and store.

use super::api::{Api, Call};
use super::json::pretty;
use super::signed::{self, QrView, SignedView};
use crate::state::PortalState;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request};
use openirp_client::{
    NicError, Session, build_auth_request, decrypt_data, encrypted_request_body, parse_envelope,
    session_from_auth_response, wire,
};
use openirp_crypto::{AuthPublicKey, aes_decrypt_b64, b64_encode};
use serde_json::Value;
use tower::ServiceExt as _;

/// Largest answer the console reads.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// What the page shows instead of a password or client secret.
pub const MASK: &str = "********";

/// What a run needs; the secrets live only as long as the request.
pub struct Inputs<'a> {
    pub api: Api,
    pub username: &'a str,
    pub gstin: &'a str,
    pub password: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub call: Option<Call>,
}

/// How the IRP answered one HTTP call.
#[derive(Default)]
pub struct Answer {
    pub ok: bool,
    /// `ErrorDetails` when `Status` is 0.
    pub errors: Vec<NicError>,
    /// `InfoDtls`, indented.
    pub info: String,
    /// The answer was not a NIC envelope, or could not be decrypted.
    pub problem: String,
}

/// One HTTP exchange as sent and received.
#[derive(Default)]
pub struct Exchange {
    pub request_line: String,
    /// Secrets masked.
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub status: u16,
    pub response: String,
}

/// Step 1: authentication.
#[derive(Default)]
pub struct AuthStep {
    pub app_key: String,
    /// The login JSON with the password masked.
    pub login_json: String,
    /// The `Data` value: base64 of RSA(base64(login JSON)).
    pub rsa_data: String,
    pub exchange: Exchange,
    pub answer: Answer,
    /// `Sek` as sent (encrypted with the AppKey).
    pub sek_encrypted: String,
    /// The 32-byte SEK, base64.
    pub sek: String,
    pub token_expiry: String,
}

/// Step 2: the API call.
#[derive(Default)]
pub struct CallStep {
    pub post: bool,
    pub plain_json: String,
    pub encrypted_body: String,
    pub exchange: Exchange,
    pub answer: Answer,
    pub decrypted: String,
}

/// Everything a run did.
#[derive(Default)]
pub struct Trace {
    pub auth: AuthStep,
    pub call: Option<CallStep>,
    pub signed: Vec<SignedView>,
    pub qr: Option<QrView>,
    /// Why the QR code could not be drawn.
    pub qr_problem: String,
    pub irn: String,
    /// `DocDtls.No` of an IRN just generated (the form gets a fresh one for the next run).
    pub generated_doc_no: String,
    /// Why the run stopped early, in plain words.
    pub stopped: String,
}

/// Runs `inputs` and records each step; never fails, since every failure is a step result to show.
pub async fn execute(portal: &PortalState, inputs: Inputs<'_>) -> Trace {
    let router = openirp_server::router(portal.app.clone());
    let mut trace = Trace::default();
    let (auth, session) = authenticate(&router, portal, &inputs).await;
    trace.auth = auth;
    let Some(session) = session else {
        trace.stopped = "Authentication did not give a session, so the API was not called.".into();
        return trace;
    };
    let Some(call) = inputs.call.clone() else {
        return trace;
    };
    let (step, decrypted) = call_api(&router, &inputs, &session, call).await;
    trace.call = Some(step);
    if let Some(data) = decrypted {
        add_signed(portal, &data, &mut trace);
        if inputs.api == Api::GenerateIrn && !trace.irn.is_empty() {
            trace.generated_doc_no = doc_no_of(&data);
        }
    }
    trace
}

/// The NIC v1.04 login: fresh AppKey, RSA over base64(JSON), then the SEK unwrapped.
async fn authenticate(
    router: &Router,
    portal: &PortalState,
    inputs: &Inputs<'_>,
) -> (AuthStep, Option<Session>) {
    let mut step = AuthStep::default();
    let public = match AuthPublicKey::from_pem(&portal.app.keys.auth.public_key_pem()) {
        Ok(key) => key,
        Err(e) => {
            step.answer.problem = format!("The server's auth public key could not be read: {e}.");
            return (step, None);
        }
    };
    let request = match build_auth_request(&public, inputs.username, inputs.password, false) {
        Ok(request) => request,
        Err(e) => {
            step.answer.problem = format!(
                "The login could not be encrypted ({e}). Username and password together must fit one RSA block: at most 66 bytes."
            );
            return (step, None);
        }
    };
    step.app_key = b64_encode(&request.app_key);
    step.login_json = masked_login(inputs.username, &step.app_key);
    step.rsa_data = data_member(&request.body);
    let headers = vec![
        ("Content-Type", "application/json".to_string()),
        (wire::HEADER_CLIENT_ID, inputs.client_id.to_string()),
        (wire::HEADER_CLIENT_SECRET, inputs.client_secret.to_string()),
        (wire::HEADER_GSTIN, inputs.gstin.to_string()),
    ];
    let exchange = send(
        router,
        Method::POST,
        wire::AUTH_PATH,
        &headers,
        Some(request.body),
    )
    .await;
    let envelope = parse_envelope(exchange.response.as_bytes());
    step.exchange = exchange;
    let envelope = match envelope {
        Ok(envelope) => envelope,
        Err(e) => {
            step.answer.problem = format!("The answer is not a NIC envelope: {e}.");
            return (step, None);
        }
    };
    step.answer = answer_of(&envelope);
    step.sek_encrypted = envelope
        .data
        .as_ref()
        .and_then(|d| d.get("Sek"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if envelope.status != 1 {
        return (step, None);
    }
    match session_from_auth_response(envelope, &request.app_key, inputs.username, inputs.gstin) {
        Ok(session) => {
            step.sek = b64_encode(&session.sek);
            step.token_expiry.clone_from(&session.token_expiry);
            (step, Some(session))
        }
        Err(e) => {
            step.answer.ok = false;
            step.answer.problem = format!("The session could not be read: {e}.");
            (step, None)
        }
    }
}

/// The login JSON as the SDK builds it, with the password masked for display.
fn masked_login(username: &str, app_key: &str) -> String {
    format!(
        r#"{{"UserName":{},"Password":"{MASK}","AppKey":"{app_key}","ForceRefreshAccessToken":false}}"#,
        super::api::quoted(username)
    )
}

/// The `Data` member of a request body.
fn data_member(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("Data").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default()
}

/// Step 2: the call with the session headers; a POST body is encrypted with the SEK.
async fn call_api(
    router: &Router,
    inputs: &Inputs<'_>,
    session: &Session,
    call: Call,
) -> (CallStep, Option<Value>) {
    let mut step = CallStep::default();
    let mut headers = vec![
        (wire::HEADER_CLIENT_ID, inputs.client_id.to_string()),
        (wire::HEADER_CLIENT_SECRET, inputs.client_secret.to_string()),
        (wire::HEADER_GSTIN, inputs.gstin.to_string()),
        (wire::HEADER_USER_NAME, inputs.username.to_string()),
        (wire::HEADER_AUTH_TOKEN, session.auth_token.clone()),
    ];
    let exchange = match call {
        Call::Post { path, json } => {
            step.post = true;
            let body = encrypted_request_body(&session.sek, json.as_bytes());
            step.plain_json = json;
            step.encrypted_body = body.clone();
            headers.insert(0, ("Content-Type", "application/json".to_string()));
            send(router, Method::POST, path, &headers, Some(body)).await
        }
        Call::Get { path } => send(router, Method::GET, &path, &headers, None).await,
    };
    let envelope = parse_envelope(exchange.response.as_bytes());
    step.exchange = exchange;
    let envelope = match envelope {
        Ok(envelope) => envelope,
        Err(e) => {
            step.answer.problem = format!("The answer is not a NIC envelope: {e}.");
            return (step, None);
        }
    };
    step.answer = answer_of(&envelope);
    if envelope.status != 1 {
        return (step, None);
    }
    step.decrypted = decrypted_text(envelope.data.as_ref(), &session.sek);
    match decrypt_data(envelope.data, &session.sek) {
        Ok(value) => (step, Some(value)),
        Err(e) => {
            step.answer.problem = format!("Data could not be decrypted with the SEK: {e}.");
            (step, None)
        }
    }
}

/// The decrypted `Data` as the server wrote it (member order kept), indented.
fn decrypted_text(data: Option<&Value>, sek: &[u8; 32]) -> String {
    let Some(Value::String(ciphertext)) = data else {
        return String::new();
    };
    aes_decrypt_b64(sek, ciphertext)
        .map(|plain| pretty(&String::from_utf8_lossy(&plain)))
        .unwrap_or_default()
}

/// `Status`, `ErrorDetails` and `InfoDtls` of an envelope.
fn answer_of(envelope: &openirp_client::Envelope) -> Answer {
    Answer {
        ok: envelope.status == 1,
        errors: envelope.errors.clone(),
        info: envelope
            .info
            .as_ref()
            .map(|i| pretty(&i.to_string()))
            .unwrap_or_default(),
        problem: String::new(),
    }
}

/// Sends one request through the server's router and records it, secrets masked.
async fn send(
    router: &Router,
    method: Method,
    path: &str,
    headers: &[(&str, String)],
    body: Option<String>,
) -> Exchange {
    let mut exchange = Exchange {
        request_line: format!("{method} {path} HTTP/1.1"),
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), shown_header(name, value)))
            .collect(),
        body: body.clone().unwrap_or_default(),
        ..Exchange::default()
    };
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, value.as_str());
    }
    let request = match builder.body(body.map_or_else(Body::empty, Body::from)) {
        Ok(request) => request,
        Err(_) => {
            exchange.response =
                "(not sent: a header value holds characters HTTP headers cannot carry)".into();
            return exchange;
        }
    };
    let request = openirp_server::normalise_path(request);
    let response = match router.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    exchange.status = response.status().as_u16();
    exchange.response = match to_bytes(response.into_body(), MAX_RESPONSE_BYTES).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => "(the answer could not be read)".into(),
    };
    exchange
}

/// A header value for the page: the client secret masked.
fn shown_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case(wire::HEADER_CLIENT_SECRET) {
        MASK.to_string()
    } else {
        value.to_string()
    }
}

/// Step 3: the IRN, the decoded JWS and the QR code of a decrypted answer.
fn add_signed(portal: &PortalState, data: &Value, trace: &mut Trace) {
    let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_string);
    trace.irn = text("Irn").unwrap_or_default();
    let cert = portal.app.keys.signing.cert_pem();
    if let Some(jws) = text("SignedInvoice") {
        trace
            .signed
            .push(signed::inspect("SignedInvoice", &jws, &cert));
    }
    if let Some(jws) = text("SignedQRCode") {
        trace
            .signed
            .push(signed::inspect("SignedQRCode", &jws, &cert));
        match signed::qr_view(&jws) {
            Ok(view) => trace.qr = Some(view),
            Err(e) => trace.qr_problem = e,
        }
    }
}

/// `DocDtls.No` inside the SignedInvoice of a Generate IRN answer.
fn doc_no_of(data: &Value) -> String {
    data.get("SignedInvoice")
        .and_then(Value::as_str)
        .and_then(|jws| openirp_crypto::decode_jws_unverified(jws).ok())
        .and_then(|parts| signed::data_text(&String::from_utf8_lossy(&parts.payload)))
        .and_then(|d| serde_json::from_str::<Value>(&d).ok())
        .and_then(|d| d["DocDtls"]["No"].as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_for_display() {
        assert_eq!(shown_header("client_secret", "s3cret"), MASK);
        assert_eq!(shown_header("client_id", "abc"), "abc");
        let login = masked_login("API_\"X", "a2V5");
        assert!(login.contains(r#""Password":"********""#));
        assert!(login.contains(r#""UserName":"API_\"X""#));
    }
}
