//! progenitor's request hooks on the generated client: each operation's
//! request is checked against the description's limits, then prepared and
//! sent by the transport. `ClientHooks` may only be implemented by the crate
//! that compiles the client, and the implementation names the generated
//! client, so it sits above the generated code.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::generated;
use crate::transport::Shared;

impl ClientHooks<Shared> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        check_limits(request, info.operation_id)
            .and_then(|()| self.inner().prepare(request))
            .map_err(progenitor_client::Error::InvalidRequest)
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner().send(self.client(), request).await
    }
}

/// Refuses a request whose array query parameter has more items than the
/// description's `maxItems`, before it is sent.
fn check_limits(request: &reqwest::Request, operation_id: &str) -> Result<(), String> {
    let limits = generated::QUERY_ARRAY_LIMITS.iter();
    for (_, name, max) in limits.filter(|(op, ..)| *op == operation_id) {
        let count = request
            .url()
            .query_pairs()
            .filter(|(k, _)| k == name)
            .count();
        if count > *max {
            return Err(format!(
                "`{}` takes at most {max} items, got {count}",
                name.trim_end_matches("[]")
            ));
        }
    }
    Ok(())
}
