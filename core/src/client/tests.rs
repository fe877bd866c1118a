//! Table tests for the client: the documentation vectors byte for byte, every row of the
//! transition table, every error; and the proptests for chunking invariance and the encode contract.

use super::*;
use crate::{DecodeError, Malformed, Progress};
use std::string::String;
use std::vec::Vec;

const HOST: &str = "engine.example.com";
const BASE: &str = "/ovirt-engine/api";
const USER: &str = "rhevmadmin@black.qumranet.com";
const CREDS: Credentials<'static> = Credentials::basic(USER, "123456");
const ID: &str = "5dQja5ubr4yvI2MM2z+LZxrK";

const LOGIN_VECTOR: &str = "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nAuthorization: Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2\r\nPrefer: persistent-auth\r\n\r\n";
const REUSE_VECTOR: &str = "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK\r\n\r\n";
const LOGOUT_VECTOR: &str = "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nCookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK\r\n\r\n";
const LOGIN_ANSWER: &str = "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK; Path=/ovirt-engine/api; Secure\r\n\r\n";
const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
const UNAUTHORIZED: &str = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\"\r\nContent-Length: 0\r\n\r\n";

type Session = ClientSession<'static>;

fn config() -> ClientConfig<'static> {
    ClientConfig::new(HOST, BASE).with_secure_channel(true)
}

fn session() -> Session {
    ClientSession::new(config()).unwrap()
}

fn encode_at(
    s: &mut Session,
    head: &RequestHead<'_>,
    creds: Option<&Credentials<'_>>,
    now: u64,
) -> String {
    let mut out = [0u8; 1024];
    let n = s.encode_request(head, creds, Instant(now), &mut out).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

fn encode(s: &mut Session) -> String {
    encode_at(s, &RequestHead::head(""), Some(&CREDS), 0)
}

fn respond_at(s: &mut Session, answer: &str, now: u64) -> Response {
    match s.decode_response(answer.as_bytes(), Instant(now)).unwrap() {
        Progress::Complete { consumed, value } => {
            assert_eq!(consumed, answer.find("\r\n\r\n").unwrap() + 4);
            value
        }
        Progress::Partial => panic!("partial: {answer:?}"),
    }
}

fn respond(s: &mut Session, answer: &str) -> Response {
    respond_at(s, answer, 0)
}

/// A session holding the documented cookie.
fn established() -> Session {
    let mut s = session();
    assert_eq!(encode(&mut s), LOGIN_VECTOR);
    assert_eq!(respond(&mut s, LOGIN_ANSWER).event, SessionEvent::Established);
    s
}

fn set_cookie(attrs: &str) -> String {
    std::format!("HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID={attrs}\r\nContent-Length: 0\r\n\r\n")
}

// ---- documentation vectors ---------------------------------------------------------------------

#[test]
fn the_documented_procedure_byte_for_byte() {
    let mut s = established();
    assert_eq!(s.state(), ClientState::Active);
    assert_eq!(encode(&mut s), REUSE_VECTOR);
    assert_eq!(respond(&mut s, OK).event, SessionEvent::Reused);
    s.end_session();
    assert_eq!(s.state(), ClientState::Ending);
    assert_eq!(encode(&mut s), LOGOUT_VECTOR);
    assert_eq!(s.state(), ClientState::Awaiting(RequestKind::Logout));
    assert_eq!(respond(&mut s, OK).event, SessionEvent::Closed);
    assert_eq!(s.state(), ClientState::Closed);
    assert!(!s.has_session());
}

#[test]
fn a_logout_answered_401_is_closed_too() {
    let mut s = established();
    s.end_session();
    encode(&mut s);
    let r = respond(&mut s, UNAUTHORIZED);
    assert_eq!((r.status, r.event), (401, SessionEvent::Closed));
    assert_eq!(s.state(), ClientState::Closed);
    // The cookie is never sent again: the next request is a fresh login.
    assert_eq!(encode(&mut s), LOGIN_VECTOR);
}

#[test]
fn session_ttl_goes_on_the_login_only() {
    let mut s = Session::new(config().with_session_ttl(SessionTtl::minutes(5))).unwrap();
    assert_eq!(
        encode(&mut s),
        LOGIN_VECTOR.replace("persistent-auth\r\n", "persistent-auth\r\nSession-TTL: 5\r\n")
    );
    respond(&mut s, LOGIN_ANSWER);
    assert_eq!(encode(&mut s), REUSE_VECTOR);
    assert_eq!(SessionTtl::minutes(0), None);
    assert_eq!(SessionTtl::minutes(u32::MAX).unwrap().get(), u32::MAX);
}

#[test]
fn renew_mode_sends_credentials_on_every_request_but_the_logout() {
    let mut s = Session::new(config().with_renew(true)).unwrap();
    assert_eq!(encode(&mut s), LOGIN_VECTOR);
    respond(&mut s, LOGIN_ANSWER);
    let reuse = encode(&mut s);
    assert!(reuse.contains("Authorization: Basic cmhl"), "{reuse}");
    assert!(reuse.contains("Prefer: persistent-auth\r\n") && reuse.contains("Cookie: JSESSIONID="));
    respond(&mut s, OK);
    let mut out = [0u8; 512];
    assert_eq!(
        s.encode_request(&RequestHead::head(""), None, Instant(0), &mut out),
        Err(EncodeError::CredentialsRequired)
    );
    s.end_session();
    assert_eq!(encode(&mut s), LOGOUT_VECTOR);
}

#[test]
fn credentials_on_logout_when_configured() {
    let mut s = Session::new(config().with_credentials_on_logout(true)).unwrap();
    encode(&mut s);
    respond(&mut s, LOGIN_ANSWER);
    s.end_session();
    assert_eq!(
        encode(&mut s),
        "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nAuthorization: Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2\r\nCookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK\r\n\r\n"
    );
}

#[test]
fn csrf_protection_adds_the_prefer_element_and_the_id_header() {
    let mut s = Session::new(config().with_csrf_protection(true)).unwrap();
    let login = encode(&mut s);
    assert!(login.contains("Prefer: persistent-auth, csrf-protection\r\n"), "{login}");
    assert!(!login.contains("JSESSIONID"));
    respond(&mut s, LOGIN_ANSWER);
    assert_eq!(
        encode(&mut s),
        "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nPrefer: persistent-auth, csrf-protection\r\nCookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK\r\nJSESSIONID: 5dQja5ubr4yvI2MM2z+LZxrK\r\n\r\n"
    );
    respond(&mut s, OK);
    s.end_session();
    assert_eq!(
        encode(&mut s),
        "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nCookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK\r\nJSESSIONID: 5dQja5ubr4yvI2MM2z+LZxrK\r\n\r\n"
    );
}

#[test]
fn reuse_requests_take_any_method_path_headers_and_body() {
    let mut s = established();
    let headers = [
        Header { name: "Accept", value: b"application/xml" },
        Header { name: "Version", value: b"4" },
    ];
    let head = RequestHead::new("POST", "/vms?search=name%3Dweb")
        .with_headers(&headers)
        .with_body(RequestBody::Length(42));
    assert_eq!(
        encode_at(&mut s, &head, Some(&CREDS), 0),
        "POST /ovirt-engine/api/vms?search=name%3Dweb HTTP/1.1\r\nHost: engine.example.com\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK\r\nAccept: application/xml\r\nVersion: 4\r\nContent-Length: 42\r\n\r\n"
    );
    let r = respond(&mut s, "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert_eq!((r.event, r.body), (SessionEvent::Reused, BodyFraming::Chunked));
    let head = RequestHead::new("PUT", "/vms/1").with_body(RequestBody::Chunked);
    assert!(encode_at(&mut s, &head, None, 0).ends_with("Transfer-Encoding: chunked\r\n\r\n"));
}

// ---- the transition table, row by row --------------------------------------------------------------

#[test]
fn login_rows() {
    let cases: [(&str, SessionEvent, ClientState); 7] = [
        (LOGIN_ANSWER, SessionEvent::Established, ClientState::Active),
        (OK, SessionEvent::NotEstablished(NotEstablished::NoCookie), ClientState::Idle),
        (
            "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=x; Max-Age=0\r\n\r\n",
            SessionEvent::NotEstablished(NotEstablished::NoCookie),
            ClientState::Idle,
        ),
        (
            "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=a b; Path=/\r\n\r\n",
            SessionEvent::NotEstablished(NotEstablished::InvalidValue),
            ClientState::Idle,
        ),
        (
            "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=; Path=/\r\n\r\n",
            SessionEvent::NotEstablished(NotEstablished::InvalidValue),
            ClientState::Idle,
        ),
        (UNAUTHORIZED, SessionEvent::Rejected, ClientState::Idle),
        (
            "HTTP/1.1 500 Internal Server Error\r\nSet-Cookie: JSESSIONID=x\r\n\r\n",
            SessionEvent::Failed,
            ClientState::Idle,
        ),
    ];
    for (answer, event, state) in cases {
        let mut s = session();
        encode(&mut s);
        assert_eq!(respond(&mut s, answer).event, event, "{answer}");
        assert_eq!(s.state(), state, "{answer}");
        assert_eq!(s.has_session(), state == ClientState::Active, "{answer}");
    }
}

#[test]
fn a_secure_cookie_is_refused_on_a_plain_channel() {
    let mut s = Session::new(ClientConfig::new(HOST, BASE)).unwrap();
    encode(&mut s);
    assert_eq!(
        respond(&mut s, LOGIN_ANSWER).event,
        SessionEvent::NotEstablished(NotEstablished::InsecureChannel)
    );
    assert_eq!(s.state(), ClientState::Idle);
    // So it is never sent: the next request logs in again.
    assert_eq!(encode(&mut s), LOGIN_VECTOR);
    // A cookie without `Secure` is fine on a plain channel.
    respond(&mut s, &set_cookie("abc; Path=/ovirt-engine/api"));
    assert!(encode(&mut s).contains("Cookie: JSESSIONID=abc\r\n"));
}

#[test]
fn no_cookie_is_taken_from_a_status_of_400_or_more() {
    for status in ["400 Bad Request", "403 Forbidden", "404 Not Found", "503 Unavailable"] {
        let answer = std::format!(
            "HTTP/1.1 {status}\r\nSet-Cookie: JSESSIONID=new; Path=/ovirt-engine/api\r\n\r\n"
        );
        let mut s = session();
        encode(&mut s);
        assert_eq!(respond(&mut s, &answer).event, SessionEvent::Failed);
        assert!(!s.has_session());
        let mut s = established();
        encode(&mut s);
        assert_eq!(respond(&mut s, &answer).event, SessionEvent::Reused, "{status}");
        assert_eq!(encode(&mut s), REUSE_VECTOR, "the old cookie stays");
    }
}

#[test]
fn reuse_rows() {
    let mut s = established();
    encode(&mut s);
    assert_eq!(respond(&mut s, OK).event, SessionEvent::Reused);

    encode(&mut s);
    let same = set_cookie("5dQja5ubr4yvI2MM2z+LZxrK; Path=/ovirt-engine/api; Secure");
    assert_eq!(respond(&mut s, &same).event, SessionEvent::Reused);
    assert_eq!(encode(&mut s), REUSE_VECTOR);

    let renewed = set_cookie("NEW.node2; Path=/ovirt-engine/api; Secure; HttpOnly");
    assert_eq!(respond(&mut s, &renewed).event, SessionEvent::Renewed);
    assert_eq!(s.state(), ClientState::Active);
    assert_eq!(encode(&mut s), REUSE_VECTOR.replace(ID, "NEW.node2"));

    let failed = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n";
    assert_eq!(respond(&mut s, failed).event, SessionEvent::Reused);
    assert_eq!(s.state(), ClientState::Active);

    encode(&mut s);
    let deleted =
        set_cookie("; Path=/ovirt-engine/api; Max-Age=0; Expires=Thu, 01-Jan-1970 00:00:10 GMT");
    assert_eq!(respond(&mut s, &deleted).event, SessionEvent::Ended);
    assert_eq!(s.state(), ClientState::Idle);
    assert_eq!(encode(&mut s), LOGIN_VECTOR);
}

#[test]
fn an_unusable_replacement_ends_the_session() {
    let mut s = established();
    encode(&mut s);
    assert_eq!(
        respond(&mut s, &set_cookie("bad\"value; Path=/ovirt-engine/api")).event,
        SessionEvent::Ended
    );
    assert!(!s.has_session());
}

#[test]
fn a_deletion_for_another_path_is_not_ours() {
    let mut s = established();
    encode(&mut s);
    let other = set_cookie("x; Path=/elsewhere; Max-Age=0");
    assert_eq!(respond(&mut s, &other).event, SessionEvent::Reused);
    assert_eq!(encode(&mut s), REUSE_VECTOR);
}

#[test]
fn expiry_relogs_in_once_then_gives_up() {
    let mut s = established();
    encode(&mut s);
    let r = respond(&mut s, UNAUTHORIZED);
    assert_eq!(r.event, SessionEvent::Expired);
    assert!(r.should_retry());
    assert_eq!(s.state(), ClientState::Idle);
    assert!(!s.has_session(), "the dead cookie is forgotten");
    // The retry is a login…
    assert_eq!(s.next_request(Instant(0)), Some(RequestKind::Login));
    assert_eq!(encode(&mut s), LOGIN_VECTOR);
    // …and a 401 to it is final.
    let r = respond(&mut s, UNAUTHORIZED);
    assert_eq!(r.event, SessionEvent::Rejected);
    assert!(!r.should_retry());
}

#[test]
fn expiry_then_successful_relogin() {
    let mut s = established();
    encode(&mut s);
    respond(&mut s, UNAUTHORIZED);
    encode(&mut s);
    assert_eq!(
        respond(&mut s, &set_cookie("second; Path=/ovirt-engine/api")).event,
        SessionEvent::Established
    );
    assert_eq!(encode(&mut s), REUSE_VECTOR.replace(ID, "second"));
}

#[test]
fn interim_responses_keep_the_request_in_flight() {
    let mut s = session();
    encode(&mut s);
    let r = respond(&mut s, "HTTP/1.1 100 Continue\r\n\r\n");
    assert_eq!((r.status, r.event, r.body), (100, SessionEvent::Interim, BodyFraming::None));
    assert_eq!(s.state(), ClientState::Awaiting(RequestKind::Login));
    assert_eq!(respond(&mut s, LOGIN_ANSWER).event, SessionEvent::Established);
}

// ---- cookies as real servers write them ---------------------------------------------------------------

#[test]
fn cookies_as_tomcat_and_undertow_write_them() {
    for answer in [
        // Undertow (the engine's WildFly): lower-case attributes.
        "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=Ab3-_/+=.node1; path=/ovirt-engine/api; secure; HttpOnly\r\n\r\n",
        // Tomcat: other cookies first, SameSite, several lines.
        "HTTP/1.1 200 \r\nSet-Cookie: locale=en_US; Path=/\r\nSet-Cookie: JSESSIONID=Ab3-_/+=.node1; Path=/ovirt-engine/api; Secure; HttpOnly; SameSite=Strict\r\nSet-Cookie: other=1\r\n\r\n",
        // Quoted.
        "HTTP/1.1 200 OK\r\nset-cookie: JSESSIONID=\"Ab3-_/+=.node1\"; Path=/ovirt-engine/api\r\n\r\n",
        // The last JSESSIONID line wins.
        "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=old; Path=/ovirt-engine/api\r\nSet-Cookie: JSESSIONID=Ab3-_/+=.node1; Path=/ovirt-engine/api\r\n\r\n",
    ] {
        let mut s = session();
        encode(&mut s);
        assert_eq!(respond(&mut s, answer).event, SessionEvent::Established, "{answer}");
        let reuse = encode(&mut s);
        assert!(
            reuse.contains("\r\nCookie: JSESSIONID=Ab3-_/+=.node1\r\n")
                || reuse.contains("\r\nCookie: JSESSIONID=\"Ab3-_/+=.node1\"\r\n"),
            "{answer} -> {reuse}"
        );
    }
}

#[test]
fn max_age_bounds_the_cookie() {
    let mut s = session();
    encode_at(&mut s, &RequestHead::head(""), Some(&CREDS), 1_000);
    respond_at(&mut s, &set_cookie("short; Path=/ovirt-engine/api; Max-Age=60"), 1_000);
    assert_eq!(s.next_request(Instant(60_999)), Some(RequestKind::Reuse));
    assert_eq!(s.next_request(Instant(61_000)), Some(RequestKind::Login));
    let mut out = [0u8; 512];
    // Past its lifetime the cookie is forgotten and the request must log in.
    assert_eq!(
        s.encode_request(&RequestHead::head(""), None, Instant(61_000), &mut out),
        Err(EncodeError::CredentialsRequired)
    );
    assert_eq!(s.state(), ClientState::Idle);
    assert_eq!(encode_at(&mut s, &RequestHead::head(""), Some(&CREDS), 61_000), LOGIN_VECTOR);
}

#[test]
fn expires_is_judged_against_the_date_header() {
    let past = "HTTP/1.1 200 OK\r\nDate: Wed, 09 Jun 2021 10:18:14 GMT\r\nSet-Cookie: JSESSIONID=x; Expires=Wed, 09 Jun 2021 10:18:13 GMT\r\n\r\n";
    let mut s = session();
    encode(&mut s);
    assert_eq!(respond(&mut s, past).event, SessionEvent::NotEstablished(NotEstablished::NoCookie));

    let in_ten_minutes = "HTTP/1.1 200 OK\r\nDate: Wed, 09 Jun 2021 10:18:14 GMT\r\nSet-Cookie: JSESSIONID=x; Path=/ovirt-engine/api; Expires=Wed, 09 Jun 2021 10:28:14 GMT\r\n\r\n";
    let mut s = session();
    encode(&mut s);
    assert_eq!(respond_at(&mut s, in_ten_minutes, 5).event, SessionEvent::Established);
    assert_eq!(s.next_request(Instant(600_004)), Some(RequestKind::Reuse));
    assert_eq!(s.next_request(Instant(600_005)), Some(RequestKind::Login));

    // Without Date, and without a Unix clock, Expires cannot be judged: a session cookie.
    let no_date = set_cookie("x; Path=/ovirt-engine/api; Expires=Wed, 09 Jun 2021 10:28:14 GMT");
    let mut s = session();
    encode(&mut s);
    assert_eq!(respond(&mut s, &no_date).event, SessionEvent::Established);
    assert_eq!(s.next_request(Instant(u64::MAX)), Some(RequestKind::Reuse));
    // With a Unix clock it can.
    let mut s = Session::new(config().with_unix_clock(true)).unwrap();
    encode(&mut s);
    let now = 1_623_233_894_000; // 10:18:14
    assert_eq!(respond_at(&mut s, &no_date, now).event, SessionEvent::Established);
    assert_eq!(s.next_request(Instant(now + 599_999)), Some(RequestKind::Reuse));
    assert_eq!(s.next_request(Instant(now + 600_000)), Some(RequestKind::Login));
}

#[test]
fn the_cookie_goes_only_below_its_path() {
    let mut s = session();
    encode(&mut s);
    respond(&mut s, &set_cookie("v; Path=/ovirt-engine/api/vms"));
    let mut out = [0u8; 512];
    assert_eq!(
        s.encode_request(&RequestHead::head(""), None, Instant(0), &mut out),
        Err(EncodeError::OutsideCookiePath)
    );
    assert_eq!(
        s.encode_request(&RequestHead::get("/vmsx"), None, Instant(0), &mut out),
        Err(EncodeError::OutsideCookiePath)
    );
    assert_eq!(s.state(), ClientState::Active);
    assert!(
        encode_at(&mut s, &RequestHead::get("/vms/1"), None, 0)
            .contains("Cookie: JSESSIONID=v\r\n")
    );
}

#[test]
fn a_cookie_without_path_gets_the_default_path() {
    let mut s = session();
    encode(&mut s);
    respond(&mut s, &set_cookie("v"));
    // The directory of /ovirt-engine/api is /ovirt-engine, which covers the base path.
    assert!(encode(&mut s).contains("Cookie: JSESSIONID=v\r\n"));
}

#[test]
fn a_cookie_longer_than_its_capacity_is_an_error_never_truncated() {
    let mut s = ClientSession::<'static, 32>::new(config()).unwrap();
    let mut out = [0u8; 512];
    s.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut out).unwrap();
    // 16 bytes of value + 17 of path = 33 > 32.
    let long = set_cookie("0123456789abcdef; Path=/ovirt-engine/api");
    assert_eq!(
        s.decode_response(long.as_bytes(), Instant(0)),
        Err(DecodeError::CookieTooLong { required: 33, capacity: 32 })
    );
    assert_eq!(s.state(), ClientState::Idle);
    assert!(!s.has_session());
    // Exactly at capacity is fine.
    s.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut out).unwrap();
    let fits = set_cookie("0123456789abcde; Path=/ovirt-engine/api");
    assert!(s.decode_response(fits.as_bytes(), Instant(0)).unwrap().is_complete());
    assert!(s.has_session());
    // A too-long replacement wipes the old cookie too: the server meant to replace it.
    s.encode_request(&RequestHead::head(""), None, Instant(0), &mut out).unwrap();
    assert!(s.decode_response(long.as_bytes(), Instant(0)).is_err());
    assert_eq!(s.state(), ClientState::Idle);
    assert!(!s.has_session());
}

// ---- responses: framing, keep-alive, odd status lines ------------------------------------------------

#[test]
fn framing_and_keep_alive() {
    let cases = [
        ("GET", "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", BodyFraming::Length(12), true),
        ("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", BodyFraming::None, true),
        ("GET", "HTTP/1.1 204 No Content\r\n\r\n", BodyFraming::None, true),
        ("GET", "HTTP/1.1 304 Not Modified\r\n\r\n", BodyFraming::None, true),
        (
            "GET",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            BodyFraming::Chunked,
            true,
        ),
        ("GET", "HTTP/1.1 200 OK\r\n\r\n", BodyFraming::UntilClose, false),
        (
            "GET",
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            BodyFraming::Length(0),
            false,
        ),
        ("GET", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", BodyFraming::Length(0), false),
        (
            "GET",
            "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n",
            BodyFraming::Length(0),
            true,
        ),
    ];
    for (method, answer, body, keep_alive) in cases {
        let mut s = established();
        encode_at(&mut s, &RequestHead::new(method, ""), None, 0);
        let r = respond(&mut s, answer);
        assert_eq!((r.body, r.keep_alive), (body, keep_alive), "{method} {answer}");
    }
}

#[test]
fn status_lines_without_reason_phrase() {
    for answer in
        ["HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"]
    {
        let mut s = established();
        encode(&mut s);
        assert_eq!(respond(&mut s, answer).status, 200, "{answer:?}");
    }
}

#[test]
fn empty_lines_before_a_response_are_skipped_whole_or_in_pieces() {
    // Found by fuzzing: whole, httparse skipped them; in pieces, the scanner took the first empty
    // line for the end of the head.
    let answer = b"\r\n\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let mut whole = established();
    encode(&mut whole);
    let expected = whole.decode_response(answer, Instant(0)).unwrap();
    assert!(matches!(expected, Progress::Complete { consumed, .. } if consumed == answer.len()));
    for split in 1..answer.len() {
        let mut s = established();
        encode(&mut s);
        let first = s.decode_response(&answer[..split], Instant(0)).unwrap();
        let result = if first.is_complete() {
            first
        } else {
            s.decode_response(answer, Instant(0)).unwrap()
        };
        assert_eq!(result, expected, "split at {split}");
    }
}

#[test]
fn the_head_may_be_followed_by_its_body() {
    let mut s = established();
    encode_at(&mut s, &RequestHead::get(""), None, 0);
    let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let (consumed, r) = s.decode_response(answer, Instant(0)).unwrap().complete().unwrap();
    assert_eq!(&answer[consumed..], b"hello");
    assert_eq!(r.body, BodyFraming::Length(5));
}

// ---- errors ----------------------------------------------------------------------------------------

#[test]
fn decode_errors_are_typed_and_leave_a_defined_state() {
    let many_headers = {
        let mut h = String::from("HTTP/1.1 200 OK\r\n");
        for i in 0..33 {
            h.push_str(&std::format!("X-{i}: y\r\n"));
        }
        h + "\r\n"
    };
    let huge = std::format!("HTTP/1.1 200 OK\r\nX: {}\r\n\r\n", "a".repeat(DEFAULT_MAX_HEAD));
    let cases: [(&str, DecodeError); 9] = [
        ("HTTP/2 200 OK\r\n\r\n", DecodeError::Malformed(Malformed::Version)),
        // Found by fuzzing: httparse takes any three digits, and a 001 passed for a success.
        ("HTTP/1.1 001 Unauthorized\r\n\r\n", DecodeError::Malformed(Malformed::StatusLine)),
        ("HTTP/1.1 600 Beyond\r\n\r\n", DecodeError::Malformed(Malformed::StatusLine)),
        ("HTTP/1.1 abc OK\r\n\r\n", DecodeError::Malformed(Malformed::StatusLine)),
        ("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", DecodeError::Malformed(Malformed::HeaderName)),
        ("HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n", DecodeError::Malformed(Malformed::HeaderValue)),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", DecodeError::InvalidContentLength),
        (&many_headers, DecodeError::TooManyHeaders { max: 32 }),
        (&huge, DecodeError::HeadTooLarge { max: DEFAULT_MAX_HEAD }),
    ];
    let get = |s: &mut Session| encode_at(s, &RequestHead::get(""), Some(&CREDS), 0);
    for (answer, error) in cases {
        // A bad answer to a login leaves no session…
        let mut s = session();
        get(&mut s);
        assert_eq!(s.decode_response(answer.as_bytes(), Instant(0)), Err(error));
        assert_eq!(s.state(), ClientState::Idle);
        // …to a reuse leaves the session as it was…
        let mut s = established();
        get(&mut s);
        assert_eq!(s.decode_response(answer.as_bytes(), Instant(0)), Err(error));
        assert_eq!(s.state(), ClientState::Active);
        assert_eq!(encode(&mut s), REUSE_VECTOR);
        // …to a logout closes it.
        respond(&mut s, OK);
        s.end_session();
        get(&mut s);
        assert_eq!(s.decode_response(answer.as_bytes(), Instant(0)), Err(error));
        assert_eq!(s.state(), ClientState::Closed);
        assert!(!error.is_misuse());
    }
}

#[test]
fn misuse_errors() {
    let mut s = session();
    assert_eq!(s.decode_response(OK.as_bytes(), Instant(0)), Err(DecodeError::NoRequestInFlight));
    assert!(DecodeError::NoRequestInFlight.is_misuse());
    encode(&mut s);
    let mut out = [0u8; 512];
    let err = s.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut out);
    assert_eq!(err, Err(EncodeError::ResponsePending));
    assert!(EncodeError::ResponsePending.is_misuse());
}

#[test]
fn encode_errors_say_what_was_wrong_and_touch_nothing() {
    let bad_name = [Header { name: "Bad Name", value: b"x" }];
    let bad_value = [Header { name: "X", value: b"a\r\nInjected: 1" }];
    let nul_value = [Header { name: "X", value: b"a\0" }];
    let reserved = [
        Header { name: "X-Ok", value: b"1" },
        Header { name: "cookie", value: b"JSESSIONID=mine" },
    ];
    let bad_creds = Credentials::basic("us:er", "pw");
    let cases: [(RequestHead<'_>, Option<&Credentials<'_>>, EncodeError); 8] = [
        (RequestHead::head(""), None, EncodeError::CredentialsRequired),
        (RequestHead::head(""), Some(&bad_creds), EncodeError::InvalidCredentials),
        (RequestHead::new("GE T", ""), Some(&CREDS), EncodeError::InvalidMethod),
        (RequestHead::head("vms"), Some(&CREDS), EncodeError::InvalidPath),
        (RequestHead::head("/a b"), Some(&CREDS), EncodeError::InvalidPath),
        (
            RequestHead::head("").with_headers(&bad_name),
            Some(&CREDS),
            EncodeError::InvalidHeaderName { index: 0 },
        ),
        (
            RequestHead::head("").with_headers(&bad_value),
            Some(&CREDS),
            EncodeError::InvalidHeaderValue { index: 0 },
        ),
        (
            RequestHead::head("").with_headers(&reserved),
            Some(&CREDS),
            EncodeError::ReservedHeader { index: 1 },
        ),
    ];
    for (head, creds, error) in cases {
        let mut s = session();
        let mut out = [0xEEu8; 512];
        assert_eq!(s.encode_request(&head, creds, Instant(0), &mut out), Err(error));
        assert_eq!(out, [0xEE; 512], "{error:?}: out untouched");
        assert_eq!(s.state(), ClientState::Idle, "{error:?}: state unchanged");
        assert!(!error.is_misuse());
    }
    let mut s = session();
    let mut out = [0u8; 512];
    assert_eq!(
        s.encode_request(
            &RequestHead::head("").with_headers(&nul_value),
            Some(&CREDS),
            Instant(0),
            &mut out
        ),
        Err(EncodeError::InvalidHeaderValue { index: 0 })
    );
}

#[test]
fn a_small_buffer_reports_the_exact_size_and_stays_untouched() {
    let mut s = session();
    let mut out = [0xEEu8; 100];
    let err = s.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut out);
    assert_eq!(err, Err(EncodeError::BufferTooSmall { required: LOGIN_VECTOR.len() }));
    assert_eq!(out, [0xEE; 100]);
    assert_eq!(s.state(), ClientState::Idle);
    let mut exact = std::vec![0u8; LOGIN_VECTOR.len()];
    assert_eq!(
        s.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut exact),
        Ok(LOGIN_VECTOR.len())
    );
}

#[test]
fn config_is_checked_at_construction() {
    let bad = [
        (ClientConfig::new("", BASE), ConfigError::InvalidHost),
        (ClientConfig::new("a\r\nb", BASE), ConfigError::InvalidHost),
        (ClientConfig::new("a b", BASE), ConfigError::InvalidHost),
        (ClientConfig::new("user@host", BASE), ConfigError::InvalidHost),
        (ClientConfig::new(HOST, "ovirt-engine"), ConfigError::InvalidBasePath),
        (ClientConfig::new(HOST, "/a?b"), ConfigError::InvalidBasePath),
        (ClientConfig::new(HOST, "/a\nb"), ConfigError::InvalidBasePath),
        (ClientConfig::new(HOST, BASE).with_max_head(15), ConfigError::MaxHeadTooSmall),
    ];
    for (cfg, error) in bad {
        assert_eq!(Session::new(cfg).err(), Some(error), "{cfg:?}");
    }
}

// ---- ending and aborting -----------------------------------------------------------------------------

#[test]
fn end_session_without_a_session_closes_at_once() {
    let mut s = session();
    s.end_session();
    assert_eq!(s.state(), ClientState::Closed);
    // A closed session may start again.
    assert_eq!(encode(&mut s), LOGIN_VECTOR);
}

#[test]
fn end_session_while_awaiting_applies_after_the_response() {
    let mut s = established();
    encode(&mut s);
    s.end_session();
    assert_eq!(s.state(), ClientState::Awaiting(RequestKind::Reuse));
    respond(&mut s, OK);
    assert_eq!(s.state(), ClientState::Ending);
    assert_eq!(encode(&mut s), LOGOUT_VECTOR);

    let mut s = established();
    encode(&mut s);
    s.end_session();
    respond(&mut s, UNAUTHORIZED);
    assert_eq!(s.state(), ClientState::Closed, "expired meanwhile: nothing to end");
}

#[test]
fn a_cookie_that_expired_before_the_logout_leaves_nothing_to_end() {
    let mut s = session();
    encode(&mut s);
    respond(&mut s, &set_cookie("x; Path=/ovirt-engine/api; Max-Age=1"));
    s.end_session();
    let mut out = [0u8; 512];
    assert_eq!(
        s.encode_request(&RequestHead::head(""), None, Instant(1_000), &mut out),
        Err(EncodeError::NothingToEnd)
    );
    assert_eq!(s.state(), ClientState::Closed);
}

#[test]
fn abort_and_forget() {
    let mut s = session();
    encode(&mut s);
    s.abort();
    assert_eq!(s.state(), ClientState::Idle);

    let mut s = established();
    encode(&mut s);
    s.abort();
    assert_eq!(s.state(), ClientState::Active);
    assert_eq!(encode(&mut s), REUSE_VECTOR);
    s.abort();
    s.end_session();
    encode(&mut s);
    s.abort();
    assert_eq!(s.state(), ClientState::Closed);
    assert_eq!(encode(&mut s), LOGIN_VECTOR, "never the cookie after a logout");

    let mut s = established();
    s.forget();
    assert_eq!(s.state(), ClientState::Idle);
    assert!(!s.has_session());
    s.abort(); // nothing in flight: no effect
    assert_eq!(s.state(), ClientState::Idle);
}

#[test]
fn debug_output_holds_no_secret() {
    let s = established();
    let shown = std::format!("{s:?}");
    assert!(!shown.contains(ID), "{shown}");
    assert!(shown.contains("Active"));
}

// ---- properties --------------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Responses as engines, Tomcat and Undertow write them, good and bad.
    const ANSWERS: &[&str] = &[
        LOGIN_ANSWER,
        OK,
        UNAUTHORIZED,
        "HTTP/1.1 200 \r\nSet-Cookie: locale=en; Path=/\r\nSet-Cookie: JSESSIONID=Ab3-_/+=.node1; path=/ovirt-engine/api; secure; HttpOnly\r\nDate: Wed, 09 Jun 2021 10:18:14 GMT\r\nContent-Type: application/xml\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=; Path=/ovirt-engine/api; Max-Age=0; Expires=Thu, 01-Jan-1970 00:00:10 GMT\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.0 404 Not Found\nContent-Length: 3\n\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
    ];

    fn whole(kind_answer: &str, session: &mut Session) -> Result<Progress<Response>, DecodeError> {
        session.decode_response(kind_answer.as_bytes(), Instant(0))
    }

    /// Decodes `answer` fed in the pieces `cuts` makes, as reads from a socket would.
    fn pieces(
        answer: &[u8],
        cuts: &[usize],
        session: &mut Session,
    ) -> Result<Progress<Response>, DecodeError> {
        let mut ends: Vec<usize> = cuts.iter().map(|c| c % (answer.len() + 1)).collect();
        ends.push(answer.len());
        ends.sort_unstable();
        for end in ends {
            match session.decode_response(&answer[..end], Instant(0))? {
                Progress::Partial => {}
                done => return Ok(done),
            }
        }
        Ok(Progress::Partial)
    }

    fn prepared(reuse: bool) -> Session {
        let mut s = if reuse { established() } else { session() };
        encode(&mut s);
        s
    }

    proptest! {
        #[test]
        fn any_split_gives_the_same_result(
            which in 0..ANSWERS.len(),
            cuts in proptest::collection::vec(any::<usize>(), 0..12),
            reuse in any::<bool>(),
        ) {
            let answer = ANSWERS[which];
            let mut a = prepared(reuse);
            let mut b = prepared(reuse);
            let expected = whole(answer, &mut a);
            let got = pieces(answer.as_bytes(), &cuts, &mut b);
            prop_assert_eq!(got, expected);
            prop_assert_eq!(a.state(), b.state());
            if a.next_request(Instant(0)).is_some() {
                let mut out_a = [0u8; 512];
                let mut out_b = [0u8; 512];
                let ra = a.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut out_a);
                let rb = b.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut out_b);
                prop_assert_eq!(ra, rb);
                prop_assert_eq!(&out_a[..], &out_b[..]);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
            cuts in proptest::collection::vec(any::<usize>(), 0..6),
            reuse in any::<bool>(),
        ) {
            let mut s = prepared(reuse);
            let _ = pieces(&bytes, &cuts, &mut s);
            // Whatever happened, the session can still be driven.
            let mut out = [0u8; 512];
            let _ = s.encode_request(&RequestHead::head(""), Some(&CREDS), Instant(0), &mut out);
        }

        #[test]
        fn arbitrary_headers_after_a_valid_status_line_never_panic(
            lines in proptest::collection::vec("[ -~\t]{0,40}", 0..10),
        ) {
            let mut answer = String::from("HTTP/1.1 200 OK\r\n");
            for line in &lines {
                answer.push_str(line);
                answer.push_str("\r\n");
            }
            answer.push_str("\r\n");
            let mut s = prepared(true);
            let _ = s.decode_response(answer.as_bytes(), Instant(0));
        }

        /// `Ok(n)`: the first n bytes parse as exactly one complete request with what was asked
        /// for. `Err`: `out` untouched.
        #[test]
        fn the_encode_contract(
            method in "[A-Z]{1,7}|[ -~]{0,8}",
            path in "(/[a-z0-9%=?&]{0,20}){0,3}|[ -~\r\n]{0,10}",
            headers in proptest::collection::vec(("[A-Za-z-]{1,12}|[ -~]{0,6}", "[ -~\t]{0,20}|[\\x00-\\x7f]{0,6}"), 0..4),
            body in prop_oneof![Just(RequestBody::None), any::<u64>().prop_map(RequestBody::Length), Just(RequestBody::Chunked)],
            size in 0usize..400,
            reuse in any::<bool>(),
            creds_given in any::<bool>(),
        ) {
            let headers: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header { name: n, value: v.as_bytes() }).collect();
            let head = RequestHead::new(&method, &path).with_headers(&headers).with_body(body);
            let mut s = if reuse { established() } else { session() };
            let before = s.state();
            let mut out = std::vec![0xEEu8; size];
            let creds = creds_given.then_some(&CREDS);
            match s.encode_request(&head, creds, Instant(0), &mut out) {
                Ok(n) => {
                    let mut parsed_headers = [httparse::EMPTY_HEADER; 64];
                    let mut req = httparse::Request::new(&mut parsed_headers);
                    prop_assert_eq!(req.parse(&out[..n]), Ok(httparse::Status::Complete(n)));
                    prop_assert_eq!(req.method, Some(method.as_str()));
                    let target = std::format!("{BASE}{path}");
                    prop_assert_eq!(req.path, Some(target.as_str()));
                    let has = |name: &str| req.headers.iter().any(|h| h.name.eq_ignore_ascii_case(name));
                    prop_assert_eq!(has("Authorization"), !reuse);
                    prop_assert_eq!(has("Cookie"), reuse);
                    prop_assert!(has("Prefer"));
                    prop_assert_eq!(req.headers.len(), 2 + 1 + headers.len() + usize::from(body != RequestBody::None));
                    prop_assert_eq!(s.state(), ClientState::Awaiting(if reuse { RequestKind::Reuse } else { RequestKind::Login }));
                }
                Err(_) => {
                    prop_assert!(out.iter().all(|&b| b == 0xEE));
                    prop_assert_eq!(s.state(), before);
                }
            }
        }
    }
}
