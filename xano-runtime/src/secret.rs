//! [`Secret`]: the type of generated fields that hold credentials.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A credential in generated types: a password input (`format: password`), an
/// `authToken`, a refresh token, an API key. It serializes to the real value
/// (so it reaches Xano) but `Debug` prints `Secret([redacted])`, so a logged
/// input or output never shows it. Build one with `"…".into()`; read it with
/// [`Secret::expose_secret`].
#[derive(Clone, Default)]
pub struct Secret(SecretString);

impl Secret {
    /// A secret holding `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The value itself: for the places that need it (a header, the session).
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose_secret().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret::new(value.as_str())
    }
}

// Equality and hashing compare the values, so generated types holding a
// secret can still derive `PartialEq`, `Eq` and `Hash`.
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Eq for Secret {}

impl std::hash::Hash for Secret {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.expose_secret().hash(state);
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_hides_and_json_keeps_the_value() {
        let secret: Secret = "hunter2".into();
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"hunter2\"");
        let back: Secret = serde_json::from_str("\"eyJ-token\"").unwrap();
        assert_eq!(back.expose_secret(), "eyJ-token");
        assert_eq!(back, Secret::new("eyJ-token"));
        assert!(Secret::default().is_empty());
    }
}
