//! Token refresh: the `on_unauthorized` hook, run once per wave of 401s.
//!
//! A wave is every call whose request went out before a refresh finished and came
//! back unauthorized with the token that refresh replaced. The first of them runs
//! the hook; the others wait for it and share its outcome: sent again when it
//! succeeded, the same [`Error::Refresh`] when it failed. A call sent after a
//! refresh finished belongs to the next wave.

use crate::{Client, Error};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a refresh hook returns.
pub(crate) type RefreshFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;
pub(crate) type RefreshHook = Arc<dyn Fn(Client) -> RefreshFuture + Send + Sync>;

tokio::task_local! {
    /// Set while a refresh hook runs, so its own calls do not refresh again.
    static IN_REFRESH: ();
}

pub(crate) struct Refresher {
    hook: Option<RefreshHook>,
    /// Held while a refresh runs; holds the last refresh's failure, if it failed.
    last: tokio::sync::Mutex<Option<Arc<Error>>>,
    /// How many refreshes have finished.
    finished: AtomicU64,
}

/// What a call knew when it sent its request: the session's generation and how
/// many refreshes had finished.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket {
    generation: u64,
    refreshes: u64,
}

impl Refresher {
    pub(crate) fn new(hook: Option<RefreshHook>) -> Self {
        Refresher {
            hook,
            last: tokio::sync::Mutex::new(None),
            finished: AtomicU64::new(0),
        }
    }

    /// Whether a call of this task may refresh: a hook is set and this is not the
    /// hook's own call.
    pub(crate) fn available(&self) -> bool {
        self.hook.is_some() && IN_REFRESH.try_with(|_| ()).is_err()
    }

    /// Taken just before a request is sent.
    pub(crate) fn ticket(&self, client: &Client) -> Ticket {
        Ticket {
            generation: client.session().generation(),
            refreshes: self.finished.load(Ordering::SeqCst),
        }
    }

    /// Called when the request sent with `ticket` was refused as unauthorized:
    /// `Ok` means send it again.
    pub(crate) async fn refresh(&self, client: &Client, ticket: Ticket) -> Result<(), Error> {
        let Some(hook) = self.hook.clone() else {
            return Ok(());
        };
        let mut last = self.last.lock().await;
        if client.session().generation() != ticket.generation {
            // Someone already put a new token in the session.
            return Ok(());
        }
        if self.finished.load(Ordering::SeqCst) != ticket.refreshes {
            // A refresh of this wave finished while this call waited: share its
            // outcome instead of running the hook again.
            return match last.as_ref() {
                Some(failure) => Err(Error::Refresh(Arc::clone(failure))),
                None => Ok(()),
            };
        }
        tracing::debug!("token rejected: refreshing");
        let outcome = IN_REFRESH.scope((), hook(client.root())).await;
        *last = outcome.err().map(Arc::new);
        self.finished.fetch_add(1, Ordering::SeqCst);
        match last.as_ref() {
            Some(failure) => Err(Error::Refresh(Arc::clone(failure))),
            None => Ok(()),
        }
    }
}
