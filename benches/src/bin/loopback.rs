//! End to end over loopback.
//!
//! `loopback client [N]`: the reference server, one keep-alive connection, login, N reuse requests
//! (10,000 by default), logout, driven by this project's tokio client, by reqwest with its cookie
//! store, and by a raw `TcpStream` writing the same bytes (the floor): requests per second and
//! p50/p99 latency, side by side.
//!
//! `loopback serve-ours ADDR` and `loopback serve-hyper ADDR`: the reference server, and a plain
//! hyper server doing no authentication, on one worker thread each, for `benches/server.sh` to load
//! with wrk.

use persistent_auth::SessionEvent;
use persistent_auth_tokio::{
    ClientOptions, Endpoint, Server, ServerConfig, SessionClient, SystemClock,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use zeroize::Zeroizing;

const USER: &str = "admin@internal";
const PASSWORD: &str = "bench-secret";
const BASIC: &str = "Basic YWRtaW5AaW50ZXJuYWw6YmVuY2gtc2VjcmV0"; // admin@internal:bench-secret

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    match args.get(1).map(String::as_str) {
        Some("client") => {
            let n = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10_000);
            runtime.block_on(clients(n));
        }
        Some("serve-ours") => runtime.block_on(serve_ours(parse_addr(args.get(2)))),
        Some("serve-hyper") => runtime.block_on(serve_hyper(parse_addr(args.get(2)))),
        _ => {
            eprintln!("usage: loopback client [N] | serve-ours ADDR | serve-hyper ADDR");
            std::process::exit(2);
        }
    }
}

fn parse_addr(arg: Option<&String>) -> SocketAddr {
    arg.and_then(|a| a.parse().ok()).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))
}

fn server_config(addr: SocketAddr) -> ServerConfig {
    let mut config = ServerConfig::new(addr, USER, Zeroizing::new(PASSWORD.to_owned()));
    config.log = false;
    // Plain loopback HTTP, and reqwest's cookie store does not send Secure cookies over it: the
    // same cookie for every client.
    config.secure_cookie = false;
    config
}

/// Latencies of `n` reuse requests, in microseconds, sorted; and the wall time they took.
struct Run {
    name: &'static str,
    latencies: Vec<u64>,
    elapsed: Duration,
}

impl Run {
    fn empty(name: &'static str) -> Self {
        Self { name, latencies: Vec::new(), elapsed: Duration::ZERO }
    }

    fn absorb(&mut self, other: Run) {
        self.latencies.extend(other.latencies);
        self.elapsed += other.elapsed;
    }

    fn rps(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> u64 {
        let at = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies.get(at).copied().unwrap_or(0)
    }
}

async fn clients(n: usize) {
    let server = Server::bind(
        server_config(SocketAddr::from(([127, 0, 0, 1], 0))),
        Arc::new(SystemClock::new()),
    )
    .await
    .expect("bind")
    .spawn();
    let addr = server.addr();
    let url = format!("http://{addr}/ovirt-engine/api");
    // Warm up each path once, then measure in interleaved rounds, so that a machine growing busier
    // or quieter during the run weighs on every contender alike.
    let _ = raw(addr, 100).await;
    const ROUNDS: usize = 5;
    let per_round = (n / ROUNDS).max(1);
    let mut runs = [
        Run::empty("raw TcpStream (floor)"),
        Run::empty("persistent-auth-tokio"),
        Run::empty("reqwest + cookie store"),
    ];
    for _ in 0..ROUNDS {
        runs[0].absorb(raw(addr, per_round).await);
        runs[1].absorb(ours(&url, per_round).await);
        runs[2].absorb(reqwest_cookies(&url, per_round).await);
    }
    for run in &mut runs {
        run.latencies.sort_unstable();
    }
    let floor = runs[0].rps();
    println!(
        "{ROUNDS} interleaved rounds of: one keep-alive connection, login, {per_round} reuse requests (HEAD), logout; loopback, server on one worker"
    );
    println!();
    println!("| client | requests/s | p50 µs | p99 µs | vs raw socket |");
    println!("|---|---|---|---|---|");
    for run in &runs {
        println!(
            "| {} | {:.0} | {} | {} | {:.2}× |",
            run.name,
            run.rps(),
            run.percentile(0.50),
            run.percentile(0.99),
            run.rps() / floor
        );
    }
    server.shutdown().await.expect("shutdown");
}

fn finish(name: &'static str, mut latencies: Vec<u64>, started: Instant) -> Run {
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Run { name, latencies, elapsed }
}

async fn ours(url: &str, n: usize) -> Run {
    let endpoint = Endpoint::parse(url).expect("url");
    let mut client = SessionClient::connect(
        &endpoint,
        USER,
        Zeroizing::new(PASSWORD.to_owned()),
        ClientOptions::default(),
    )
    .await
    .expect("connect");
    let login = client.request("HEAD", "").await.expect("login");
    assert_eq!(login.event, SessionEvent::Established);
    let mut latencies = Vec::with_capacity(n);
    let started = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let r = client.request("HEAD", "").await.expect("reuse");
        latencies.push(t.elapsed().as_micros() as u64);
        assert_eq!(r.event, SessionEvent::Reused);
    }
    let run = finish("persistent-auth-tokio", latencies, started);
    client.logout().await.expect("logout");
    run
}

async fn reqwest_cookies(url: &str, n: usize) -> Run {
    let client = reqwest::Client::builder().cookie_store(true).build().expect("reqwest");
    let login = client
        .head(url)
        .header("Authorization", BASIC)
        .header("Prefer", "persistent-auth")
        .send()
        .await
        .expect("login");
    assert!(login.status().is_success() && login.headers().contains_key("set-cookie"));
    let mut latencies = Vec::with_capacity(n);
    let started = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let r = client.head(url).header("Prefer", "persistent-auth").send().await.expect("reuse");
        latencies.push(t.elapsed().as_micros() as u64);
        assert!(r.status().is_success(), "reqwest's cookie went unused: {}", r.status());
    }
    let run = finish("reqwest + cookie store", latencies, started);
    client.head(url).send().await.expect("logout");
    run
}

/// The floor: the very bytes a session client sends, written and read by hand.
async fn raw(addr: SocketAddr, n: usize) -> Run {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    tcp.set_nodelay(true).expect("nodelay");
    let mut buf = vec![0u8; 4096];
    let login = format!(
        "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {BASIC}\r\nPrefer: persistent-auth\r\n\r\n"
    );
    let head = exchange(&mut tcp, login.as_bytes(), &mut buf).await;
    let text = String::from_utf8_lossy(&buf[..head]);
    let cookie = text
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let reuse = format!(
        "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: {addr}\r\nPrefer: persistent-auth\r\nCookie: {cookie}\r\n\r\n"
    );
    let mut latencies = Vec::with_capacity(n);
    let started = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        exchange(&mut tcp, reuse.as_bytes(), &mut buf).await;
        latencies.push(t.elapsed().as_micros() as u64);
    }
    let run = finish("raw TcpStream (floor)", latencies, started);
    let logout =
        format!("HEAD /ovirt-engine/api HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n");
    exchange(&mut tcp, logout.as_bytes(), &mut buf).await;
    run
}

/// Writes `request`, reads one response head (responses to HEAD have no body); its length.
async fn exchange(tcp: &mut tokio::net::TcpStream, request: &[u8], buf: &mut [u8]) -> usize {
    tcp.write_all(request).await.expect("write");
    let mut filled = 0;
    loop {
        let n = tcp.read(&mut buf[filled..]).await.expect("read");
        assert!(n > 0, "closed");
        filled += n;
        if let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            assert!(
                buf.starts_with(b"HTTP/1.1 200"),
                "{}",
                String::from_utf8_lossy(&buf[..filled])
            );
            return end + 4;
        }
    }
}

async fn serve_ours(addr: SocketAddr) {
    let server =
        Server::bind(server_config(addr), Arc::new(SystemClock::new())).await.expect("bind");
    eprintln!("persistent-auth reference server on {}", server.local_addr().expect("addr"));
    server.run(std::future::pending()).await.expect("serve");
}

async fn serve_hyper(addr: SocketAddr) {
    use http_body_util::Full;
    use hyper::body::Bytes;
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    eprintln!("plain hyper server on {}", listener.local_addr().expect("addr"));
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let _ = tcp.set_nodelay(true);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(|_request| async {
                let body = Full::new(Bytes::from_static(
                    b"<api><product_info><name>persistent-auth</name></product_info></api>\n",
                ));
                Ok::<_, std::convert::Infallible>(
                    hyper::Response::builder()
                        .header("Content-Type", "application/xml")
                        .body(body)
                        .expect("response"),
                )
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                .await;
        });
    }
}
