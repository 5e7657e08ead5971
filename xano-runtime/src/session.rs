//! The auth token shared by every group client built from one [`crate::Client`].

use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::{Arc, RwLock};

/// The signed-in state: the bearer token that Xano's `/auth/login` or `/auth/signup`
/// returned (`authToken`).
///
/// Cloning a `Session` gives another handle to the same state, so setting the token
/// once signs in every group client built from the same [`crate::Client`]. The token
/// is sent only to endpoints whose spec requires authentication, and is never
/// shown by `Debug`.
#[derive(Clone, Default)]
pub struct Session {
    token: Arc<RwLock<Option<SecretString>>>,
}

impl Session {
    /// Signs in: later calls to endpoints that require auth send
    /// `Authorization: Bearer <token>`.
    pub fn set_token(&self, token: impl Into<String>) {
        let token = SecretString::from(token.into());
        *self.write() = Some(token);
    }

    /// Signs out: the token is dropped (and zeroed in memory).
    pub fn clear(&self) {
        *self.write() = None;
    }

    /// Whether a token is set.
    pub fn is_authenticated(&self) -> bool {
        self.read().is_some()
    }

    /// The current token, still wrapped so that it is not printed by accident.
    pub fn token(&self) -> Option<SecretString> {
        self.read().clone()
    }

    /// The `Authorization` header value, if signed in.
    pub(crate) fn bearer(&self) -> Option<String> {
        self.read()
            .as_ref()
            .map(|token| format!("Bearer {}", token.expose_secret()))
    }

    // A poisoned lock only means another thread panicked while swapping an
    // `Option`; the value inside is still whole, so keep using it.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Option<SecretString>> {
        self.token
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Option<SecretString>> {
        self.token
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_authenticated() {
            "[redacted]"
        } else {
            "none"
        };
        f.debug_struct("Session").field("token", &state).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Session;

    #[test]
    fn debug_never_shows_the_token() {
        let session = Session::default();
        session.set_token("eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBM-secret");
        let shown = format!("{session:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
        assert_eq!(
            session.bearer().as_deref(),
            Some("Bearer eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBM-secret")
        );
        let other_handle = session.clone();
        other_handle.clear();
        assert!(!session.is_authenticated());
    }
}
