//! Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators. Liveness says
//! only that the process answers HTTP; readiness that it can register an IRN now: the store answers and
//! the signing threads hold the key.

use crate::state::Shared;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::time::Duration;

/// How long readiness waits for the store before calling it unreachable.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

/// `GET /readyz`: 200 when the store answers and the signers sign with the loaded key; 503 and what is
/// wrong otherwise.
pub async fn readyz(State(state): State<Shared>) -> Response {
    let store = match tokio::time::timeout(STORE_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", STORE_TIMEOUT.as_secs())),
    };
    let signing = state
        .signers
        .run(|identity| identity.kid().to_string())
        .await
        .ok_or_else(|| "the signing threads do not answer".to_string());
    let ready = store.is_ok() && signing.is_ok();
    let body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "store": store.err().unwrap_or_else(|| "ok".to_string()),
        "signing": match &signing {
            Ok(kid) => json!({"status": "ok", "kid": kid}),
            Err(e) => json!({"status": e}),
        },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn ready_while_the_store_answers_and_not_after_it_closes() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = crate::Config::new(dir.path().join("data"));
        config.durable = false;
        let state = crate::open(config).await.unwrap();
        let live = healthz().await;
        assert_eq!(live.status(), StatusCode::OK);

        let ready = readyz(State(state.clone())).await;
        assert_eq!(ready.status(), StatusCode::OK);
        let ready = body(ready).await;
        assert_eq!(ready["status"], "ready");
        assert_eq!(ready["signing"]["kid"], state.keys.signing.kid());

        state.store.close().await;
        let not_ready = readyz(State(state)).await;
        assert_eq!(not_ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        let not_ready = body(not_ready).await;
        assert_eq!(not_ready["status"], "not ready");
        assert_ne!(not_ready["store"], "ok");
    }
}
