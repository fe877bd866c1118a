//! The tokio client against the tokio server over TCP on 127.0.0.1, and the server's limits.

mod support;

use persistent_auth_tokio::{ClientOptions, Endpoint, ManualClock, Server, ServerConfig, Tap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn login_reuse_expiry_logout_and_a_dead_cookie_over_tcp() {
    let clock = ManualClock::new();
    let server = start_server(&clock, None).await;
    let addr = server.addr();
    let endpoint = Endpoint::parse(&format!("http://{addr}/ovirt-engine/api")).unwrap();
    let tap = Tap::new();
    full_flow(&endpoint, &clock, options(&clock, &tap), &tap, |request| {
        raw_exchange(addr, request)
    })
    .await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_credentials_get_401_with_one_challenge() {
    let clock = ManualClock::new();
    let server = start_server(&clock, None).await;
    let endpoint = Endpoint::parse(&format!("http://{}/ovirt-engine/api", server.addr())).unwrap();
    let mut client = persistent_auth_tokio::SessionClient::connect(
        &endpoint,
        USER,
        zeroize::Zeroizing::new("wrong".to_owned()),
        ClientOptions::default(),
    )
    .await
    .unwrap();
    let r = client.request("HEAD", "").await.unwrap();
    assert_eq!((r.status, r.event), (401, persistent_auth::SessionEvent::Rejected));
    let head =
        raw_exchange(server.addr(), "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 401 "), "{head}");
    assert_eq!(head.matches("WWW-Authenticate").count(), 1);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_kept_alive_connection_the_server_dropped_is_replaced() {
    let clock = ManualClock::new();
    let mut config = ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), USER, password());
    config.log = false;
    // The server drops a connection after 200 ms without a request.
    config.request_timeout = Duration::from_millis(200);
    let server = Server::bind(config, Arc::new(clock.clone())).await.unwrap().spawn();
    let endpoint = Endpoint::parse(&format!("http://{}/ovirt-engine/api", server.addr())).unwrap();
    let tap = Tap::new();
    let mut client = persistent_auth_tokio::SessionClient::connect(
        &endpoint,
        USER,
        password(),
        options(&clock, &tap),
    )
    .await
    .unwrap();
    assert_eq!(
        client.request("HEAD", "").await.unwrap().event,
        persistent_auth::SessionEvent::Established
    );
    tokio::time::sleep(Duration::from_millis(600)).await; // well past the server's limit
    let r = client.request("HEAD", "").await.unwrap();
    assert_eq!(r.event, persistent_auth::SessionEvent::Reused, "same session, new connection");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_silent_client_is_disconnected_and_shutdown_is_graceful() {
    let clock = ManualClock::new();
    let mut config = ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), USER, password());
    config.log = false;
    config.request_timeout = Duration::from_millis(200);
    let server = Server::bind(config, Arc::new(clock.clone())).await.unwrap().spawn();
    // Half a head, then silence: the server closes the connection.
    let mut slow = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    slow.write_all(b"HEAD /ovirt-engine/api HTTP/1.1\r\nHo").await.unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(10), slow.read(&mut buf))
        .await
        .expect("closed in time")
        .unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    // An idle kept-alive connection does not hold up shutdown.
    let idle = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), server.shutdown())
        .await
        .expect("shut down in time")
        .unwrap();
    drop(idle);
}

#[tokio::test]
async fn the_connection_limit_queues_clients_instead_of_dropping_them() {
    let clock = ManualClock::new();
    let mut config = ServerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), USER, password());
    config.log = false;
    config.max_connections = 1;
    config.request_timeout = Duration::from_millis(300);
    let server = Server::bind(config, Arc::new(clock.clone())).await.unwrap().spawn();
    let addr = server.addr();
    // One connection holds the only slot until its deadline; a second client waits, then is served.
    let holder = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = tokio::time::timeout(
        Duration::from_secs(10),
        raw_exchange(addr, "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW5AaW50ZXJuYWw6Y29ycmVjdCBob3JzZQ==\r\n\r\n"),
    )
    .await
    .expect("served once the slot was free");
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    drop(holder);
    server.shutdown().await.unwrap();
}
