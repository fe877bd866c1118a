//! The tokio client against the tokio server over TLS, with a certificate made for the test.

mod support;

use persistent_auth_tokio::{ClientError, ClientOptions, Endpoint, ManualClock, Tap, tls};
use std::path::PathBuf;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A certificate for `localhost` and its key, written to a fresh directory.
fn certificate() -> (PathBuf, PathBuf) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let dir = std::env::temp_dir().join(format!(
        "persistent-auth-tls-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    (cert, key)
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

#[tokio::test]
async fn login_reuse_expiry_logout_and_a_dead_cookie_over_tls() {
    let (cert, key) = certificate();
    let clock = ManualClock::new();
    let server_tls = tls::server_config(&cert, &key).unwrap();
    let server = start_server(&clock, Some(server_tls)).await;
    let port = server.addr().port();
    let endpoint = Endpoint::parse(&format!("https://localhost:{port}/ovirt-engine/api")).unwrap();
    let tap = Tap::new();
    let options = ClientOptions { ca_file: Some(cert.clone()), ..options(&clock, &tap) };
    let client_tls = tls::client_config(Some(&cert)).unwrap();
    full_flow(&endpoint, &clock, options, &tap, |request| {
        let client_tls = client_tls.clone();
        async move {
            let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let mut stream =
                tokio_rustls::TlsConnector::from(client_tls).connect(name, tcp).await.unwrap();
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut response = Vec::new();
            let mut buf = [0u8; 1024];
            while !response.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).await.unwrap();
                assert!(n > 0);
                response.extend_from_slice(&buf[..n]);
            }
            String::from_utf8_lossy(&response).into_owned()
        }
    })
    .await;
    server.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(cert.parent().unwrap());
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let (cert, key) = certificate();
    let (other_cert, _) = certificate();
    let clock = ManualClock::new();
    let server = start_server(&clock, Some(tls::server_config(&cert, &key).unwrap())).await;
    let endpoint =
        Endpoint::parse(&format!("https://localhost:{}/ovirt-engine/api", server.addr().port()))
            .unwrap();
    let options = ClientOptions { ca_file: Some(other_cert), ..ClientOptions::default() };
    let refused =
        persistent_auth_tokio::SessionClient::connect(&endpoint, USER, password(), options).await;
    assert!(matches!(refused, Err(ClientError::Connect(_))), "{refused:?}");
    // And a name the certificate is not for.
    let by_ip =
        Endpoint::parse(&format!("https://127.0.0.1:{}/ovirt-engine/api", server.addr().port()))
            .unwrap();
    let options = ClientOptions { ca_file: Some(cert), ..ClientOptions::default() };
    let refused =
        persistent_auth_tokio::SessionClient::connect(&by_ip, USER, password(), options).await;
    assert!(matches!(refused, Err(ClientError::Connect(_))), "{refused:?}");
    server.shutdown().await.unwrap();
}
