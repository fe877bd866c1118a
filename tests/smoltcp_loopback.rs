//! The io drivers over a real embedded TCP stack: smoltcp's `Loopback` device, client and server
//! sockets on one interface in one process, no TAP device, no root. The async client driver and
//! the async server connection run as two futures polled in turn with the interface, under a
//! simulated clock.

use core::cell::RefCell;
use core::future::{Future, poll_fn};
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use persistent_auth::{
    ArrayStore, ClientConfig, ClientSession, ClientState, Credentials, GateConfig, IdSource,
    IdSourceError, Instant, RequestHead, SessionEvent, SessionGate, SessionStore, UserId, Verifier,
};
use persistent_auth_io::{Client, Connection, Handler, LocalGate, Reply, Request};
use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{Loopback, Medium};
use smoltcp::socket::tcp;
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};
use std::cell::Cell;
use std::rc::Rc;

/// The interface, the loopback device and both sockets, behind one `RefCell` that only ever
/// borrows for the length of a poll.
struct Net {
    iface: Interface,
    device: Loopback,
    sockets: SocketSet<'static>,
    /// smoltcp's clock, in milliseconds.
    millis: i64,
}

impl Net {
    fn poll(&mut self) {
        let now = smoltcp::time::Instant::from_millis(self.millis);
        self.iface.poll(now, &mut self.device, &mut self.sockets);
        self.millis += 1;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SocketClosed;

impl core::fmt::Display for SocketClosed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("socket closed")
    }
}

impl core::error::Error for SocketClosed {}

impl embedded_io::Error for SocketClosed {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::ConnectionReset
    }
}

/// A smoltcp TCP socket as an `embedded_io_async` stream. It never blocks: when the socket cannot
/// move bytes it returns `Pending` and the test's loop polls the interface.
struct SmolSocket {
    net: Rc<RefCell<Net>>,
    handle: SocketHandle,
    /// Everything received, for the test to read cookies from.
    received: Rc<RefCell<Vec<u8>>>,
}

impl embedded_io_async::ErrorType for SmolSocket {
    type Error = SocketClosed;
}

impl embedded_io_async::Read for SmolSocket {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, SocketClosed> {
        poll_fn(|_| {
            let mut net = self.net.borrow_mut();
            let socket = net.sockets.get_mut::<tcp::Socket>(self.handle);
            if opening(socket) {
                Poll::Pending
            } else if socket.can_recv() {
                let n = socket.recv_slice(buf).map_err(|_| SocketClosed)?;
                self.received.borrow_mut().extend_from_slice(&buf[..n]);
                Poll::Ready(Ok(n))
            } else if !socket.may_recv() {
                Poll::Ready(Ok(0))
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

impl embedded_io_async::Write for SmolSocket {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, SocketClosed> {
        poll_fn(|_| {
            let mut net = self.net.borrow_mut();
            let socket = net.sockets.get_mut::<tcp::Socket>(self.handle);
            if opening(socket) {
                Poll::Pending
            } else if socket.can_send() {
                Poll::Ready(socket.send_slice(buf).map_err(|_| SocketClosed))
            } else if !socket.may_send() {
                Poll::Ready(Err(SocketClosed))
            } else {
                Poll::Pending
            }
        })
        .await
    }

    async fn flush(&mut self) -> Result<(), SocketClosed> {
        Ok(()) // queued bytes go out with the next interface poll
    }
}

/// A socket still listening or in its handshake: reads and writes wait.
fn opening(socket: &tcp::Socket<'_>) -> bool {
    matches!(socket.state(), tcp::State::Listen | tcp::State::SynSent | tcp::State::SynReceived)
}

struct Users;

impl Verifier for Users {
    fn verify(&mut self, c: &Credentials<'_>) -> Option<UserId> {
        (*c == Credentials::basic("admin", "secret")).then_some(UserId(7))
    }
}

/// Not random, for a test: a counter.
struct CountingIds(u8);

impl IdSource for CountingIds {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        self.0 += 1;
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = self.0.wrapping_mul(37).wrapping_add(i as u8);
        }
        Ok(())
    }
}

struct Api;

impl Handler for Api {
    async fn handle<'s>(&'s mut self, _: &Request<'_>) -> Reply<'s> {
        Reply { status: 200, headers: &[], body: b"device ok" }
    }
}

/// Polls `client` and `server` with the interface until the client is done.
fn run<C: Future, S: Future>(net: &Rc<RefCell<Net>>, client: C, server: S) -> C::Output {
    let mut client = pin!(client);
    let mut server = pin!(server);
    let mut cx = Context::from_waker(Waker::noop());
    let mut server_done = false;
    for _ in 0..1_000_000 {
        if let Poll::Ready(output) = client.as_mut().poll(&mut cx) {
            return output;
        }
        if !server_done {
            server_done = server.as_mut().poll(&mut cx).is_ready();
        }
        net.borrow_mut().poll();
    }
    panic!("the exchange did not finish");
}

#[test]
fn login_reuse_expiry_logout_and_a_dead_cookie_over_smoltcp() {
    let mut device = Loopback::new(Medium::Ip);
    let mut iface = Interface::new(
        Config::new(HardwareAddress::Ip),
        &mut device,
        smoltcp::time::Instant::from_millis(0),
    );
    iface.update_ip_addrs(|addrs| addrs.push(IpCidr::new(IpAddress::v4(127, 0, 0, 1), 8)).unwrap());
    let mut sockets = SocketSet::new(vec![]);
    let new_socket = || {
        tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; 2048]),
            tcp::SocketBuffer::new(vec![0; 2048]),
        )
    };
    let server_handle = sockets.add(new_socket());
    let client_handle = sockets.add(new_socket());
    let net = Rc::new(RefCell::new(Net { iface, device, sockets, millis: 0 }));
    {
        let mut n = net.borrow_mut();
        let Net { iface, sockets, .. } = &mut *n;
        sockets.get_mut::<tcp::Socket>(server_handle).listen(80).unwrap();
        let cx = iface.context();
        sockets
            .get_mut::<tcp::Socket>(client_handle)
            .connect(cx, (IpAddress::v4(127, 0, 0, 1), 80), 49_152)
            .unwrap();
    }

    // The session clock: minutes pass when the test says so.
    let session_now = Rc::new(Cell::new(0u64));
    let mut gate: SessionGate<'static, ArrayStore<4>> =
        SessionGate::new(GateConfig::new("/api").with_secure_cookie(false), ArrayStore::new())
            .unwrap();
    let received = Rc::new(RefCell::new(Vec::new()));
    let mut server_socket = SmolSocket {
        net: net.clone(),
        handle: server_handle,
        received: Rc::new(RefCell::new(Vec::new())),
    };
    let client_socket =
        SmolSocket { net: net.clone(), handle: client_handle, received: received.clone() };

    let mut server_buf = [0u8; 1024];
    let mut connection: Connection<'_> = Connection::new(&mut server_buf);
    let mut local = LocalGate { gate: &mut gate, verifier: Users, ids: CountingIds(0) };
    let server_clock = session_now.clone();
    let mut api = Api;
    let server = connection
        .serve(&mut server_socket, &mut local, &mut api, move || Instant(server_clock.get()));

    let mut client_buf = [0u8; 1024];
    let session: ClientSession<'static> =
        ClientSession::new(ClientConfig::new("device", "/api")).unwrap();
    let mut client = Client::new(client_socket, session, &mut client_buf[..]);
    let creds = Credentials::basic("admin", "secret");
    let clock = session_now.clone();
    let script = async {
        let now = || Instant(clock.get());
        let login = client.request(&RequestHead::get(""), Some(&creds), &[], now()).await.unwrap();
        assert_eq!((login.status, login.event), (200, SessionEvent::Established));
        let mut body = [0u8; 32];
        let n = client.read_to_end(&mut body).await.unwrap();
        assert_eq!(&body[..n], b"device ok");
        for _ in 0..3 {
            let reuse =
                client.request(&RequestHead::get("/status"), None, &[], now()).await.unwrap();
            assert_eq!(reuse.event, SessionEvent::Reused);
        }
        clock.set(clock.get() + 31 * 60_000);
        // Expired on the gate: a 401, then the same request again as a login, in one call.
        let after = client.request(&RequestHead::get(""), Some(&creds), &[], now()).await.unwrap();
        assert_eq!(after.event, SessionEvent::Established);
        let logout = client.logout(&RequestHead::head(""), None, now()).await.unwrap().unwrap();
        assert_eq!(logout.event, SessionEvent::Closed);
        assert_eq!(client.session().state(), ClientState::Closed);
        client
    };
    let client = run(&net, script, server);
    let (_, mut socket) = client.into_parts();

    // The server ended both sessions: the first by idling out, the second by the logout.
    assert!(gate.store().len() <= 1, "at most the expired one, not yet met again");
    let text = String::from_utf8_lossy(&received.borrow()).into_owned();
    let ids: Vec<String> = text
        .match_indices("Set-Cookie: JSESSIONID=")
        .map(|(at, m)| text[at + m.len()..].split(';').next().unwrap().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    assert_eq!(ids.len(), 2, "{text}");
    assert_eq!(text.matches("HTTP/1.1 401 ").count(), 1, "one expiry");

    // The dead cookie, sent raw on the same socket to a fresh connection loop: 401.
    let dead = format!(
        "GET /api HTTP/1.1\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID={}\r\n\r\n",
        ids[1]
    );
    let mut server_buf = [0u8; 1024];
    let mut connection: Connection<'_> = Connection::new(&mut server_buf);
    let mut local = LocalGate { gate: &mut gate, verifier: Users, ids: CountingIds(9) };
    let mut api = Api;
    let server = connection.serve(&mut server_socket, &mut local, &mut api, || Instant(0));
    received.borrow_mut().clear();
    let probe = async {
        use embedded_io_async::{Read, Write};
        socket.write_all(dead.as_bytes()).await.unwrap();
        let mut buf = [0u8; 256];
        let mut got = Vec::new();
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        String::from_utf8(got).unwrap()
    };
    let answer = run(&net, probe, server);
    assert!(
        answer
            .starts_with("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\""),
        "{answer}"
    );
}
