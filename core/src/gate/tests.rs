//! Table tests for the gate: every decision, the bad-input table, the limits.

use super::id::tests::CountingIds;
use super::*;
use crate::{Instant, Progress};
use std::borrow::ToOwned;
use std::string::String;
use std::vec::Vec;

const BASE: &str = "/ovirt-engine/api";
const ADMIN: &str = "Authorization: Basic YWRtaW46c2VjcmV0\r\n"; // admin:secret
const WRONG: &str = "Authorization: Basic YWRtaW46d3Jvbmc=\r\n"; // admin:wrong
const OTHER: &str = "Authorization: Basic b3RoZXI6cHc=\r\n"; // other:pw
const PERSIST: &str = "Prefer: persistent-auth\r\n";
const MINUTE: u64 = 60_000;

/// Users admin (1, password "secret") and other (2, password "pw"); bearer token "t0ken" is user 3.
#[derive(Default)]
pub(crate) struct Users {
    pub(crate) calls: usize,
}

impl Verifier for Users {
    fn verify(&mut self, credentials: &Credentials<'_>) -> Option<UserId> {
        self.calls += 1;
        match *credentials {
            Credentials::Basic { user: "admin", password: "secret" } => Some(UserId(1)),
            Credentials::Basic { user: "other", password: "pw" } => Some(UserId(2)),
            Credentials::Bearer { token: "t0ken" } => Some(UserId(3)),
            _ => None,
        }
    }
}

struct FailingIds;

impl IdSource for FailingIds {
    fn fill(&mut self, _: &mut [u8]) -> Result<(), IdSourceError> {
        Err(IdSourceError)
    }
}

struct RepeatingIds;

impl IdSource for RepeatingIds {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        bytes.fill(7);
        Ok(())
    }
}

type Gate = SessionGate<'static, ArrayStore<4>>;

struct Fixture {
    gate: Gate,
    users: Users,
    ids: CountingIds,
}

impl Fixture {
    fn new() -> Self {
        Self::with(GateConfig::new(BASE))
    }

    fn with(config: GateConfig<'static>) -> Self {
        Self {
            gate: Gate::new(config, ArrayStore::new()).unwrap(),
            users: Users::default(),
            ids: CountingIds::default(),
        }
    }

    fn inspect_at(&mut self, headers: &str, now: u64) -> Decision {
        let head = std::format!("GET /ovirt-engine/api HTTP/1.1\r\nHost: engine\r\n{headers}\r\n");
        self.inspect_raw(&head, now).unwrap()
    }

    fn inspect(&mut self, headers: &str) -> Decision {
        self.inspect_at(headers, 0)
    }

    fn inspect_raw(&mut self, head: &str, now: u64) -> Result<Decision, GateError> {
        let mut reader = HeadReader::new();
        match self.gate.inspect_request(
            &mut reader,
            head.as_bytes(),
            Instant(now),
            &mut self.users,
            &mut self.ids,
        )? {
            Progress::Complete { consumed, value } => {
                assert_eq!(consumed, head.len());
                Ok(value)
            }
            Progress::Partial => panic!("partial head: {head:?}"),
        }
    }

    fn headers(&self, d: &Decision) -> String {
        let mut out = [0u8; 512];
        let n = self.gate.encode_response_headers(d, &mut out).unwrap();
        String::from_utf8(out[..n].to_vec()).unwrap()
    }

    /// Logs in and returns the cookie header to reuse the session with.
    fn login_at(&mut self, extra: &str, now: u64) -> String {
        let d = self.inspect_at(&std::format!("{ADMIN}{PERSIST}{extra}"), now);
        assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
        let set = self.headers(&d);
        self.gate.finish(d);
        let id = set.strip_prefix("Set-Cookie: JSESSIONID=").unwrap().split(';').next().unwrap();
        assert_eq!(id.len(), SESSION_ID_TEXT_LEN);
        std::format!("Cookie: JSESSIONID={id}\r\n")
    }

    fn login(&mut self) -> String {
        self.login_at("", 0)
    }
}

fn id_of(cookie: &str) -> &str {
    cookie.trim_end().strip_prefix("Cookie: JSESSIONID=").unwrap()
}

// ---- the decision table ------------------------------------------------------------------------------

#[test]
fn login_sets_the_cookie() {
    let mut f = Fixture::new();
    let d = f.inspect(&std::format!("{ADMIN}{PERSIST}"));
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
    assert_eq!(d.user(), Some(UserId(1)));
    assert_eq!(d.refusal_status(), None);
    let set = f.headers(&d);
    assert!(set.starts_with("Set-Cookie: JSESSIONID="), "{set}");
    assert!(set.ends_with("; Path=/ovirt-engine/api; HttpOnly; Secure\r\n"), "{set}");
    assert_eq!(
        set.len(),
        "Set-Cookie: JSESSIONID=".len()
            + 22
            + "; Path=/ovirt-engine/api; HttpOnly; Secure\r\n".len()
    );
    f.gate.finish(d);
    assert_eq!(f.gate.store().len(), 1);
}

#[test]
fn a_plain_cookie_when_not_configured_secure() {
    let mut f = Fixture::with(GateConfig::new(BASE).with_secure_cookie(false));
    let d = f.inspect(&std::format!("{ADMIN}{PERSIST}"));
    assert!(f.headers(&d).ends_with("; Path=/ovirt-engine/api; HttpOnly\r\n"));
}

#[test]
fn reuse_ignores_any_authorization() {
    let mut f = Fixture::new();
    let cookie = f.login();
    let calls = f.users.calls;
    for auth in ["", ADMIN, WRONG, "Authorization: Basic !!!\r\n", "Authorization: Negotiate x\r\n"]
    {
        let d = f.inspect(&std::format!("{PERSIST}{cookie}{auth}"));
        assert_eq!(d.verdict(), Verdict::Granted(Granted::Session, UserId(1)), "{auth}");
        assert_eq!(f.headers(&d), "", "the cookie is only sent when a session is created");
        f.gate.finish(d);
    }
    assert_eq!(f.users.calls, calls, "the verifier is not asked while the session is valid");
}

#[test]
fn a_request_without_persistent_auth_is_the_sessions_last() {
    let mut f = Fixture::new();
    let cookie = f.login();
    let d = f.inspect(&cookie);
    assert_eq!(d.verdict(), Verdict::Granted(Granted::LastRequest, UserId(1)));
    assert_eq!(
        f.headers(&d),
        "Set-Cookie: JSESSIONID=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/ovirt-engine/api; HttpOnly; Secure\r\n"
    );
    f.gate.finish(d);
    assert!(f.gate.store().is_empty(), "the logout really ends the session");
    let d = f.inspect(&std::format!("{PERSIST}{cookie}"));
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::NoCredentials));
    assert_eq!(d.refusal_status(), Some(401));
}

#[test]
fn new_auth_ends_the_old_session_and_starts_another() {
    let mut f = Fixture::new();
    let old = f.login();
    let d = f.inspect(&std::format!("Prefer: persistent-auth, new-auth\r\n{old}{ADMIN}"));
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
    assert!(!f.headers(&d).contains(id_of(&old)));
    f.gate.finish(d);
    assert_eq!(f.gate.store().len(), 1);
    assert_eq!(
        f.inspect(&std::format!("{PERSIST}{old}")).verdict(),
        Verdict::Refused(Refusal::NoCredentials)
    );
    // new-auth without credentials: the old session is gone and nothing replaces it.
    let newer = f.login();
    let d = f.inspect(&std::format!("Prefer: persistent-auth, new-auth\r\n{newer}"));
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::NoCredentials));
    assert_eq!(
        f.inspect(&std::format!("{PERSIST}{newer}")).verdict(),
        Verdict::Refused(Refusal::NoCredentials)
    );
}

#[test]
fn csrf_protection_when_configured() {
    let mut f = Fixture::with(GateConfig::new(BASE).with_csrf_protection(true));
    let cookie = f.login_at("Prefer: csrf-protection\r\n", 0);
    let without = f.inspect(&std::format!("{PERSIST}{cookie}"));
    assert_eq!(without.verdict(), Verdict::Refused(Refusal::CsrfHeaderMissing));
    assert_eq!(without.refusal_status(), Some(403));
    let wrong = f.inspect(&std::format!("{PERSIST}{cookie}JSESSIONID: AAAAAAAAAAAAAAAAAAAAAA\r\n"));
    assert_eq!(wrong.verdict(), Verdict::Refused(Refusal::CsrfHeaderMissing));
    let with = f.inspect(&std::format!("{PERSIST}{cookie}JSESSIONID: {}\r\n", id_of(&cookie)));
    assert_eq!(with.verdict(), Verdict::Granted(Granted::Session, UserId(1)));
    // The logout needs it too.
    let logout = f.inspect(&cookie);
    assert_eq!(logout.verdict(), Verdict::Refused(Refusal::CsrfHeaderMissing));

    // Not configured: the preference is ignored.
    let mut f = Fixture::new();
    let cookie = f.login_at("Prefer: csrf-protection\r\n", 0);
    assert_eq!(
        f.inspect(&std::format!("{PERSIST}{cookie}")).verdict(),
        Verdict::Granted(Granted::Session, UserId(1))
    );
}

#[test]
fn a_dead_cookie_with_credentials_logs_in_again_silently() {
    let mut f = Fixture::new();
    let dead = "Cookie: JSESSIONID=AAAAAAAAAAAAAAAAAAAAAA\r\n";
    let d = f.inspect(&std::format!("{PERSIST}{dead}{ADMIN}"));
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
    assert!(f.headers(&d).starts_with("Set-Cookie: JSESSIONID="));
    // Without credentials: 401.
    let d = f.inspect(&std::format!("{PERSIST}{dead}"));
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::NoCredentials));
    // A cookie the gate never writes (the engine's format) is just as unknown.
    let d = f.inspect(&std::format!("{PERSIST}Cookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK\r\n"));
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::NoCredentials));
}

#[test]
fn an_expired_session_looks_like_an_unknown_one() {
    let mut f = Fixture::new();
    let cookie = f.login_at("", 0);
    let d = f.inspect_at(&std::format!("{PERSIST}{cookie}"), 30 * MINUTE - 1);
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Session, UserId(1)));
    // Use moved the idle deadline on.
    let d = f.inspect_at(&std::format!("{PERSIST}{cookie}"), 60 * MINUTE - 2);
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Session, UserId(1)));
    let d = f.inspect_at(&std::format!("{PERSIST}{cookie}"), 90 * MINUTE - 2);
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::NoCredentials));
    assert!(f.gate.store().is_empty(), "met while expired: removed");
}

#[test]
fn credentials_without_persistent_auth_are_one_shot() {
    let mut f = Fixture::new();
    for extra in ["", "Prefer: return=minimal\r\n", "Prefer: new-auth\r\n"] {
        let d = f.inspect(&std::format!("{ADMIN}{extra}"));
        assert_eq!(d.verdict(), Verdict::Granted(Granted::OneShot, UserId(1)), "{extra}");
        assert_eq!(f.headers(&d), "");
    }
    assert!(f.gate.store().is_empty());
    let d = f.inspect("Authorization: Bearer t0ken\r\n");
    assert_eq!(d.verdict(), Verdict::Granted(Granted::OneShot, UserId(3)));
}

#[test]
fn refusals_carry_exactly_one_challenge() {
    use crate::MalformedCredentials as M;
    let cases = [
        ("", Refusal::NoCredentials),
        (WRONG, Refusal::BadCredentials),
        ("Authorization: Basic !!!\r\n", Refusal::MalformedCredentials(M::InvalidBase64)),
        ("Authorization: Basic dXNlcg==\r\n", Refusal::MalformedCredentials(M::MissingColon)),
        ("Authorization: Basic OnB3\r\n", Refusal::MalformedCredentials(M::EmptyUser)),
        ("Authorization: Negotiate YII=\r\n", Refusal::MalformedCredentials(M::UnknownScheme)),
        ("Authorization: Bearer nope\r\n", Refusal::BadCredentials),
    ];
    for (auth, refusal) in cases {
        let mut f = Fixture::new();
        let d = f.inspect(&std::format!("{PERSIST}{auth}"));
        assert_eq!(d.verdict(), Verdict::Refused(refusal), "{auth}");
        assert_eq!(f.headers(&d), "WWW-Authenticate: Basic realm=\"RESTAPI\"\r\n", "{auth}");
        let mut out = [0u8; 256];
        let n = f.gate.encode_refusal(&d, &mut out).unwrap();
        assert_eq!(
            &out[..n],
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\"\r\nContent-Length: 0\r\n\r\n"
        );
        assert!(f.gate.store().is_empty());
    }
}

#[test]
fn credentials_longer_than_the_buffer_are_refused_not_cut() {
    let mut gate = SessionGate::<'static, ArrayStore<4>, 32, 16>::new(
        GateConfig::new(BASE),
        ArrayStore::new(),
    )
    .unwrap();
    // "admin:secret" is 12 bytes, but base64 needs room for 3-byte groups: 12 → 12, fits 16.
    let fits = std::format!("GET / HTTP/1.1\r\n{ADMIN}\r\n");
    let too_long = "GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0c2VjcmV0\r\n\r\n"; // 18 bytes
    let mut ids = CountingIds::default();
    let mut users = Users::default();
    let d = gate
        .inspect_request(&mut HeadReader::new(), fits.as_bytes(), Instant(0), &mut users, &mut ids)
        .unwrap();
    assert_eq!(d.complete().unwrap().1.verdict(), Verdict::Granted(Granted::OneShot, UserId(1)));
    let d = gate
        .inspect_request(
            &mut HeadReader::new(),
            too_long.as_bytes(),
            Instant(0),
            &mut users,
            &mut ids,
        )
        .unwrap();
    assert_eq!(
        d.complete().unwrap().1.verdict(),
        Verdict::Refused(Refusal::MalformedCredentials(crate::MalformedCredentials::TooLong))
    );
}

#[test]
fn the_legacy_realm() {
    let mut f = Fixture::with(GateConfig::new("/api").with_realm("ENGINE"));
    let d = f.inspect("");
    assert_eq!(f.headers(&d), "WWW-Authenticate: Basic realm=\"ENGINE\"\r\n");
}

// ---- Session-TTL ---------------------------------------------------------------------------------------

fn idle_timeout_after_login(f: &mut Fixture, ttl_header: &str) -> u64 {
    let cookie = f.login_at(ttl_header, 0);
    let id = SessionId::from_text(id_of(&cookie).as_bytes()).unwrap();
    f.gate.store_mut().find_mut(&id).unwrap().idle_timeout_ms
}

#[test]
fn session_ttl_sets_the_idle_timeout_within_the_maximum() {
    let mut f = Fixture::with(GateConfig::new(BASE).with_max_session_ttl_minutes(120));
    assert_eq!(idle_timeout_after_login(&mut f, ""), 30 * MINUTE);
    assert_eq!(idle_timeout_after_login(&mut f, "Session-TTL: 5\r\n"), 5 * MINUTE);
    assert_eq!(idle_timeout_after_login(&mut f, "Session-TTL:  1 \r\n"), MINUTE);
    assert_eq!(
        idle_timeout_after_login(&mut f, "Session-TTL: 99999999999999999999999\r\n"),
        120 * MINUTE
    );
    let mut f = Fixture::with(GateConfig::new(BASE).with_max_session_ttl_minutes(120));
    for junk in ["0", "-5", "abc", "1.5", "", "+3", "0x10"] {
        assert_eq!(
            idle_timeout_after_login(&mut f, &std::format!("Session-TTL: {junk}\r\n")),
            30 * MINUTE,
            "{junk:?}"
        );
        f = Fixture::with(GateConfig::new(BASE).with_max_session_ttl_minutes(120));
    }
}

#[test]
fn session_ttl_drives_expiry() {
    let mut f = Fixture::new();
    let cookie = f.login_at("Session-TTL: 1\r\n", 0);
    let reuse = std::format!("{PERSIST}{cookie}");
    assert_eq!(
        f.inspect_at(&reuse, MINUTE - 1).verdict(),
        Verdict::Granted(Granted::Session, UserId(1))
    );
    assert_eq!(
        f.inspect_at(&reuse, 2 * MINUTE - 1).verdict(),
        Verdict::Refused(Refusal::NoCredentials)
    );
}

// ---- bounded resources ---------------------------------------------------------------------------------

#[test]
fn a_full_store_answers_503_and_never_drops_a_live_session() {
    let mut f = Fixture::new();
    let cookies: Vec<String> = (0..4).map(|i| f.login_at("", i)).collect();
    let d = f.inspect_at(&std::format!("{ADMIN}{PERSIST}"), 10);
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::StoreFull));
    assert_eq!(d.refusal_status(), Some(503));
    let mut out = [0u8; 128];
    let n = f.gate.encode_refusal(&d, &mut out).unwrap();
    assert_eq!(&out[..n], b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    for cookie in &cookies {
        assert_eq!(
            f.inspect_at(&std::format!("{PERSIST}{cookie}"), 20).verdict(),
            Verdict::Granted(Granted::Session, UserId(1))
        );
    }
    // One-shot requests need no room.
    assert_eq!(f.inspect_at(ADMIN, 20).verdict(), Verdict::Granted(Granted::OneShot, UserId(1)));
}

#[test]
fn a_full_store_makes_room_from_expired_sessions_first() {
    let mut f = Fixture::new();
    let old = f.login_at("Session-TTL: 1\r\n", 0);
    let live: Vec<String> = (1..4).map(|i| f.login_at("", i)).collect();
    // At two minutes the first session is dead: a login takes its place.
    let d = f.inspect_at(&std::format!("{ADMIN}{PERSIST}"), 2 * MINUTE);
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
    f.gate.finish(d);
    assert_eq!(f.gate.store().len(), 4);
    assert_eq!(
        f.inspect_at(&std::format!("{PERSIST}{old}"), 2 * MINUTE).verdict(),
        Verdict::Refused(Refusal::NoCredentials)
    );
    for cookie in &live {
        assert_eq!(
            f.inspect_at(&std::format!("{PERSIST}{cookie}"), 2 * MINUTE).verdict(),
            Verdict::Granted(Granted::Session, UserId(1))
        );
    }
}

#[test]
fn the_per_user_cap() {
    let mut f =
        Fixture::with(GateConfig::new(BASE).with_max_sessions_per_user(NonZeroUsize::new(2)));
    f.login_at("Session-TTL: 1\r\n", 0);
    f.login_at("", 0);
    let d = f.inspect(&std::format!("{ADMIN}{PERSIST}"));
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::UserSessionCap));
    assert_eq!(d.refusal_status(), Some(503));
    let d = f.inspect(&std::format!("{OTHER}{PERSIST}"));
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(2)));
    // Expired sessions do not count.
    let d = f.inspect_at(&std::format!("{ADMIN}{PERSIST}"), 2 * MINUTE);
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
}

#[test]
fn a_failing_or_repeating_random_source_gets_503() {
    let mut gate = Gate::new(GateConfig::new(BASE), ArrayStore::new()).unwrap();
    let head = std::format!("GET / HTTP/1.1\r\n{ADMIN}{PERSIST}\r\n");
    let mut users = Users::default();
    let inspect = |gate: &mut Gate,
                   ids: &mut dyn FnMut(&mut Gate, &mut Users) -> Decision,
                   users: &mut Users| ids(gate, users);
    let mut failing = |g: &mut Gate, u: &mut Users| {
        g.inspect_request(&mut HeadReader::new(), head.as_bytes(), Instant(0), u, &mut FailingIds)
            .unwrap()
            .complete()
            .unwrap()
            .1
    };
    let d = inspect(&mut gate, &mut failing, &mut users);
    assert_eq!(d.verdict(), Verdict::Refused(Refusal::IdSourceFailed));
    let mut repeating = |g: &mut Gate, u: &mut Users| {
        g.inspect_request(&mut HeadReader::new(), head.as_bytes(), Instant(0), u, &mut RepeatingIds)
            .unwrap()
            .complete()
            .unwrap()
            .1
    };
    assert_eq!(
        inspect(&mut gate, &mut repeating, &mut users).verdict(),
        Verdict::Granted(Granted::Login, UserId(1))
    );
    assert_eq!(
        inspect(&mut gate, &mut repeating, &mut users).verdict(),
        Verdict::Refused(Refusal::IdSourceFailed)
    );
    assert_eq!(gate.store().len(), 1);
}

// ---- cookies -------------------------------------------------------------------------------------------

#[test]
fn the_first_cookie_naming_a_live_session_wins() {
    let mut f = Fixture::new();
    let first = f.login();
    let d = f.inspect(&std::format!("{OTHER}{PERSIST}"));
    let second_set = f.headers(&d);
    f.gate.finish(d);
    let second = second_set
        .strip_prefix("Set-Cookie: JSESSIONID=")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let cookie_line = std::format!(
        "Cookie: locale=en; JSESSIONID=garbage; JSESSIONID=AAAAAAAAAAAAAAAAAAAAAA; JSESSIONID={}; JSESSIONID={second}\r\n",
        id_of(&first)
    );
    assert_eq!(
        f.inspect(&std::format!("{PERSIST}{cookie_line}")).verdict(),
        Verdict::Granted(Granted::Session, UserId(1))
    );
    // Across several Cookie lines too, and quoted.
    let lines = std::format!("Cookie: a=b\r\nCookie: JSESSIONID=\"{second}\"\r\n{first}");
    assert_eq!(
        f.inspect(&std::format!("{PERSIST}{lines}")).verdict(),
        Verdict::Granted(Granted::Session, UserId(2))
    );
}

// ---- bad input -----------------------------------------------------------------------------------------

#[test]
fn bad_heads_are_typed_errors_with_their_status() {
    let many = {
        let mut h = String::from("GET / HTTP/1.1\r\n");
        for i in 0..33 {
            h.push_str(&std::format!("X-{i}: y\r\n"));
        }
        h + "\r\n"
    };
    let cases: [(String, GateError, u16); 9] = [
        ("GET / HTTP/2.0\r\n\r\n".into(), GateError::Malformed(Malformed::Version), 400),
        ("GET  HTTP/1.1\r\n\r\n".into(), GateError::Malformed(Malformed::RequestLine), 400),
        (
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n".into(),
            GateError::Malformed(Malformed::HeaderName),
            400,
        ),
        (
            "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n".into(),
            GateError::Malformed(Malformed::HeaderValue),
            400,
        ),
        (many, GateError::TooManyHeaders { max: 32 }, 431),
        (
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
            GateError::InvalidFraming,
            400,
        ),
        (
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n".into(),
            GateError::InvalidFraming,
            400,
        ),
        ("POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n".into(), GateError::InvalidFraming, 400),
        ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n".into(), GateError::InvalidFraming, 400),
    ];
    for (head, error, status) in cases {
        let mut f = Fixture::new();
        assert_eq!(f.inspect_raw(&head, 0), Err(error), "{head:?}");
        assert_eq!(error.status(), status);
    }
    let mut f = Fixture::new();
    let huge = std::format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(crate::DEFAULT_MAX_HEAD));
    let mut reader = HeadReader::new();
    let err =
        f.gate.inspect_request(&mut reader, huge.as_bytes(), Instant(0), &mut f.users, &mut f.ids);
    assert_eq!(err, Err(GateError::HeadTooLarge { max: crate::DEFAULT_MAX_HEAD }));
    assert_eq!(GateError::HeadTooLarge { max: 1 }.status(), 431);
    let mut out = [0u8; 128];
    let n = GateError::HeadTooLarge { max: 1 }.encode_response(&mut out).unwrap();
    assert_eq!(&out[..n], b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(
        GateError::InvalidFraming.encode_response(&mut [0u8; 10]),
        Err(crate::EncodeError::BufferTooSmall { required: 66 })
    );
}

#[test]
fn body_framing_and_keep_alive_are_reported() {
    let mut f = Fixture::new();
    let cases = [
        ("GET / HTTP/1.1\r\n\r\n", BodyFraming::None, true),
        ("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", BodyFraming::Length(5), true),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", BodyFraming::Chunked, true),
        ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", BodyFraming::None, false),
        ("GET / HTTP/1.0\r\n\r\n", BodyFraming::None, false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", BodyFraming::None, true),
    ];
    for (head, body, keep_alive) in cases {
        let d = f.inspect_raw(head, 0).unwrap();
        assert_eq!((d.body(), d.keep_alive()), (body, keep_alive), "{head:?}");
    }
    let d = f.inspect_raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 0).unwrap();
    let mut out = [0u8; 256];
    let n = f.gate.encode_refusal(&d, &mut out).unwrap();
    assert!(std::str::from_utf8(&out[..n]).unwrap().contains("\r\nConnection: close\r\n"));
}

#[test]
fn a_head_in_pieces_is_read_incrementally() {
    let mut f = Fixture::new();
    let head =
        std::format!("GET /ovirt-engine/api HTTP/1.1\r\nHost: e\r\n{ADMIN}{PERSIST}\r\nBODY");
    let mut reader = HeadReader::new();
    for end in [0, 1, 10, 40, head.len() - 7] {
        let p = f.gate.inspect_request(
            &mut reader,
            &head.as_bytes()[..end],
            Instant(0),
            &mut f.users,
            &mut f.ids,
        );
        assert_eq!(p, Ok(Progress::Partial), "{end}");
    }
    let (consumed, d) = f
        .gate
        .inspect_request(&mut reader, head.as_bytes(), Instant(0), &mut f.users, &mut f.ids)
        .unwrap()
        .complete()
        .unwrap();
    assert_eq!(&head.as_bytes()[consumed..], b"BODY");
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
}

#[test]
fn inspect_headers_decides_the_same() {
    let mut f = Fixture::new();
    let cookie = f.login();
    let value = std::format!("JSESSIONID={}", id_of(&cookie));
    let headers = [
        httparse::Header { name: "Prefer", value: b"persistent-auth" },
        httparse::Header { name: "Cookie", value: value.as_bytes() },
    ];
    let parts = RequestParts { method: "GET", target: "/", minor_version: 1, headers: &headers };
    let d = f.gate.inspect_headers(&parts, Instant(0), &mut f.users, &mut f.ids).unwrap();
    assert_eq!(d.verdict(), Verdict::Granted(Granted::Session, UserId(1)));
}

#[test]
fn config_is_checked_at_construction() {
    let bad = [
        (GateConfig::new("api"), ConfigError::InvalidBasePath),
        (GateConfig::new("/a;b"), ConfigError::InvalidBasePath),
        (GateConfig::new("/a\r\nSet-Cookie: x"), ConfigError::InvalidBasePath),
        (GateConfig::new(BASE).with_realm(""), ConfigError::InvalidRealm),
        (GateConfig::new(BASE).with_realm("a\"b"), ConfigError::InvalidRealm),
        (GateConfig::new(BASE).with_realm("a\r\nb"), ConfigError::InvalidRealm),
        (GateConfig::new(BASE).with_idle_timeout_minutes(0), ConfigError::ZeroTimeout),
        (GateConfig::new(BASE).with_max_session_ttl_minutes(0), ConfigError::ZeroTimeout),
        (GateConfig::new(BASE).with_max_head(3), ConfigError::MaxHeadTooSmall),
    ];
    for (config, error) in bad {
        assert_eq!(Gate::new(config, ArrayStore::new()).err(), Some(error), "{config:?}");
    }
}

#[test]
fn small_buffers_are_refused_untouched() {
    let mut f = Fixture::new();
    let d = f.inspect(&std::format!("{ADMIN}{PERSIST}"));
    let needed = f.headers(&d).len();
    let mut out = std::vec![0xEEu8; needed - 1];
    assert_eq!(
        f.gate.encode_response_headers(&d, &mut out),
        Err(crate::EncodeError::BufferTooSmall { required: needed })
    );
    assert!(out.iter().all(|&b| b == 0xEE));
}

#[test]
fn no_id_in_debug_output() {
    let mut f = Fixture::new();
    let d = f.inspect(&std::format!("{ADMIN}{PERSIST}"));
    let set = f.headers(&d);
    let id = set.strip_prefix("Set-Cookie: JSESSIONID=").unwrap().split(';').next().unwrap();
    let shown = std::format!("{d:?} {:?}", f.gate);
    assert!(!shown.contains(id), "{shown}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const REQUESTS: &[&str] = &[
        "HEAD /ovirt-engine/api HTTP/1.1\r\nHost: e\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nPrefer: persistent-auth\r\n\r\n",
        "GET /ovirt-engine/api HTTP/1.1\r\nHost: e\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\n\r\n",
        "GET /ovirt-engine/api HTTP/1.1\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID=AAAAAAAAAAAAAAAAAAAAAA\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 3\r\nAuthorization: Basic !!\r\n\r\nabc",
        "GET / HTTP/1.1\nPrefer: new-auth\n\n",
        "GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "BROKEN\r\n\r\n",
    ];

    fn whole(request: &[u8]) -> (Result<Progress<Decision>, GateError>, usize) {
        let mut f = Fixture::new();
        let r = f.gate.inspect_request(
            &mut HeadReader::new(),
            request,
            Instant(0),
            &mut f.users,
            &mut f.ids,
        );
        (r, f.gate.store().len())
    }

    proptest! {
        #[test]
        fn any_split_gives_the_same_decision(which in 0..REQUESTS.len(), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
            let request = REQUESTS[which].as_bytes();
            let (expected, stored) = whole(request);
            let mut f = Fixture::new();
            let mut reader = HeadReader::new();
            let mut ends: Vec<usize> = cuts.iter().map(|c| c % (request.len() + 1)).collect();
            ends.push(request.len());
            ends.sort_unstable();
            let mut got = Ok(Progress::Partial);
            for end in ends {
                got = f.gate.inspect_request(&mut reader, &request[..end], Instant(0), &mut f.users, &mut f.ids);
                if !matches!(got, Ok(Progress::Partial)) {
                    break;
                }
            }
            prop_assert_eq!(got, expected);
            prop_assert_eq!(f.gate.store().len(), stored);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = whole(&bytes);
        }

        #[test]
        fn arbitrary_header_lines_never_panic(lines in proptest::collection::vec("[ -~\t]{0,60}", 0..12)) {
            let mut request = String::from("GET /ovirt-engine/api HTTP/1.1\r\n");
            for line in &lines {
                request.push_str(line);
                request.push_str("\r\n");
            }
            request.push_str("\r\n");
            if let (Ok(Progress::Complete { value, .. }), _) = whole(request.as_bytes()) {
                let f = Fixture::new();
                let mut out = [0u8; 512];
                let n = f.gate.encode_response_headers(&value, &mut out).unwrap();
                // Whatever came in, what goes out is well-formed header lines.
                let mut headers = [httparse::EMPTY_HEADER; 8];
                let mut with_end = out[..n].to_vec();
                with_end.extend_from_slice(b"\r\n");
                prop_assert!(matches!(httparse::parse_headers(&with_end, &mut headers), Ok(httparse::Status::Complete(_))));
            }
        }
    }
}
