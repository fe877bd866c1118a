//! What the benchmarks share: the bytes every contender works on, and the contenders that are not
//! this project: the floor (httparse alone, plain copies) and the path a std user writes (the
//! `http` and `cookie` crates, `format!`).

use persistent_auth::{
    ArrayStore, ClientConfig, ClientSession, Credentials, GateConfig, HeadReader, IdSource,
    IdSourceError, Instant, Progress, RequestHead, SessionGate, SessionStore, UserId, Verifier,
};
use std::hint::black_box;

/// A login response head as an engine behind Apache writes it: 244 bytes.
pub const LOGIN_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nDate: Thu, 03 Dec 2026 16:24:38 GMT\r\nServer: Apache/2\r\nSet-Cookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK.node1; Path=/ovirt-engine/api; Secure; HttpOnly\r\nContent-Type: application/xml\r\nContent-Length: 0\r\nKeep-Alive: timeout=5\r\n\r\n";

/// A reuse response head.
pub const REUSE_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nDate: Thu, 03 Dec 2026 16:24:39 GMT\r\nServer: Apache/2\r\nContent-Type: application/xml\r\nContent-Length: 0\r\nKeep-Alive: timeout=5\r\n\r\n";

/// The session id in [`LOGIN_RESPONSE`].
pub const SESSION_ID: &str = "5dQja5ubr4yvI2MM2z+LZxrK.node1";
/// The host.
pub const HOST: &str = "engine.example.com";
/// The API root.
pub const BASE: &str = "/ovirt-engine/api";
/// The documented test user.
pub const USER: &str = "rhevmadmin@black.qumranet.com";
/// Its password.
pub const PASSWORD: &str = "123456";
/// The extra header a real client sends on a reuse.
pub const ACCEPT: [persistent_auth::Header<'static>; 1] =
    [persistent_auth::Header { name: "Accept", value: b"application/xml" }];

// ---- this project -----------------------------------------------------------------------------------

/// A client session that has just encoded a login (ready to decode its response).
#[must_use]
pub fn client_awaiting_login() -> ClientSession<'static> {
    let mut s = ClientSession::new(ClientConfig::new(HOST, BASE).with_secure_channel(true))
        .expect("config");
    let mut out = [0u8; 512];
    s.encode_request(
        &RequestHead::head(""),
        Some(&Credentials::basic(USER, PASSWORD)),
        Instant(0),
        &mut out,
    )
    .expect("login");
    s
}

/// A client session holding the session cookie.
#[must_use]
pub fn client_established() -> ClientSession<'static> {
    let mut s = client_awaiting_login();
    assert!(matches!(s.decode_response(LOGIN_RESPONSE, Instant(0)), Ok(Progress::Complete { .. })));
    s
}

/// Encodes a login into `out` from a fresh session; the length.
pub fn encode_login(session: &mut ClientSession<'static>, out: &mut [u8]) -> usize {
    session.forget();
    session
        .encode_request(
            &RequestHead::head(""),
            Some(&Credentials::basic(USER, PASSWORD)),
            Instant(0),
            out,
        )
        .expect("login")
}

/// Encodes a reuse into `out` from an established session; the length.
pub fn encode_reuse(session: &mut ClientSession<'static>, out: &mut [u8]) -> usize {
    let n = session
        .encode_request(&RequestHead::get("").with_headers(&ACCEPT), None, Instant(1), out)
        .expect("reuse");
    session.abort(); // back to Active without a response: the next iteration reuses again
    n
}

/// Encodes the logout into `out` from an established session; the length. Leaves it closed.
pub fn encode_logout(session: &mut ClientSession<'static>, out: &mut [u8]) -> usize {
    session.end_session();
    session.encode_request(&RequestHead::head(""), None, Instant(1), out).expect("logout")
}

/// Decodes the login response; the length of the head.
pub fn decode_login(session: &mut ClientSession<'static>) -> usize {
    match session.decode_response(black_box(LOGIN_RESPONSE), Instant(0)) {
        Ok(Progress::Complete { consumed, .. }) => consumed,
        other => panic!("{other:?}"),
    }
}

/// Decodes a reuse response; the length of the head.
pub fn decode_reuse(session: &mut ClientSession<'static>) -> usize {
    match session.decode_response(black_box(REUSE_RESPONSE), Instant(1)) {
        Ok(Progress::Complete { consumed, .. }) => consumed,
        other => panic!("{other:?}"),
    }
}

// ---- the gate ---------------------------------------------------------------------------------------

/// Accepts the documented user.
#[derive(Debug, Clone, Copy)]
pub struct OneUser;

impl Verifier for OneUser {
    fn verify(&mut self, c: &Credentials<'_>) -> Option<UserId> {
        (*c == Credentials::basic(USER, PASSWORD)).then_some(UserId(1))
    }
}

/// Ids from a counter (benchmarks only: fast and reproducible).
#[derive(Debug, Clone, Copy, Default)]
pub struct CounterIds(pub u64);

impl IdSource for CounterIds {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        self.0 += 1;
        let mut x = self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for b in bytes.iter_mut() {
            x ^= x >> 29;
            x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
            *b = (x >> 56) as u8;
        }
        Ok(())
    }
}

/// The documented login request.
pub const LOGIN_REQUEST: &[u8] = b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nAuthorization: Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2\r\nPrefer: persistent-auth\r\n\r\n";

/// A gate holding `live` sessions, and the reuse and logout requests of one of them (the last).
pub fn gate_with<S: SessionStore>(
    store: S,
    live: usize,
) -> (SessionGate<'static, S>, CounterIds, Vec<u8>, Vec<u8>) {
    let mut gate = SessionGate::new(GateConfig::new(BASE), store).expect("config");
    let mut ids = CounterIds::default();
    let mut logout = Vec::new();
    for _ in 0..live {
        logout = login(&mut gate, &mut ids).to_vec();
    }
    let cookie = String::from_utf8_lossy(&logout)
        .lines()
        .find_map(|l| l.strip_prefix("Cookie: ").map(str::to_owned))
        .unwrap_or_default();
    let reuse = format!(
        "GET /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nPrefer: persistent-auth\r\nCookie: {cookie}\r\nAccept: application/xml\r\n\r\n"
    );
    (gate, ids, reuse.into_bytes(), logout)
}

/// A request held inline, so that building one allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct InlineRequest {
    bytes: [u8; 128],
    len: usize,
}

impl std::ops::Deref for InlineRequest {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Logs in through `gate` (the decision finished) and returns the logout request of the new
/// session. Allocates nothing.
pub fn login<S: SessionStore>(
    gate: &mut SessionGate<'static, S>,
    ids: &mut CounterIds,
) -> InlineRequest {
    let Ok(Progress::Complete { value, .. }) = gate.inspect_request(
        &mut HeadReader::new(),
        black_box(LOGIN_REQUEST),
        Instant(1),
        &mut OneUser,
        ids,
    ) else {
        panic!("login")
    };
    let mut line = [0u8; 256];
    let n = gate.encode_response_headers(&value, &mut line).expect("headers");
    gate.finish(value);
    // "Set-Cookie: JSESSIONID=<22 characters>; Path=…"
    let cookie = line[..n]
        .strip_prefix(b"Set-Cookie: ")
        .and_then(|rest| rest.split(|&b| b == b';').next())
        .unwrap_or_default();
    let mut request = InlineRequest { bytes: [0; 128], len: 0 };
    for piece in [
        &b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nCookie: "[..],
        cookie,
        b"\r\n\r\n",
    ] {
        request.bytes[request.len..request.len + piece.len()].copy_from_slice(piece);
        request.len += piece.len();
    }
    request
}

/// A gate over an inline store of 1,024 sessions, 1,000 of them live.
pub type ArrayGate = SessionGate<'static, ArrayStore<1024>>;

/// Inspects `request`; the decision is finished at once (a logout ends its session, so the caller
/// logs in again to measure the next one).
pub fn inspect<S: SessionStore>(
    gate: &mut SessionGate<'static, S>,
    ids: &mut CounterIds,
    request: &[u8],
) -> bool {
    match gate.inspect_request(
        &mut HeadReader::new(),
        black_box(request),
        Instant(1),
        &mut OneUser,
        ids,
    ) {
        Ok(Progress::Complete { value, .. }) => {
            let granted = value.user().is_some();
            gate.finish(value);
            granted
        }
        other => panic!("{other:?}"),
    }
}

// ---- the floor --------------------------------------------------------------------------------------
// `persistent-auth-floor` on the same bytes. Its inputs pass through `black_box`, as a real client's
// would arrive at run time: a floor folded at compile time would measure nothing.

/// The floor's parse of the login response; the id's length (0 if none was found).
#[must_use]
pub fn floor_parse_login(input: &[u8]) -> usize {
    persistent_auth_floor::parse_login(black_box(input)).map_or(0, <[u8]>::len)
}

/// The floor's reuse request into `out`; the length.
pub fn floor_write_reuse(out: &mut [u8], id: &[u8]) -> usize {
    persistent_auth_floor::write_reuse(out, black_box(HOST.as_bytes()), black_box(id)).unwrap_or(0)
}

/// The floor's login request into `out`; the length.
pub fn floor_write_login(out: &mut [u8]) -> usize {
    let (host, user, password) = black_box((HOST, USER, PASSWORD));
    persistent_auth_floor::write_login(out, host.as_bytes(), user.as_bytes(), password.as_bytes())
        .unwrap_or(0)
}

/// The floor's logout request into `out`; the length.
pub fn floor_write_logout(out: &mut [u8], id: &[u8]) -> usize {
    persistent_auth_floor::write_logout(out, black_box(HOST.as_bytes()), black_box(id)).unwrap_or(0)
}

// ---- what a std user writes -------------------------------------------------------------------------

/// The login response read the way a std program often does: httparse into an `http::Response`,
/// then every `Set-Cookie` through the `cookie` crate. The id.
#[must_use]
pub fn std_parse_login(input: &[u8]) -> Option<String> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Response::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = parsed.parse(input) else { return None };
    let mut builder = http::Response::builder().status(parsed.code?);
    for h in parsed.headers.iter() {
        builder = builder.header(h.name, h.value);
    }
    let response = builder.body(()).ok()?;
    response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| cookie::Cookie::parse(v.to_owned()).ok())
        .find(|c| c.name() == "JSESSIONID")
        .map(|c| c.value().to_owned())
}

/// The reuse request written with `format!`.
#[must_use]
pub fn std_write_reuse(id: &str) -> String {
    format!(
        "GET {BASE} HTTP/1.1\r\nHost: {HOST}\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID={id}\r\nAccept: application/xml\r\n\r\n"
    )
}

/// The login request written with `format!` and an allocating base64.
#[must_use]
pub fn std_write_login() -> String {
    let raw = format!("{USER}:{PASSWORD}");
    let encoded = base64_string(raw.as_bytes());
    format!(
        "HEAD {BASE} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Basic {encoded}\r\nPrefer: persistent-auth\r\n\r\n"
    )
}

fn base64_string(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            out.push(if i <= chunk.len() {
                TABLE[((n >> shift) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contenders_agree() {
        assert_eq!(LOGIN_RESPONSE.len(), 244);
        assert_eq!(floor_parse_login(LOGIN_RESPONSE), SESSION_ID.len());
        assert_eq!(std_parse_login(LOGIN_RESPONSE).as_deref(), Some(SESSION_ID));
        let mut ours = [0u8; 512];
        let mut floor = [0u8; 512];
        let n = encode_reuse(&mut client_established(), &mut ours);
        assert_eq!(&ours[..n], std_write_reuse(SESSION_ID).as_bytes());
        assert_eq!(floor_write_reuse(&mut floor, SESSION_ID.as_bytes()), n);
        assert_eq!(&floor[..n], &ours[..n]);
        let n = encode_login(&mut client_established(), &mut ours);
        assert_eq!(&ours[..n], std_write_login().as_bytes());
        assert_eq!(floor_write_login(&mut floor), n);
        assert_eq!(&floor[..n], &ours[..n]);
        let mut s = client_established();
        let n = encode_logout(&mut s, &mut ours);
        assert_eq!(floor_write_logout(&mut floor, SESSION_ID.as_bytes()), n);
        assert_eq!(&floor[..n], &ours[..n]);
        let (mut gate, mut ids, reuse, logout) = gate_with(ArrayStore::<16>::new(), 10);
        assert!(inspect(&mut gate, &mut ids, &reuse));
        assert!(inspect(&mut gate, &mut ids, &logout));
        assert!(!inspect(&mut gate, &mut ids, &reuse), "ended");
    }
}
