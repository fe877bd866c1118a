//! The server connection loop against scripted clients: sessions, bodies, pipelining, keep-alive,
//! and the answers to heads the gate cannot read.

mod script;

use persistent_auth::{
    ArrayStore, Credentials, GateConfig, Header, IdSource, IdSourceError, Instant, SessionGate,
    SessionStore, UserId,
};
use persistent_auth_io::{BlockingHandler, Connection, Error, LocalGate, Reply, Request};
use script::{End, Script};

const LOGIN: &str = "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: e\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nPrefer: persistent-auth\r\n\r\n";

struct Users;

impl persistent_auth::Verifier for Users {
    fn verify(&mut self, c: &Credentials<'_>) -> Option<UserId> {
        (*c == Credentials::basic("admin", "secret")).then_some(UserId(1))
    }
}

struct Ids(u8);

impl IdSource for Ids {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        self.0 += 1;
        bytes.fill(self.0);
        Ok(())
    }
}

/// Answers with what it saw: method, target, how, body.
#[derive(Default)]
struct Echo {
    seen: Vec<String>,
    reply: String,
}

impl BlockingHandler for Echo {
    fn handle<'s>(&'s mut self, r: &Request<'_>) -> Reply<'s> {
        self.reply = format!(
            "{} {} {:?} {}",
            r.method,
            r.target,
            r.granted,
            String::from_utf8_lossy(r.body)
        );
        self.seen.push(self.reply.clone());
        Reply {
            status: 200,
            headers: &[Header { name: "Content-Type", value: b"text/plain" }],
            body: self.reply.as_bytes(),
        }
    }
}

type Gate = SessionGate<'static, ArrayStore<8>>;

fn gate() -> Gate {
    SessionGate::new(GateConfig::new("/ovirt-engine/api"), ArrayStore::new()).unwrap()
}

/// Serves the scripted requests; returns what was written, the result and what the handler saw.
fn serve(
    gate: &mut Gate,
    script: Script,
    buf_len: usize,
) -> (String, Result<(), Error<script::Reset>>, Vec<String>) {
    let mut io = script;
    let mut buf = vec![0u8; buf_len];
    let mut connection: Connection<'_> = Connection::new(&mut buf);
    let mut handler = Echo::default();
    let mut local = LocalGate { gate, verifier: Users, ids: Ids(0) };
    let result = connection.serve_blocking(&mut io, &mut local, &mut handler, || Instant(0));
    (io.written_text(), result, handler.seen)
}

fn cookie_of(response: &str) -> String {
    let start = response.find("JSESSIONID=").unwrap() + "JSESSIONID=".len();
    response[start..start + 22].to_owned()
}

#[test]
fn login_reuse_and_logout_over_one_connection() {
    let mut gate = gate();
    let (out, result, seen) = serve(&mut gate, Script::new(&[LOGIN.as_bytes()], End::Close), 1024);
    result.unwrap();
    assert!(out.starts_with("HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID="), "{out}");
    assert!(
        out.contains("Content-Length: 29\r\n\r\n") && !out.contains("Login"),
        "no body to a HEAD: {out}"
    );
    assert_eq!(seen, ["HEAD /ovirt-engine/api Login "]);
    let id = cookie_of(&out);

    // Reuse (pipelined with a POST and the logout), in 3-byte reads.
    let requests = format!(
        "GET /ovirt-engine/api/vms HTTP/1.1\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID={id}\r\n\r\n\
         POST /ovirt-engine/api/vms HTTP/1.1\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID={id}\r\nContent-Length: 4\r\n\r\nbody\
         GET /ovirt-engine/api HTTP/1.1\r\nCookie: JSESSIONID={id}\r\n\r\n"
    );
    let (out, result, seen) =
        serve(&mut gate, Script::chopped(requests.as_bytes(), 3, End::Close), 1024);
    result.unwrap();
    assert_eq!(
        seen,
        [
            "GET /ovirt-engine/api/vms Session ",
            "POST /ovirt-engine/api/vms Session body",
            "GET /ovirt-engine/api LastRequest "
        ]
    );
    assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 3, "{out}");
    assert!(out.contains("Max-Age=0"), "the logout expires the cookie: {out}");
    assert!(gate.store().is_empty());

    // The dead cookie now gets a 401 with the challenge.
    let again = format!(
        "GET /ovirt-engine/api HTTP/1.1\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID={id}\r\n\r\n"
    );
    let (out, result, seen) = serve(&mut gate, Script::new(&[again.as_bytes()], End::Close), 1024);
    result.unwrap();
    assert_eq!(
        out,
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\"\r\nContent-Length: 0\r\n\r\n"
    );
    assert!(seen.is_empty());
}

#[test]
fn a_chunked_request_body_is_decoded_in_place_and_the_next_request_kept() {
    let mut gate = gate();
    let requests = "POST /x HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\nTrailer: 1\r\n\r\nGET /y HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nConnection: close\r\n\r\n";
    for size in [1, 5, 500] {
        let (out, result, seen) =
            serve(&mut gate, Script::chopped(requests.as_bytes(), size, End::Close), 512);
        result.unwrap();
        assert_eq!(seen, ["POST /x OneShot abcdefg", "GET /y OneShot "], "reads of {size}");
        assert!(out.ends_with("Connection: close\r\n\r\nGET /y OneShot "), "{out}");
    }
}

#[test]
fn a_reply_body_goes_out_whole_with_or_without_room_behind_the_head() {
    // Echo answers with the request body and more, so a buffer that just holds the request has no
    // room for the reply's body behind its head (two writes), and a larger one does (one write).
    let body = "x".repeat(200);
    let request = format!(
        "POST /ovirt-engine/api HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nContent-Length: 200\r\n\r\n{body}"
    );
    let expected_body = format!("POST /ovirt-engine/api OneShot {body}");
    for buf_len in [request.len(), 1024] {
        let mut gate = gate();
        let (out, result, _) =
            serve(&mut gate, Script::new(&[request.as_bytes()], End::Close), buf_len);
        result.unwrap();
        let (head, sent) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("Content-Length: {}", expected_body.len())), "{head}");
        assert_eq!(sent, expected_body, "buffer of {buf_len}");
        assert!(
            head.len() + 4 + sent.len() > buf_len || buf_len == 1024,
            "{} {buf_len}",
            out.len()
        );
    }
}

#[test]
fn oversized_heads_and_bodies_get_431_and_413() {
    let mut gate = gate();
    let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(400));
    let (out, result, _) = serve(&mut gate, Script::new(&[long.as_bytes()], End::Close), 256);
    assert_eq!(
        out,
        "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    );
    assert!(matches!(result, Err(Error::Gate(persistent_auth::GateError::HeadTooLarge { .. }))));

    let big = format!(
        "POST / HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nContent-Length: 500\r\n\r\n{}",
        "b".repeat(500)
    );
    let (out, result, seen) = serve(&mut gate, Script::new(&[big.as_bytes()], End::Close), 256);
    assert!(out.starts_with("HTTP/1.1 413 "), "{out}");
    result.unwrap();
    assert!(seen.is_empty());
}

#[test]
fn malformed_heads_get_400_and_close() {
    let mut gate = gate();
    for bad in [
        "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
    ] {
        let (out, result, _) =
            serve(&mut gate, Script::new(&[bad.as_bytes(), LOGIN.as_bytes()], End::Close), 512);
        assert_eq!(
            out, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            "{bad:?}"
        );
        assert!(matches!(result, Err(Error::Gate(_))));
    }
}

#[test]
fn a_client_that_vanishes_mid_head_or_mid_body() {
    let mut gate = gate();
    let (out, result, _) =
        serve(&mut gate, Script::new(&[b"GET / HTTP/1.1\r\nHo"], End::Close), 512);
    assert_eq!((out.as_str(), result), ("", Err(Error::ConnectionClosed)));
    let (_, result, seen) = serve(
        &mut gate,
        Script::new(&[b"POST / HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nContent-Length: 9\r\n\r\nabc"], End::Reset),
        512,
    );
    assert_eq!(result, Err(Error::Io(script::Reset)));
    assert!(seen.is_empty());
}

#[test]
fn http_1_0_closes_after_one_request() {
    let mut gate = gate();
    let requests =
        "GET / HTTP/1.0\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\n\r\nGET / HTTP/1.0\r\n\r\n";
    let (out, result, seen) =
        serve(&mut gate, Script::new(&[requests.as_bytes()], End::Close), 512);
    result.unwrap();
    assert_eq!(seen.len(), 1);
    assert!(out.contains("Connection: close"));
}
