//! Proof that embassy-net's `TcpSocket` fits the async drivers: a client session and a server
//! connection over it, type-checked for `thumbv7em-none-eabihf` in CI. Nothing here runs.

#![no_std]

use embassy_net::tcp::TcpSocket;
use persistent_auth::{
    ArrayStore, ClientConfig, ClientSession, Credentials, GateConfig, IdSource, Instant,
    RequestHead, SessionEvent, SessionGate, Verifier,
};
use persistent_auth_io::{Client, Connection, Error, Handler, LocalGate, Reply, Request};

/// Logs in, reuses the session once, logs out: what a device does against an engine.
///
/// # Errors
///
/// What the socket or the server did wrong.
pub async fn session(
    socket: TcpSocket<'_>,
    buf: &mut [u8],
    user: &str,
    password: &str,
    now: impl Fn() -> Instant,
) -> Result<bool, Error<embassy_net::tcp::Error>> {
    let config = ClientConfig::new("engine.example.com", "/ovirt-engine/api").with_secure_channel(true);
    let session: ClientSession<'static> = match ClientSession::new(config) {
        Ok(session) => session,
        Err(_) => return Ok(false),
    };
    let mut client = Client::new(socket, session, buf);
    let creds = Credentials::basic(user, password);
    let login = client.request(&RequestHead::head(""), Some(&creds), &[], now()).await?;
    let reuse = client.request(&RequestHead::get("/vms"), Some(&creds), &[], now()).await?;
    let mut body = [0u8; 256];
    let _ = client.read_to_end(&mut body).await;
    client.logout(&RequestHead::head(""), None, now()).await?;
    Ok(login.event == SessionEvent::Established && reuse.status < 400)
}

struct Status;

impl Handler for Status {
    async fn handle<'s>(&'s mut self, _: &Request<'_>) -> Reply<'s> {
        Reply { status: 200, headers: &[], body: b"ok" }
    }
}

/// Serves one connection of a device's web server behind the gate.
///
/// # Errors
///
/// What the socket or the client did wrong.
pub async fn serve<V: Verifier, I: IdSource>(
    mut socket: TcpSocket<'_>,
    gate: &mut SessionGate<'static, ArrayStore<8>>,
    verifier: V,
    ids: I,
    buf: &mut [u8],
    now: impl FnMut() -> Instant,
) -> Result<(), Error<embassy_net::tcp::Error>> {
    let mut connection: Connection<'_> = Connection::new(buf);
    let mut local = LocalGate { gate, verifier, ids };
    connection.serve(&mut socket, &mut local, &mut Status, now).await
}

/// A gate as a device would keep it.
#[must_use]
pub fn device_gate() -> Option<SessionGate<'static, ArrayStore<8>>> {
    SessionGate::new(GateConfig::new("/api"), ArrayStore::new()).ok()
}
