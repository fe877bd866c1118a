//! The client driver against scripted servers: the whole procedure, streaming, and every fault the
//! network can produce, each leaving the session where the next call behaves correctly.

mod script;

use persistent_auth::{
    ClientConfig, ClientSession, ClientState, Credentials, DecodeError, Instant, RequestBody,
    RequestHead, RequestKind, SessionEvent,
};
use persistent_auth_io::{BlockingClient, Error};
use script::{End, Reset, Script};

const CREDS: Credentials<'static> = Credentials::basic("admin@internal", "secret");
const LOGIN_OK: &[u8] = b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=abc; Path=/ovirt-engine/api; Secure\r\nContent-Length: 0\r\n\r\n";
const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
const EXPIRED: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\"\r\nContent-Length: 12\r\n\r\nUnauthorized";

fn session() -> ClientSession<'static> {
    ClientSession::new(ClientConfig::new("engine", "/ovirt-engine/api").with_secure_channel(true))
        .unwrap()
}

fn head() -> RequestHead<'static> {
    RequestHead::get("")
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn login_reuse_expiry_relogin_logout_in_one_byte_reads() {
    let answers = [LOGIN_OK, OK, EXPIRED, LOGIN_OK, OK].concat();
    let mut buf = [0u8; 512];
    let mut client =
        BlockingClient::new(Script::chopped(&answers, 1, End::Close), session(), &mut buf);
    assert_eq!(
        client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap().event,
        SessionEvent::Established
    );
    assert_eq!(
        client.request(&head(), Some(&CREDS), &[], Instant(1)).unwrap().event,
        SessionEvent::Reused
    );
    // The 401 and its body are handled inside: the same request goes again, as a login.
    let retried = client.request(&head(), Some(&CREDS), &[], Instant(2)).unwrap();
    assert_eq!(retried.event, SessionEvent::Established);
    let logout = client.logout(&RequestHead::head(""), None, Instant(3)).unwrap().unwrap();
    assert_eq!(logout.event, SessionEvent::Closed);
    assert_eq!(client.session().state(), ClientState::Closed);
    let sent = client.transport_mut().written_text();
    assert_eq!(count(&sent, "Authorization: Basic"), 2, "{sent}");
    assert_eq!(count(&sent, "Cookie: JSESSIONID=abc"), 3, "{sent}");
}

#[test]
fn bodies_in_memory_and_streamed() {
    let answers = [LOGIN_OK, b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", OK].concat();
    let mut buf = [0u8; 512];
    let mut client =
        BlockingClient::new(Script::chopped(&answers, 5, End::Close), session(), &mut buf);
    client.request(&head(), Some(&CREDS), b"{}", Instant(0)).unwrap();
    // A chunked upload, then a chunked download read in small pieces.
    let upload = RequestHead::new("POST", "/vms").with_body(RequestBody::Chunked);
    client.send_head(&upload, None, Instant(1)).unwrap();
    client.write_body(b"part one,").unwrap();
    client.write_body(b"").unwrap();
    client.write_body(b"part two").unwrap();
    let created = client.finish_request(Instant(1)).unwrap();
    assert_eq!(created.status, 201);
    let mut body = Vec::new();
    let mut piece = [0u8; 3];
    loop {
        let n = client.read_body(&mut piece).unwrap();
        if n == 0 {
            break;
        }
        body.extend_from_slice(&piece[..n]);
    }
    assert_eq!(body, b"hello world");
    // A body of known length, streamed.
    let put = RequestHead::new("PUT", "/vms/1").with_body(RequestBody::Length(4));
    client.send_head(&put, None, Instant(2)).unwrap();
    client.write_body(b"ab").unwrap();
    client.write_body(b"cd").unwrap();
    assert_eq!(client.finish_request(Instant(2)).unwrap().event, SessionEvent::Reused);
    let sent = client.transport_mut().written_text();
    assert!(sent.contains("Content-Length: 2\r\n\r\n{}"), "{sent}");
    assert!(
        sent.contains(
            "Transfer-Encoding: chunked\r\n\r\n9\r\npart one,\r\n8\r\npart two\r\n0\r\n\r\n"
        ),
        "{sent}"
    );
    assert!(sent.contains("Content-Length: 4\r\n\r\nabcd"), "{sent}");
}

#[test]
fn an_unread_body_is_skipped_before_the_next_request() {
    let answers =
        [LOGIN_OK, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", OK].concat();
    let mut buf = [0u8; 256];
    let mut client =
        BlockingClient::new(Script::chopped(&answers, 7, End::Close), session(), &mut buf);
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    client.request(&head(), None, &[], Instant(0)).unwrap();
    let mut two = [0u8; 2];
    assert_eq!(client.read_body(&mut two).unwrap(), 2);
    assert_eq!(client.request(&head(), None, &[], Instant(0)).unwrap().status, 200);
    let mut small = [0u8; 4];
    assert_eq!(client.read_to_end(&mut small).unwrap(), 0);
}

#[test]
fn read_to_end_refuses_a_body_longer_than_the_buffer() {
    let answers =
        [LOGIN_OK, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", OK].concat();
    let mut buf = [0u8; 256];
    let mut client =
        BlockingClient::new(Script::chopped(&answers, 64, End::Close), session(), &mut buf);
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    client.request(&head(), None, &[], Instant(0)).unwrap();
    let mut small = [0u8; 4];
    assert!(matches!(client.read_to_end(&mut small), Err(Error::BufferFull { capacity: 4 })));
    // The rest is skipped, the connection goes on.
    assert_eq!(client.request(&head(), None, &[], Instant(0)).unwrap().event, SessionEvent::Reused);
}

#[test]
fn a_reset_mid_response_leaves_the_session_usable_after_reconnecting() {
    let partial = &OK[..20];
    let mut buf = [0u8; 256];
    let mut client =
        BlockingClient::new(Script::new(&[LOGIN_OK, partial], End::Reset), session(), &mut buf);
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    let err = client.request(&head(), None, &[], Instant(1)).unwrap_err();
    assert_eq!(err, Error::Io(Reset));
    assert_eq!(client.session().state(), ClientState::Active, "a lost reuse keeps the session");
    assert!(!client.is_connected());
    assert_eq!(client.request(&head(), None, &[], Instant(1)).unwrap_err(), Error::Disconnected);
    client.reconnect(Script::new(&[OK], End::Close));
    assert_eq!(client.request(&head(), None, &[], Instant(2)).unwrap().event, SessionEvent::Reused);
    assert!(client.transport_mut().written_text().contains("Cookie: JSESSIONID=abc"));
}

#[test]
fn a_close_mid_body_is_an_error() {
    let truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    let mut buf = [0u8; 256];
    let mut client =
        BlockingClient::new(Script::new(&[LOGIN_OK, truncated], End::Close), session(), &mut buf);
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    client.request(&head(), None, &[], Instant(0)).unwrap();
    let mut body = [0u8; 32];
    assert_eq!(client.read_to_end(&mut body), Err(Error::ConnectionClosed));
    assert_eq!(client.session().state(), ClientState::Active);
    assert_eq!(client.request(&head(), None, &[], Instant(0)).unwrap_err(), Error::Disconnected);
}

#[test]
fn a_server_that_closes_before_answering_the_logout() {
    let mut buf = [0u8; 256];
    let mut client = BlockingClient::new(Script::new(&[LOGIN_OK], End::Close), session(), &mut buf);
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    assert_eq!(
        client.logout(&RequestHead::head(""), None, Instant(1)),
        Err(Error::ConnectionClosed)
    );
    assert_eq!(client.session().state(), ClientState::Closed, "the cookie is gone either way");
    // The next call starts a new session on a new connection.
    client.reconnect(Script::new(&[LOGIN_OK], End::Close));
    assert_eq!(client.session().next_request(Instant(2)), Some(RequestKind::Login));
    assert_eq!(
        client.request(&head(), Some(&CREDS), &[], Instant(2)).unwrap().event,
        SessionEvent::Established
    );
}

#[test]
fn a_truncated_head_is_connection_closed_and_a_garbled_one_a_decode_error() {
    let mut buf = [0u8; 256];
    let mut client = BlockingClient::new(
        Script::new(&[b"HTTP/1.1 200 OK\r\nSet-Coo"], End::Close),
        session(),
        &mut buf,
    );
    assert_eq!(
        client.request(&head(), Some(&CREDS), &[], Instant(0)),
        Err(Error::ConnectionClosed)
    );
    assert_eq!(client.session().state(), ClientState::Idle);

    client.reconnect(Script::new(&[b"HTTP/1.1 2OO OK\r\n\r\n"], End::Close));
    let err = client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap_err();
    assert!(matches!(err, Error::Decode(DecodeError::Malformed(_))), "{err:?}");
    assert_eq!(client.session().state(), ClientState::Idle);
    client.reconnect(Script::new(&[LOGIN_OK], End::Close));
    assert_eq!(
        client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap().event,
        SessionEvent::Established
    );
}

#[test]
fn a_response_head_larger_than_the_buffer() {
    let big =
        format!("HTTP/1.1 200 OK\r\nX-Padding: {}\r\nContent-Length: 0\r\n\r\n", "x".repeat(300));
    let mut buf = [0u8; 128];
    let mut client = BlockingClient::new(
        Script::new(&[LOGIN_OK, big.as_bytes()], End::Close),
        session(),
        &mut buf,
    );
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    assert_eq!(
        client.request(&head(), None, &[], Instant(0)),
        Err(Error::BufferFull { capacity: 128 })
    );
    assert_eq!(client.session().state(), ClientState::Active);
    client.reconnect(Script::new(&[OK], End::Close));
    assert_eq!(client.request(&head(), None, &[], Instant(0)).unwrap().event, SessionEvent::Reused);
}

#[test]
fn connection_close_from_the_server_ends_the_connection_not_the_session() {
    let closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    let mut buf = [0u8; 256];
    let mut client =
        BlockingClient::new(Script::new(&[LOGIN_OK, closing], End::Close), session(), &mut buf);
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    client.request(&head(), None, &[], Instant(0)).unwrap();
    let mut body = [0u8; 8];
    assert_eq!(client.read_to_end(&mut body).unwrap(), 2);
    assert_eq!(client.request(&head(), None, &[], Instant(0)), Err(Error::Disconnected));
    client.reconnect(Script::new(&[OK], End::Close));
    assert_eq!(client.request(&head(), None, &[], Instant(0)).unwrap().event, SessionEvent::Reused);
}

#[test]
fn a_body_until_close() {
    let mut buf = [0u8; 256];
    let mut client = BlockingClient::new(
        Script::new(&[LOGIN_OK, b"HTTP/1.1 200 OK\r\n\r\nall of ", b"this"], End::Close),
        session(),
        &mut buf,
    );
    client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap();
    client.request(&head(), None, &[], Instant(0)).unwrap();
    let mut body = [0u8; 32];
    let n = client.read_to_end(&mut body).unwrap();
    assert_eq!(&body[..n], b"all of this");
    assert!(!client.is_connected());
}

#[test]
fn encode_errors_send_nothing_and_keep_the_connection() {
    let mut buf = [0u8; 256];
    let mut client = BlockingClient::new(Script::new(&[LOGIN_OK], End::Close), session(), &mut buf);
    let bad = RequestHead::get("no-slash");
    assert!(matches!(client.request(&bad, Some(&CREDS), &[], Instant(0)), Err(Error::Encode(_))));
    assert!(client.transport_mut().written.is_empty());
    assert!(client.is_connected());
    assert_eq!(client.write_body(b"x"), Err(Error::Misuse));
    assert_eq!(
        client.request(&head(), Some(&CREDS), &[], Instant(0)).unwrap().event,
        SessionEvent::Established
    );
}
