//! The TLS configuration every connection of the runtime uses: rustls with the
//! ring provider and the platform's certificate verifier, passed to reqwest and
//! to the realtime socket explicitly. A library does not choose the process's
//! default crypto provider for the application (`install_default`), so nothing
//! here touches it.

use crate::Error;
use std::sync::Arc;

/// A rustls client configuration with the ring provider, the platform's roots
/// and these ALPN protocols.
pub(crate) fn client_config(alpn: &[&[u8]]) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
        .map_err(|err| Error::Config(format!("the platform's TLS certificates: {err}")))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| Error::Config(format!("TLS versions: {err}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}
