//! The reference session server: an accept loop over TCP or TLS in front of the gate.

use crate::clock::Clock;
use crate::store::IndexedStore;
use crate::stream::{ConnectionState, Guarded, Stream};
use embedded_io_adapters::tokio_1::FromTokio;
use persistent_auth::{
    Credentials, Decision, EncodeError, GateConfig, GateError, Granted, IdSource, IdSourceError,
    Refusal, RequestParts, SessionGate, UserId, Verdict, Verifier,
};
use persistent_auth_io::{Connection, Gatekeeper, Handler, Reply, Request};
use std::io;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use zeroize::Zeroizing;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The only user, and its password (compared in constant time, wiped on drop).
    pub user: String,
    /// The user's password.
    pub password: Zeroizing<String>,
    /// The API root, also the cookie's `Path`.
    pub base_path: String,
    /// The Basic realm.
    pub realm: String,
    /// At most this many sessions at once.
    pub max_sessions: usize,
    /// At most this many sessions per user.
    pub max_sessions_per_user: Option<NonZeroUsize>,
    /// Idle timeout of sessions that ask for none, minutes.
    pub idle_timeout_minutes: u32,
    /// The largest `Session-TTL` honoured, minutes.
    pub max_session_ttl_minutes: u32,
    /// Honour `Prefer: csrf-protection`.
    pub csrf_protection: bool,
    /// TLS, if any.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Mark cookies `Secure` (on by default; the server is plain HTTP only on loopback).
    pub secure_cookie: bool,
    /// At most this many connections at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// The time a client has for each request, from the previous response (or the connection's
    /// start) to the end of its request, TLS handshake included.
    pub request_timeout: Duration,
    /// Per-connection buffer: the longest request head plus body accepted.
    pub buffer_size: usize,
    /// Log one line per request to stderr.
    pub log: bool,
}

impl ServerConfig {
    /// A configuration for one user on `listen`, with the engine's defaults: base
    /// `/ovirt-engine/api`, realm `RESTAPI`, 30 minute idle timeout.
    #[must_use]
    pub fn new(listen: SocketAddr, user: &str, password: Zeroizing<String>) -> Self {
        Self {
            listen,
            user: user.to_owned(),
            password,
            base_path: "/ovirt-engine/api".to_owned(),
            realm: "RESTAPI".to_owned(),
            max_sessions: 10_000,
            max_sessions_per_user: None,
            idle_timeout_minutes: persistent_auth::DEFAULT_IDLE_TIMEOUT_MINUTES,
            max_session_ttl_minutes: persistent_auth::DEFAULT_MAX_SESSION_TTL_MINUTES,
            csrf_protection: false,
            tls: None,
            secure_cookie: true,
            max_connections: 1024,
            request_timeout: Duration::from_secs(30),
            buffer_size: 16 * 1024,
            log: true,
        }
    }
}

/// The one user the reference server knows.
struct SingleUser {
    user: String,
    password: Zeroizing<String>,
}

impl Verifier for SingleUser {
    fn verify(&mut self, credentials: &Credentials<'_>) -> Option<UserId> {
        let Credentials::Basic { user, password } = credentials else { return None };
        // Both compared in full whatever the first says: no early exit to time.
        let user_ok = user.as_bytes().ct_eq(self.user.as_bytes());
        let password_ok = password.as_bytes().ct_eq(self.password.as_bytes());
        bool::from(user_ok & password_ok).then_some(UserId(0))
    }
}

/// Session ids from the operating system's CSPRNG.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsIds;

impl IdSource for OsIds {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        getrandom::fill(bytes).map_err(|_| IdSourceError)
    }
}

type Gate = SessionGate<'static, IndexedStore>;

/// What all connections share.
struct Shared {
    /// The gate and the verifier under one lock: a request's decision needs both, so one lock
    /// is taken where two were.
    locked: Mutex<Locked>,
    clock: Arc<dyn Clock>,
    log: bool,
}

/// What the shared lock guards.
struct Locked {
    gate: Gate,
    verifier: SingleUser,
}

/// One connection's way to the shared gate: short critical sections, never across an `await`.
struct ConnectionGate {
    shared: Arc<Shared>,
    peer: SocketAddr,
    /// The gate's head cap, read once: it never changes, and a lock per request is a lock too many.
    max_head: usize,
}

impl Gatekeeper for ConnectionGate {
    fn max_head(&self) -> usize {
        self.max_head
    }

    fn inspect(
        &mut self,
        parts: &RequestParts<'_, '_>,
        now: persistent_auth::Instant,
    ) -> Result<Decision, GateError> {
        let decision = {
            let mut locked = self.shared.locked.lock().unwrap_or_else(PoisonError::into_inner);
            let Locked { gate, verifier } = &mut *locked;
            gate.inspect_headers(parts, now, verifier, &mut OsIds)
        };
        if self.shared.log {
            let how = match &decision {
                Ok(d) => describe(d.verdict()),
                Err(e) => format!("rejected ({}: {e})", e.status()),
            };
            eprintln!("{} {} {} {how}", self.peer, parts.method, parts.target);
        }
        decision
    }

    fn response_headers(&self, decision: &Decision, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.shared
            .locked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .gate
            .encode_response_headers(decision, out)
    }

    fn refusal(&self, decision: &Decision, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.shared
            .locked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .gate
            .encode_refusal(decision, out)
    }

    fn finish(&mut self, decision: Decision) {
        self.shared.locked.lock().unwrap_or_else(PoisonError::into_inner).gate.finish(decision);
    }
}

/// How a request was authenticated, for the log.
fn describe(verdict: Verdict) -> String {
    match verdict {
        Verdict::Granted(Granted::Login, _) => "login".to_owned(),
        Verdict::Granted(Granted::Session, _) => "session".to_owned(),
        Verdict::Granted(Granted::LastRequest, _) => "session, then logout".to_owned(),
        Verdict::Granted(Granted::OneShot, _) => "one-shot".to_owned(),
        Verdict::Refused(
            r @ (Refusal::NoCredentials
            | Refusal::BadCredentials
            | Refusal::MalformedCredentials(_)),
        ) => {
            format!("rejected (401: {r})")
        }
        Verdict::Refused(r) => format!("rejected ({}: {r})", r.status()),
    }
}

/// The reference API: `HEAD` and `GET` on the base path answer 200 with a small document.
struct ReferenceApi {
    base: &'static str,
}

const API_DOCUMENT: &[u8] =
    b"<api><product_info><name>persistent-auth</name></product_info></api>\n";

impl Handler for ReferenceApi {
    async fn handle<'s>(&'s mut self, request: &Request<'_>) -> Reply<'s> {
        const XML: [persistent_auth::Header<'static>; 1] =
            [persistent_auth::Header { name: "Content-Type", value: b"application/xml" }];
        const ALLOW: [persistent_auth::Header<'static>; 1] =
            [persistent_auth::Header { name: "Allow", value: b"GET, HEAD" }];
        let path = request.target.split('?').next().unwrap_or("");
        if path != self.base && path.trim_end_matches('/') != self.base {
            return Reply::status(404);
        }
        match request.method {
            "GET" | "HEAD" => Reply { status: 200, headers: &XML, body: API_DOCUMENT },
            _ => Reply { status: 405, headers: &ALLOW, body: &[] },
        }
    }
}

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Shared>,
    config: ServerConfig,
    base: &'static str,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("listen", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds the listening socket and builds the gate.
    ///
    /// The base path and realm are leaked (a few bytes, once per server) because the gate, shared by
    /// every connection task, borrows them for the life of the process.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound or the configuration is invalid.
    pub async fn bind(config: ServerConfig, clock: Arc<dyn Clock>) -> io::Result<Self> {
        let base: &'static str = Box::leak(config.base_path.clone().into_boxed_str());
        let realm: &'static str = Box::leak(config.realm.clone().into_boxed_str());
        let gate_config = GateConfig::new(base)
            .with_realm(realm)
            .with_secure_cookie(config.secure_cookie)
            .with_idle_timeout_minutes(config.idle_timeout_minutes)
            .with_max_session_ttl_minutes(config.max_session_ttl_minutes)
            .with_csrf_protection(config.csrf_protection)
            .with_max_sessions_per_user(config.max_sessions_per_user)
            .with_max_head(config.buffer_size.min(persistent_auth::DEFAULT_MAX_HEAD));
        let gate = SessionGate::new(gate_config, IndexedStore::new(config.max_sessions))
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let listener = TcpListener::bind(config.listen).await?;
        let verifier = SingleUser { user: config.user.clone(), password: config.password.clone() };
        let shared = Arc::new(Shared {
            locked: Mutex::new(Locked { gate, verifier }),
            clock,
            log: config.log,
        });
        Ok(Self { listener, shared, config, base })
    }

    /// The address the server listens on.
    ///
    /// # Errors
    ///
    /// When the socket has no address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then stops accepting, lets requests in progress finish
    /// (within `request_timeout`), and closes every connection.
    ///
    /// # Errors
    ///
    /// When accepting fails for a reason other than a single bad connection.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) -> io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let permits = Arc::new(Semaphore::new(self.config.max_connections.max(1)));
        let mut tasks = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                () = &mut shutdown => break,
                permit = permits.clone().acquire_owned() => permit.map_err(io::Error::other)?,
            };
            let accepted = tokio::select! {
                () = &mut shutdown => break,
                accepted = self.listener.accept() => accepted,
            };
            let (tcp, peer) = match accepted {
                Ok(pair) => pair,
                // A connection that died before it was accepted, or no file descriptors for a
                // moment: not a reason to stop serving everyone else.
                Err(e) if is_transient(&e) => continue,
                Err(e) => return Err(e),
            };
            let shared = self.shared.clone();
            let config = self.config.clone();
            let stop = stop_rx.clone();
            let base = self.base;
            tasks.spawn(async move {
                let _permit = permit;
                serve_connection(tcp, peer, shared, &config, base, stop).await;
            });
            // Reap finished tasks so the set does not grow with the server's lifetime.
            while tasks.try_join_next().is_some() {}
        }
        drop(self.listener);
        let _ = stop_tx.send(true);
        let grace = self.config.request_timeout;
        if tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} })
            .await
            .is_err()
        {
            tasks.abort_all();
        }
        Ok(())
    }

    /// Runs the server on a task of its own; the handle stops it.
    #[must_use]
    pub fn spawn(self) -> ServerHandle {
        let addr = self.listener.local_addr().ok();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(self.run(async move {
            let _ = rx.await;
        }));
        ServerHandle { addr, stop: Some(tx), task }
    }
}

/// A server running on its own task.
#[derive(Debug)]
pub struct ServerHandle {
    addr: Option<SocketAddr>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<io::Result<()>>,
}

impl ServerHandle {
    /// The address it listens on.
    ///
    /// # Panics
    ///
    /// Never: the address was known when the server was bound.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Stops it gracefully and waits.
    ///
    /// # Errors
    ///
    /// What the accept loop failed with, if it did.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.await.map_err(io::Error::other)?
    }
}

fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    ) || e.raw_os_error().is_some_and(|code| code == 24 || code == 23) // EMFILE, ENFILE
}

/// One connection: TLS handshake if configured, then requests until the client leaves, a request
/// overruns its time, or the server shuts down.
async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    config: &ServerConfig,
    base: &'static str,
    mut stop: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    let stream = match &config.tls {
        None => Stream::Plain(tcp),
        Some(tls) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(tls.clone());
            match tokio::time::timeout(config.request_timeout, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => Stream::TlsServer(tls),
                Ok(Err(e)) => {
                    if config.log {
                        eprintln!("{peer} TLS handshake failed: {e}");
                    }
                    return;
                }
                Err(_) => return,
            }
        }
    };
    let state = ConnectionState::new();
    let mut io = FromTokio::new(Guarded::new(stream, config.request_timeout, state.clone()));
    let mut buf = vec![0u8; config.buffer_size];
    let mut connection: Connection<'_> = Connection::new(&mut buf);
    let max_head =
        shared.locked.lock().unwrap_or_else(PoisonError::into_inner).gate.config().max_head;
    let mut gate = ConnectionGate { shared: shared.clone(), peer, max_head };
    let mut handler = ReferenceApi { base };
    let clock = shared.clock.clone();
    let serve = connection.serve(&mut io, &mut gate, &mut handler, || clock.now());
    tokio::pin!(serve);
    let stopping = async {
        // The guard `wait_for` returns must not live across an await: drop it at once.
        let _ = stop.wait_for(|stopping| *stopping).await.map(drop);
    };
    let finished = tokio::select! {
        result = &mut serve => Some(result),
        () = stopping => None,
    };
    let result = match finished {
        Some(result) => result,
        // Shutting down between requests: just close.
        None if state.is_idle() => return,
        // Mid-request: finish it, then end at the next request boundary.
        None => {
            state.stop();
            serve.await
        }
    };
    if let Err(e) = result {
        if config.log && !matches!(e, persistent_auth_io::Error::Gate(_)) {
            eprintln!("{peer} connection ended: {e}");
        }
    }
}
