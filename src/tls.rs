//! TLS set-up shared by every client in the process.
//!
//! All TLS here is rustls: reqwest (Last.fm, the Google client) and the MongoDB driver. The build
//! carries one cryptography provider, *ring*, which must be installed as the process-wide default
//! before the first HTTP client is built (reqwest and the Google client ask rustls for it).

use std::sync::Once;

/// Installs ring as rustls' process-wide crypto provider. Idempotent and cheap: call it before
/// building any HTTP client (the Last.fm client and the secrets source do).
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err only when another provider was installed first, which is just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_client_builds_after_the_provider_is_installed() {
        super::install_crypto_provider();
        super::install_crypto_provider();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        reqwest::Client::builder().build().expect("a TLS-capable client builds");
    }
}
