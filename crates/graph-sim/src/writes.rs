//! What every write endpoint does around its change: the delay and gate of any request, the
//! missing-permission refusal, the change applied under the state's lock and counted, and the
//! faults that only writes have (an answer lost after the change was applied, an answer held
//! back).

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::errors::graph_error;
use crate::faults::{delay, gate};
use crate::state::{Inner, Sim};

/// Runs `apply` as a write: when it answers success, the write counts as applied, and the
/// answer may then be lost or held back as the faults say.
pub(crate) async fn write(
    sim: &Sim,
    headers: &HeaderMap,
    apply: impl FnOnce(&mut Inner) -> Response,
) -> Response {
    delay(sim).await;
    if let Err(r) = gate(sim, headers, false) {
        return r;
    }
    if sim.config.faults.no_write_permission {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    let (response, lose) = {
        let mut inner = sim.inner.lock().unwrap_or_else(|e| e.into_inner());
        let response = apply(&mut inner);
        let applied = response.status().is_success();
        let lose = applied && inner.answers_to_lose > 0;
        if applied {
            inner.writes += 1;
        }
        if lose {
            inner.answers_to_lose -= 1;
        }
        (response, lose)
    };
    let hold = sim.config.faults.hold_write_answers;
    if !hold.is_zero() {
        tokio::time::sleep(hold).await;
    }
    if lose {
        return lost_answer();
    }
    response
}

/// An answer that starts and then breaks off: the connection resets before the client learns
/// how its write ended.
fn lost_answer() -> Response {
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = vec![
        Ok(axum::body::Bytes::from_static(b"{\"@odata.context\":")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "simulated connection reset after the write was applied",
        )),
    ];
    (
        StatusCode::OK,
        axum::body::Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}
