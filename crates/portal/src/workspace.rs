//! The developer's workspace: GSTINs (dummy ones for a GSP, sister concerns for a taxpayer), API users,
//! GSP links, and credentials (client secret, portal password, IP allow-list, live tokens).

use crate::account::{OtpPage, masked_mobile, send_credentials};
use crate::otp;
use crate::state::PortalState;
use crate::web::{Chrome, PortalError, SignedIn, Visitor, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use openirp_model::gstin::{make_gstin, pan_of};
use openirp_model::states::{is_domestic_state, parse_state_code, state_name, states, two_digit};
use openirp_model::time::format_ist;
use openirp_server::nic::allow_list::MAX_ALLOWED_IPS;
use openirp_server::{ids, sandbox, secrets};
use openirp_store::{ApiUser, Developer, GstinRecord};
use serde::Deserialize;

/// NIC allows up to ten API users per GSTIN (error 3007).
const MAX_USERS_PER_GSTIN: usize = 10;

/// The workspace routes.
pub fn routes() -> Router<PortalState> {
    Router::new()
        .route("/workspace", get(page))
        .route("/workspace/gstins", post(mint_gstin))
        .route("/workspace/gstins/add", post(add_sister_gstin))
        .route("/workspace/users", post(create_user))
        .route("/workspace/users/verify", post(create_user_verified))
        .route("/workspace/users/password", post(reset_user_password))
        .route("/workspace/users/active", post(set_user_active))
        .route("/workspace/secret", post(reset_client_secret))
        .route("/workspace/password", post(set_portal_password))
        .route("/workspace/ips", post(set_allowed_ips))
        .route("/workspace/links", post(link_gsp))
        .route("/workspace/links/remove", post(unlink_gsp))
        .route("/workspace/tokens/revoke", post(revoke_token))
}

struct GstinRow {
    gstin: String,
    state: String,
    name: String,
    status: String,
}

struct UserRow {
    username: String,
    gstin: String,
    active: bool,
    clients: String,
}

struct TokenRow {
    token: String,
    shown: String,
    client_id: String,
    username: String,
    gstin: String,
    issued: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct WorkspacePage {
    chrome: Chrome,
    dev: Developer,
    client_id: String,
    mobile: String,
    is_gsp: bool,
    has_password: bool,
    allowed_ips: String,
    max_ips: usize,
    gstins: Vec<GstinRow>,
    users: Vec<UserRow>,
    states: Vec<(String, String)>,
    links: Vec<(String, String)>,
    gsps: Vec<(String, String)>,
    tokens: Vec<TokenRow>,
}

/// `GET /workspace`.
pub async fn page(
    State(portal): State<PortalState>,
    visitor: Visitor,
    me: SignedIn,
) -> Result<Response, PortalError> {
    let store = &portal.app.store;
    let gstins = store
        .list_gstins_by_pan(&me.developer.pan)
        .await?
        .into_iter()
        .map(|g| GstinRow {
            state: format!(
                "{} {}",
                two_digit(g.state_code),
                state_name(g.state_code).unwrap_or("")
            ),
            name: g.legal_name,
            status: g.status,
            gstin: g.gstin,
        })
        .collect();
    let mut users = Vec::new();
    for u in store.list_users_by_owner(&me.client_id).await? {
        let clients = store.list_user_clients(&u.username).await?.join(", ");
        users.push(UserRow {
            username: u.username,
            gstin: u.gstin,
            active: u.active,
            clients,
        });
    }
    let client = store.get_client(&me.client_id).await?;
    let gsps = active_gsps(&portal).await?;
    let linked = store.list_gsp_links(&me.client_id).await?;
    let links = linked
        .iter()
        .map(|id| (id.clone(), gsp_name(&gsps, id)))
        .collect();
    let now = portal.now();
    let tokens = store
        .list_sessions_for(&me.client_id, now)
        .await?
        .into_iter()
        .map(|s| TokenRow {
            shown: format!("{}…", s.token.chars().take(6).collect::<String>()),
            token: s.token,
            client_id: s.client_id,
            username: s.username,
            gstin: s.gstin,
            issued: format_ist(s.issued_at),
            expires: format_ist(s.expires_at),
        })
        .collect();
    let page = WorkspacePage {
        chrome: Chrome::for_developer(&portal, &visitor, &me.developer, "Workspace"),
        client_id: me.client_id.clone(),
        mobile: masked_mobile(&me.developer.mobile),
        is_gsp: me.developer.category == "GSP",
        has_password: me.developer.password_hash.is_some(),
        allowed_ips: client.map(|c| c.allowed_ips.join("\n")).unwrap_or_default(),
        max_ips: MAX_ALLOWED_IPS,
        gstins,
        users,
        states: states()
            .iter()
            .filter(|s| is_domestic_state(s.code))
            .map(|s| (two_digit(s.code), s.name.to_string()))
            .collect(),
        links,
        gsps: gsps
            .into_iter()
            .filter(|(id, _)| !linked.contains(id))
            .collect(),
        tokens,
        dev: me.developer,
    };
    Ok(render(&page))
}

/// Active GSP accounts as (client id, name), by name.
async fn active_gsps(portal: &PortalState) -> Result<Vec<(String, String)>, PortalError> {
    let mut gsps: Vec<(String, String)> = portal
        .app
        .store
        .list_developers("ACTIVE")
        .await?
        .into_iter()
        .filter(|d| d.category == "GSP")
        .filter_map(|d| d.client_id.map(|c| (c, d.name)))
        .collect();
    gsps.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(gsps)
}

fn gsp_name(gsps: &[(String, String)], client_id: &str) -> String {
    gsps.iter()
        .find(|(id, _)| id == client_id)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| "(no longer active)".into())
}

fn back_to(section: &str) -> Response {
    Redirect::to(&format!("/workspace#{section}")).into_response()
}

#[derive(Template)]
#[template(path = "secret.html")]
struct SecretPage {
    chrome: Chrome,
    heading: String,
    message: String,
    items: Vec<(String, String, String)>,
}

fn secret_page(
    portal: &PortalState,
    visitor: &Visitor,
    me: &SignedIn,
    heading: &str,
    message: String,
    items: Vec<(&str, String, &str)>,
) -> Response {
    render(&SecretPage {
        chrome: Chrome::for_developer(portal, visitor, &me.developer, heading),
        heading: heading.to_string(),
        message,
        items: items
            .into_iter()
            .map(|(label, value, id)| (label.to_string(), value, id.to_string()))
            .collect(),
    })
}

/// A state chosen in a form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateForm {
    pub state_code: String,
}

/// `POST /workspace/gstins` (sandbox): a new checksum-valid GSTIN on the developer's PAN in the chosen
/// state, recorded in the GSTIN master with a name and an address.
pub async fn mint_gstin(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<StateForm>,
) -> Result<Response, PortalError> {
    if !portal.sandbox() {
        return Err(PortalError::forbidden(
            "Dummy GSTINs exist only in the sandbox; production uses the GSTIN master.",
        ));
    }
    let code = parse_state_code(form.state_code.trim())
        .filter(|c| is_domestic_state(*c))
        .ok_or_else(|| PortalError::bad("Choose a state."))?;
    let store = &portal.app.store;
    let dev = &me.developer;
    let state = state_name(code).unwrap_or("");
    let (legal, trade) = if dev.category == "GSP" {
        (
            format!("{} Test Unit {state}", dev.name),
            format!("{} ({state})", dev.name),
        )
    } else {
        (dev.name.clone(), format!("{} ({state})", dev.name))
    };
    for entity in 1..=35 {
        let Some(gstin) = make_gstin(code, &dev.pan, entity) else {
            break;
        };
        if store.get_gstin(&gstin).await?.is_none() {
            store
                .put_gstin(&sandbox::taxpayer_record(&gstin, code, &legal, &trade))
                .await?;
            return Ok(back_to("gstins"));
        }
    }
    Err(PortalError::conflict(
        "This PAN already has every GSTIN the state's numbering allows.",
    ))
}

/// A GSTIN typed in a form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GstinForm {
    pub gstin: String,
}

/// `POST /workspace/gstins/add` (taxpayers): brings a sister concern's GSTIN (same PAN) into the
/// workspace after checking it against the GSTIN master.
pub async fn add_sister_gstin(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<GstinForm>,
) -> Result<Response, PortalError> {
    let gstin = form.gstin.trim().to_ascii_uppercase();
    if pan_of(&gstin) != Some(me.developer.pan.as_str()) {
        return Err(PortalError::forbidden(format!(
            "Only GSTINs of your PAN {} can be added; the client id is valid PAN-wide.",
            me.developer.pan
        )));
    }
    let store = &portal.app.store;
    match store.get_gstin(&gstin).await? {
        Some(r) if r.status == "ACT" => Ok(back_to("gstins")),
        Some(r) => Err(PortalError::bad(format!(
            "This GSTIN's status is {} in the GSTIN master.",
            r.status
        ))),
        None if portal.sandbox() && openirp_model::gstin::has_valid_checksum(&gstin) => {
            let code = openirp_model::gstin::state_of(&gstin).unwrap_or(0);
            let dev = &me.developer;
            store
                .put_gstin(&sandbox::taxpayer_record(
                    &gstin, code, &dev.name, &dev.name,
                ))
                .await?;
            Ok(back_to("gstins"))
        }
        None => Err(PortalError::bad("This GSTIN is not in the GSTIN master.")),
    }
}

/// The new-user form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    pub gstin: String,
    pub username: String,
    pub password: String,
}

/// What an OTP for user creation remembers: never the password itself, only its hash.
#[derive(Debug, serde::Serialize, Deserialize)]
struct PendingUser {
    gstin: String,
    username: String,
    password_hash: String,
}

/// `POST /workspace/users`: an API username and password for one of the developer's GSTINs. In
/// production the developer confirms with an OTP first.
pub async fn create_user(
    State(portal): State<PortalState>,
    visitor: Visitor,
    me: SignedIn,
    Form(form): Form<NewUserForm>,
) -> Result<Response, PortalError> {
    let gstin = own_gstin(&portal, &me, &form.gstin).await?;
    let username = match form.username.trim() {
        "" => ids::username(),
        name => checked_username(name)?,
    };
    let generated = form.password.is_empty();
    if generated && !portal.sandbox() {
        return Err(PortalError::bad("Choose the user's password."));
    }
    let password = if generated {
        ids::password()
    } else {
        checked_password(&form.password)?
    };
    let store = &portal.app.store;
    if store.get_user(&username).await?.is_some() {
        return Err(PortalError::conflict(format!(
            "The username {username} is taken."
        )));
    }
    let same_gstin = store
        .list_users_by_owner(&me.client_id)
        .await?
        .iter()
        .filter(|u| u.gstin == gstin.gstin)
        .count();
    if same_gstin >= MAX_USERS_PER_GSTIN {
        return Err(PortalError::conflict(format!(
            "A GSTIN may have at most {MAX_USERS_PER_GSTIN} API users (NIC error 3007)."
        )));
    }
    let password_hash = hash(&password).await?;
    if !portal.sandbox() {
        let pending = PendingUser {
            gstin: gstin.gstin,
            username,
            password_hash,
        };
        let payload = serde_json::to_string(&pending).unwrap_or_default();
        let otp_id = otp::send(&portal, &me.developer, "CREATE_USER", &payload).await?;
        return Ok(render(&OtpPage {
            chrome: Chrome::for_developer(&portal, &visitor, &me.developer, "Confirm the new user"),
            heading: format!("Confirm the new API user {}", pending.username),
            action: "/workspace/users/verify",
            otp_id,
            sent_to: masked_mobile(&me.developer.mobile),
            next: String::new(),
            error: None,
        }));
    }
    insert_user(&portal, &me, &gstin.gstin, &username, password_hash).await?;
    let mut items = vec![
        ("Username", username, "new-username"),
        ("GSTIN", gstin.gstin, "new-gstin"),
    ];
    let message = if generated {
        items.push(("Password", password, "new-password"));
        "The password is shown only now.".to_string()
    } else {
        "The user has the password you chose.".to_string()
    };
    Ok(secret_page(
        &portal,
        &visitor,
        &me,
        "API user created",
        message,
        items,
    ))
}

/// `POST /workspace/users/verify` (production): creates the user once the OTP is right.
pub async fn create_user_verified(
    State(portal): State<PortalState>,
    visitor: Visitor,
    me: SignedIn,
    Form(form): Form<crate::account::OtpForm>,
) -> Result<Response, PortalError> {
    let otp = otp::verify(&portal, &form.otp_id, &form.code, "CREATE_USER").await?;
    if otp.developer_id != me.developer.id {
        return Err(PortalError::forbidden(
            "This code was sent for another account.",
        ));
    }
    let pending: PendingUser = serde_json::from_str(&otp.payload)
        .map_err(|_| PortalError::bad("This request can no longer be completed; start again."))?;
    own_gstin(&portal, &me, &pending.gstin).await?;
    insert_user(
        &portal,
        &me,
        &pending.gstin,
        &pending.username,
        pending.password_hash,
    )
    .await?;
    Ok(secret_page(
        &portal,
        &visitor,
        &me,
        "API user created",
        "The user has the password you chose.".into(),
        vec![
            ("Username", pending.username, "new-username"),
            ("GSTIN", pending.gstin, "new-gstin"),
        ],
    ))
}

async fn insert_user(
    portal: &PortalState,
    me: &SignedIn,
    gstin: &str,
    username: &str,
    password_hash: String,
) -> Result<(), PortalError> {
    let user = ApiUser {
        username: username.to_string(),
        gstin: gstin.to_string(),
        password_hash,
        active: true,
        created_at: portal.now(),
        owner_client: Some(me.client_id.clone()),
    };
    portal
        .app
        .store
        .create_user(&user, std::slice::from_ref(&me.client_id))
        .await
        .map_err(|e| match e {
            openirp_store::StoreError::Conflict(_) => {
                PortalError::conflict(format!("The username {username} is taken."))
            }
            other => other.into(),
        })
}

/// The master record of `gstin` if it belongs to the developer's PAN; 403 for anyone else's.
async fn own_gstin(
    portal: &PortalState,
    me: &SignedIn,
    gstin: &str,
) -> Result<GstinRecord, PortalError> {
    let gstin = gstin.trim().to_ascii_uppercase();
    if pan_of(&gstin) != Some(me.developer.pan.as_str()) {
        return Err(PortalError::forbidden(
            "That GSTIN does not belong to your PAN; users can be made only for your own GSTINs.",
        ));
    }
    portal
        .app
        .store
        .get_gstin(&gstin)
        .await?
        .filter(|g| g.status == "ACT")
        .ok_or_else(|| PortalError::bad("That GSTIN is not an active GSTIN in the master."))
}

/// NIC user ids: letters, digits and `_`, 4 to 15 characters.
fn checked_username(name: &str) -> Result<String, PortalError> {
    let ok = (4..=15).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(name.to_string())
    } else {
        Err(PortalError::bad(
            "A username has 4 to 15 letters, digits or underscores.",
        ))
    }
}

/// NIC's password policy (error 3003): upper and lower case, a digit and one of `% $ # @ _ ! *`.
pub fn checked_password(password: &str) -> Result<String, PortalError> {
    let has = |f: fn(&u8) -> bool| password.as_bytes().iter().any(f);
    let ok = (8..=15).contains(&password.len())
        && has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && has(u8::is_ascii_digit)
        && has(|b| b"%$#@_!*".contains(b))
        && password.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(password.to_string())
    } else {
        Err(PortalError::bad(
            "A password has 8 to 15 characters with an upper-case letter, a lower-case letter, a digit \
             and one of % $ # @ _ ! * (NIC error 3003).",
        ))
    }
}

async fn hash(secret: &str) -> Result<String, PortalError> {
    secrets::hash_secret_blocking(secret.to_string())
        .await
        .map_err(|_| PortalError::bad("Could not hash the secret; try again."))
}

/// A user named in a form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub username: String,
    pub password: String,
    pub active: String,
}

/// The user if the developer created it; 403 for anyone else's.
async fn own_user(
    portal: &PortalState,
    me: &SignedIn,
    username: &str,
) -> Result<ApiUser, PortalError> {
    portal
        .app
        .store
        .get_user(username.trim())
        .await?
        .filter(|u| u.owner_client.as_deref() == Some(me.client_id.as_str()))
        .ok_or_else(|| PortalError::forbidden("That user is not one of yours."))
}

/// `POST /workspace/users/password`: a new password (chosen, or generated and shown once); the
/// user's live tokens end.
pub async fn reset_user_password(
    State(portal): State<PortalState>,
    visitor: Visitor,
    me: SignedIn,
    Form(form): Form<UserForm>,
) -> Result<Response, PortalError> {
    let user = own_user(&portal, &me, &form.username).await?;
    let generated = form.password.is_empty();
    let password = if generated {
        ids::password()
    } else {
        checked_password(&form.password)?
    };
    portal
        .app
        .store
        .set_user_password(&user.username, &hash(&password).await?)
        .await?;
    let mut items = vec![("Username", user.username, "reset-username")];
    if generated {
        items.push(("New password", password, "new-password"));
    }
    Ok(secret_page(
        &portal,
        &visitor,
        &me,
        "Password reset",
        "The old password and the user's tokens no longer work.".into(),
        items,
    ))
}

/// `POST /workspace/users/active`: disables (ending its tokens) or re-enables a user.
pub async fn set_user_active(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<UserForm>,
) -> Result<Response, PortalError> {
    let user = own_user(&portal, &me, &form.username).await?;
    let active = form.active == "true";
    portal
        .app
        .store
        .set_user_active(&user.username, active)
        .await?;
    Ok(back_to("users"))
}

/// `POST /workspace/secret`: a new client secret, shown once and sent to the registered mobile; the
/// old one stops working at once.
pub async fn reset_client_secret(
    State(portal): State<PortalState>,
    visitor: Visitor,
    me: SignedIn,
) -> Result<Response, PortalError> {
    let secret = ids::client_secret();
    let changed = portal
        .app
        .store
        .set_client_secret(&me.client_id, &hash(&secret).await?)
        .await?;
    if !changed {
        return Err(PortalError::not_found("Your client no longer exists."));
    }
    send_credentials(&portal, &me.developer, &me.client_id, &secret).await;
    Ok(secret_page(
        &portal,
        &visitor,
        &me,
        "Client secret reset",
        format!(
            "The old secret no longer works. The new one is shown only now and was sent to {}.",
            masked_mobile(&me.developer.mobile)
        ),
        vec![
            ("Client id", me.client_id.clone(), "client-id"),
            ("Client secret", secret, "client-secret"),
        ],
    ))
}

/// The portal password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub password: String,
    pub confirm: String,
}

/// `POST /workspace/password`: sets the password for portal login.
pub async fn set_portal_password(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PortalError> {
    if form.password != form.confirm {
        return Err(PortalError::bad("The two passwords differ."));
    }
    let password = checked_password(&form.password)?;
    portal
        .app
        .store
        .set_developer_password(&me.developer.id, &hash(&password).await?)
        .await?;
    Ok(back_to("account"))
}

/// The IP allow-list form: addresses separated by spaces, commas or lines.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IpsForm {
    pub ips: String,
}

/// `POST /workspace/ips`: up to four addresses the NIC API accepts this client's calls from.
pub async fn set_allowed_ips(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<IpsForm>,
) -> Result<Response, PortalError> {
    let ips = parse_ips(&form.ips)?;
    portal.app.store.set_client_ips(&me.client_id, &ips).await?;
    Ok(back_to("ips"))
}

/// Distinct valid IP addresses, at most [`MAX_ALLOWED_IPS`].
fn parse_ips(text: &str) -> Result<Vec<String>, PortalError> {
    let mut ips: Vec<String> = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let ip: std::net::IpAddr = part
            .parse()
            .map_err(|_| PortalError::bad(format!("{part} is not an IP address.")))?;
        if !ips.contains(&ip.to_string()) {
            ips.push(ip.to_string());
        }
    }
    if ips.len() > MAX_ALLOWED_IPS {
        return Err(PortalError::bad(format!(
            "At most {MAX_ALLOWED_IPS} addresses, as NIC allows."
        )));
    }
    Ok(ips)
}

/// A GSP chosen in a form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub gsp_client: String,
}

fn taxpayers_only(me: &SignedIn) -> Result<(), PortalError> {
    if me.developer.category == "TAXPAYER" {
        Ok(())
    } else {
        Err(PortalError::forbidden(
            "Only taxpayers choose the GSPs they connect through.",
        ))
    }
}

/// `POST /workspace/links`: lets a GSP's client id work with this taxpayer's users.
pub async fn link_gsp(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, PortalError> {
    taxpayers_only(&me)?;
    let gsps = active_gsps(&portal).await?;
    if !gsps.iter().any(|(id, _)| *id == form.gsp_client) {
        return Err(PortalError::bad("Choose an active GSP."));
    }
    portal
        .app
        .store
        .link_gsp(&me.client_id, &form.gsp_client)
        .await?;
    Ok(back_to("gsps"))
}

/// `POST /workspace/links/remove`: the GSP's client id stops working with this taxpayer's users, and
/// its live tokens on them end.
pub async fn unlink_gsp(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, PortalError> {
    taxpayers_only(&me)?;
    if !portal
        .app
        .store
        .unlink_gsp(&me.client_id, &form.gsp_client)
        .await?
    {
        return Err(PortalError::not_found("That GSP is not linked."));
    }
    Ok(back_to("gsps"))
}

/// A token named in a form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub token: String,
}

/// `POST /workspace/tokens/revoke`: ends one live auth token of this developer's client or users.
pub async fn revoke_token(
    State(portal): State<PortalState>,
    me: SignedIn,
    Form(form): Form<TokenForm>,
) -> Result<Response, PortalError> {
    let store = &portal.app.store;
    let mine = store
        .list_sessions_for(&me.client_id, portal.now())
        .await?
        .iter()
        .any(|s| s.token == form.token);
    if !mine {
        return Err(PortalError::forbidden(
            "That token is not one of yours, or it has already ended.",
        ));
    }
    store.revoke_session(&form.token).await?;
    Ok(back_to("tokens"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_is_nics() {
        assert!(checked_password("Abcdef1@").is_ok());
        assert!(checked_password("abcdef1@").is_err());
        assert!(checked_password("ABCDEF1@").is_err());
        assert!(checked_password("Abcdefg@").is_err());
        assert!(checked_password("Abcdefg1").is_err());
        assert!(checked_password("Ab1@").is_err());
        assert!(checked_password("Abcdefghijklm1@x").is_err());
    }

    #[test]
    fn ip_lists_are_checked_and_capped_at_four() {
        assert_eq!(parse_ips("").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_ips("203.0.113.1, 203.0.113.1\n2001:db8::1").unwrap(),
            vec!["203.0.113.1", "2001:db8::1"]
        );
        assert!(parse_ips("203.0.113.1 300.1.1.1").is_err());
        assert!(parse_ips("10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5").is_err());
    }

    #[test]
    fn usernames_are_4_to_15_word_characters() {
        assert!(checked_username("erp_user1").is_ok());
        assert!(checked_username("abc").is_err());
        assert!(checked_username("has space").is_err());
        assert!(checked_username("a_very_long_username").is_err());
    }
}
