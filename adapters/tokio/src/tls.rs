//! TLS configuration with rustls and the *ring* provider: a CA file or the system's roots for
//! clients, a PEM certificate chain and key for servers.

use rustls::RootCertStore;
use rustls::crypto::ring;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::io;
use std::path::Path;
use std::sync::Arc;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(ring::default_provider())
}

fn invalid(what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// A client configuration trusting the certificates in `ca_file` (PEM), or the system's roots.
/// Host names are verified (rustls always does).
///
/// # Errors
///
/// When the file cannot be read or holds no certificate, or no system root loads.
pub fn client_config(ca_file: Option<&Path>) -> io::Result<Arc<rustls::ClientConfig>> {
    let mut roots = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            for cert in CertificateDer::pem_file_iter(path)
                .map_err(|e| invalid(format!("{}: {e}", path.display())))?
            {
                let cert = cert.map_err(|e| invalid(format!("{}: {e}", path.display())))?;
                roots.add(cert).map_err(invalid)?;
            }
            if roots.is_empty() {
                return Err(invalid(format!("{}: no certificate in it", path.display())));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(invalid("no system root certificate could be loaded; pass a CA file"));
            }
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A server configuration presenting the chain in `cert_file` with the key in `key_file` (PEM).
///
/// # Errors
///
/// When a file cannot be read or parsed, or the key does not match.
pub fn server_config(cert_file: &Path, key_file: &Path) -> io::Result<Arc<rustls::ServerConfig>> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_file)
        .map_err(|e| invalid(format!("{}: {e}", cert_file.display())))?
        .collect::<Result<_, _>>()
        .map_err(|e| invalid(format!("{}: {e}", cert_file.display())))?;
    if chain.is_empty() {
        return Err(invalid(format!("{}: no certificate in it", cert_file.display())));
    }
    let key = PrivateKeyDer::from_pem_file(key_file)
        .map_err(|e| invalid(format!("{}: {e}", key_file.display())))?;
    server_config_from(chain, key)
}

/// A server configuration from a parsed chain and key.
///
/// # Errors
///
/// When the key does not match or is not supported.
pub fn server_config_from(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> io::Result<Arc<rustls::ServerConfig>> {
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(invalid)?;
    Ok(Arc::new(config))
}
