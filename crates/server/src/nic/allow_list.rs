//! Per-client IP allow-lists (NIC whitelists up to four static IPs per production client). Enforced in
//! front of every NIC route, before any handler reads the body, so a call from elsewhere learns nothing
//! but that it is refused.

use super::codes;
use super::envelope::Failure;
use super::headers::header;
use crate::state::Shared;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// Most addresses a client may list, as NIC allows.
pub const MAX_ALLOWED_IPS: usize = 4;

/// Refuses (HTTP 403, NIC envelope) a call whose `client_id` has an allow-list without the caller's
/// address. Requests that did not come over the network (the portal's in-process console) carry no
/// peer address and pass.
pub async fn enforce(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (Some(peer), Some(client_id)) = (peer, header(request.headers(), "client_id")) else {
        return next.run(request).await;
    };
    let client = match state.store.get_client(client_id).await {
        Ok(client) => client,
        Err(_) => return Failure::code(codes::APPLICATION_ERROR).into_response(),
    };
    match client {
        Some(c) if !is_allowed(&c.allowed_ips, peer) => {
            let refusal = Failure::code(codes::INVALID_CLIENT).explained(format!(
                "Calls for this client id are accepted only from its registered IP addresses; \
                 this one came from {peer}. Add the address on the portal (Workspace → IP allow-list)."
            ));
            (StatusCode::FORBIDDEN, refusal).into_response()
        }
        _ => next.run(request).await,
    }
}

/// Whether `peer` may call for a client with this allow-list (an empty list allows every address).
pub fn is_allowed(allowed: &[String], peer: IpAddr) -> bool {
    let peer = canonical(peer);
    allowed.is_empty()
        || allowed
            .iter()
            .filter_map(|a| a.parse::<IpAddr>().ok())
            .any(|a| canonical(a) == peer)
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:1.2.3.4`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_list_allows_all_and_a_list_allows_only_its_addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(is_allowed(&[], ip("203.0.113.9")));
        let list = vec!["203.0.113.9".to_string(), "2001:db8::1".to_string()];
        assert!(is_allowed(&list, ip("203.0.113.9")));
        assert!(is_allowed(&list, ip("::ffff:203.0.113.9")));
        assert!(is_allowed(&list, ip("2001:db8::1")));
        assert!(!is_allowed(&list, ip("203.0.113.10")));
        assert!(!is_allowed(&["not an ip".to_string()], ip("127.0.0.1")));
    }
}
