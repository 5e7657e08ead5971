//! The status and headers of a successful call, for the calls that need them
//! (a `Location`, an `ETag`, a rate-limit header), without changing what every
//! generated function returns.

use std::cell::RefCell;
use std::future::Future;

/// What a response said beside its body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The status.
    pub status: crate::StatusCode,
    /// The headers (`headers.get("etag")`).
    pub headers: reqwest::header::HeaderMap,
}

tokio::task_local! {
    static CAPTURED: RefCell<Option<ResponseMeta>>;
}

/// Runs `call` and returns its output with the status and headers of the last
/// response a call inside it received (`None` when none was answered).
///
/// # Examples
///
/// ```no_run
/// # async fn demo(xano: xano_runtime::Client) -> Result<(), xano_runtime::Error> {
/// let (me, response) = xano_runtime::with_response(async {
///     xano.get("/api:abc/auth/me").auth().send::<xano_runtime::Json>().await
/// })
/// .await;
/// let me = me?;
/// let etag = response.and_then(|r| r.headers.get("etag").cloned());
/// # Ok(()) }
/// ```
pub async fn with_response<F: Future>(call: F) -> (F::Output, Option<ResponseMeta>) {
    CAPTURED
        .scope(RefCell::new(None), async move {
            let output = call.await;
            let meta = CAPTURED.with(|captured| captured.borrow_mut().take());
            (output, meta)
        })
        .await
}

/// Records `response` for an enclosing [`with_response`], if there is one.
pub(crate) fn record(response: &reqwest::Response) {
    let _ = CAPTURED.try_with(|captured| {
        *captured.borrow_mut() = Some(ResponseMeta {
            status: response.status(),
            headers: response.headers().clone(),
        });
    });
}
