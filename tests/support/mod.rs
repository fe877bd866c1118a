//! What the tokio end-to-end tests share: a server on a manual clock, a client, raw requests.

#![allow(dead_code, unreachable_pub)] // each test file uses a part

use persistent_auth_tokio::{
    ClientOptions, Endpoint, ManualClock, Server, ServerConfig, ServerHandle, SessionClient, Tap,
};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zeroize::Zeroizing;

pub const USER: &str = "admin@internal";
pub const PASSWORD: &str = "correct horse";

pub fn password() -> Zeroizing<String> {
    Zeroizing::new(PASSWORD.to_owned())
}

/// A quiet reference server on 127.0.0.1 with the given TLS, on `clock`.
pub async fn start_server(
    clock: &ManualClock,
    tls: Option<Arc<persistent_auth_tokio::rustls::ServerConfig>>,
) -> ServerHandle {
    let mut config = ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), USER, password());
    config.log = false;
    config.tls = tls;
    Server::bind(config, Arc::new(clock.clone())).await.expect("bind").spawn()
}

/// Client options on `clock`, tapped.
pub fn options(clock: &ManualClock, tap: &Tap) -> ClientOptions {
    ClientOptions {
        clock: Arc::new(clock.clone()),
        tap: Some(tap.clone()),
        ..ClientOptions::default()
    }
}

/// The value of the `JSESSIONID` a response in `received` set.
pub fn set_cookie_id(received: &[u8]) -> String {
    let text = String::from_utf8_lossy(received);
    let start = text.find("Set-Cookie: JSESSIONID=").expect("a Set-Cookie")
        + "Set-Cookie: JSESSIONID=".len();
    text[start..].split(';').next().unwrap().to_owned()
}

/// Sends `request` on a fresh plain connection and returns the response head.
pub async fn raw_exchange(addr: SocketAddr, request: impl AsRef<str>) -> String {
    let request = request.as_ref();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    let mut buf = [0u8; 1024];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tcp.read(&mut buf).await.expect("read");
        assert!(n > 0, "closed before a response head");
        response.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&response).into_owned()
}

/// The whole flow every end-to-end test covers: login, reuse, expiry and re-login, logout, and
/// the dead cookie refused afterwards. `probe` sends a raw request with a cookie and returns the
/// response head.
pub async fn full_flow<F, Fut>(
    endpoint: &Endpoint,
    clock: &ManualClock,
    options: ClientOptions,
    tap: &Tap,
    probe: F,
) where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = String>,
{
    use persistent_auth::SessionEvent::{Closed, Established, Reused};
    let mut client =
        SessionClient::connect(endpoint, USER, password(), options).await.expect("connect");

    let login = client.request("HEAD", "").await.expect("login");
    assert_eq!((login.status, login.event), (200, Established));
    let first_id = set_cookie_id(&tap.take().1);

    for _ in 0..3 {
        let reuse = client.request("GET", "").await.expect("reuse");
        assert_eq!((reuse.status, reuse.event), (200, Reused));
        let mut body = [0u8; 256];
        let n = client.read_to_end(&mut body).await.expect("body");
        assert!(body[..n].starts_with(b"<api>"));
        let (sent, _) = tap.take();
        let sent = String::from_utf8_lossy(&sent);
        assert!(!sent.contains("Authorization"), "no credentials on a reuse: {sent}");
        assert!(sent.contains(&format!("Cookie: JSESSIONID={first_id}")));
    }

    // The server's clock moves past the idle timeout: the next request meets a 401, and the
    // client logs in again by itself.
    clock.advance_minutes(31);
    let after = client.request("HEAD", "").await.expect("after expiry");
    assert_eq!((after.status, after.event), (200, Established));
    let (sent, received) = tap.take();
    let sent = String::from_utf8_lossy(&sent);
    assert_eq!(sent.matches("Authorization: Basic").count(), 1, "one re-login: {sent}");
    let received_text = String::from_utf8_lossy(&received);
    assert!(received_text.starts_with("HTTP/1.1 401 "), "{received_text}");
    let second_id = set_cookie_id(&received);
    assert_ne!(first_id, second_id);

    let logout = client.logout().await.expect("logout").expect("a session to end");
    assert_eq!((logout.status, logout.event), (200, Closed));
    drop(client);

    // Both cookies are dead now.
    for id in [first_id, second_id] {
        let head = probe(format!("HEAD {} HTTP/1.1\r\nHost: x\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID={id}\r\n\r\n", endpoint.base_path())).await;
        assert!(head.starts_with("HTTP/1.1 401 "), "{head}");
        assert_eq!(head.matches("WWW-Authenticate: Basic realm=\"RESTAPI\"").count(), 1);
    }
}
