//! The fuzz harnesses: one function per target, taking the fuzzer's bytes. They never return an
//! error; a broken invariant is a panic, which is what libFuzzer catches. `fuzz/` runs them under
//! libFuzzer, and `tests/fuzz_corpus.rs` replays every committed corpus file through them, so the
//! plain test command covers the corpus too.

use crate::model;
use arbitrary::{Arbitrary, Unstructured};
use persistent_auth::fuzzing;
use persistent_auth::{
    ArrayStore, ChunkedDecoder, ClientConfig, ClientSession, ClientState, Credentials, Decision,
    GateConfig, GateError, HeadReader, IdSource, IdSourceError, Instant, Preferences, Progress,
    RequestHead, RequestKind, Response, SessionEvent, SessionGate, SessionStore, UserId, Verdict,
    Verifier,
};

/// A harness: the fuzzer's bytes in, a panic out when an invariant breaks.
pub type Harness = fn(&[u8]);

/// The fuzz targets, by name, as `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/` call them.
pub const TARGETS: [(&str, Harness); 7] = [
    ("client_response", client_response),
    ("gate_request", gate_request),
    ("prefer", prefer),
    ("cookies", cookies),
    ("basic", basic),
    ("chunked", chunked),
    ("session_ops", session_ops),
];

/// Cut points for feeding `len` bytes in pieces, derived from `seed` (a small xorshift).
fn cuts(len: usize, seed: u8) -> Vec<usize> {
    let mut state = u32::from(seed) | 0x9e37_0000;
    let mut at = 0;
    let mut ends = Vec::new();
    while at < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        at += 1 + (state as usize % 17);
        ends.push(at.min(len));
    }
    ends
}

// ---- client_response ----------------------------------------------------------------------------

const LOGIN_ANSWER: &[u8] =
    b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=abc; Path=/ovirt-engine/api\r\n\r\n";

fn client(flags: u8) -> ClientSession<'static> {
    let config = ClientConfig::new("engine", "/ovirt-engine/api")
        .with_secure_channel(flags & 1 != 0)
        .with_renew(flags & 8 != 0)
        .with_unix_clock(flags & 16 != 0);
    let mut session: ClientSession<'static> = ClientSession::new(config).expect("valid config");
    let creds = Credentials::basic("u", "p");
    let mut out = [0u8; 512];
    let head = if flags & 4 != 0 { RequestHead::head("") } else { RequestHead::get("") };
    if flags & 2 != 0 {
        session.encode_request(&head, Some(&creds), Instant(0), &mut out).expect("login");
        let established = session.decode_response(LOGIN_ANSWER, Instant(0));
        assert!(matches!(established, Ok(Progress::Complete { .. })));
    }
    session.encode_request(&head, Some(&creds), Instant(0), &mut out).expect("request");
    session
}

/// Decodes `input` whole and in pieces; the results must agree.
fn decode_both(
    flags: u8,
    input: &[u8],
) -> (ClientSession<'static>, Result<Progress<Response>, persistent_auth::DecodeError>) {
    let mut whole = client(flags);
    let expected = whole.decode_response(input, Instant(1));
    let mut pieces = client(flags);
    let mut got = Ok(Progress::Partial);
    for end in cuts(input.len(), flags >> 5) {
        got = pieces.decode_response(&input[..end], Instant(1));
        if !matches!(got, Ok(Progress::Partial)) {
            break;
        }
    }
    if input.is_empty() {
        got = pieces.decode_response(input, Instant(1));
    }
    assert_eq!(got, expected, "pieces and whole disagree");
    assert_eq!(pieces.state(), whole.state());
    (whole, expected)
}

/// Response bytes (after one flag byte) to a login or a reuse: any split gives the same result,
/// nothing panics, and what the session writes next is a valid request that keeps the invariants.
pub fn client_response(data: &[u8]) {
    let Some((&flags, input)) = data.split_first() else { return };
    let (mut session, result) = decode_both(flags, input);
    if let Ok(Progress::Complete { consumed, value }) = result {
        assert!(consumed <= input.len());
        assert!((100..=599).contains(&value.status));
        if value.event == SessionEvent::Interim {
            return;
        }
    }
    if session.state() == ClientState::Active {
        assert!(session.has_session());
    }
    let Some(kind) = session.next_request(Instant(2)) else { return };
    let mut out = [0u8; 1024];
    let creds = Credentials::basic("u", "p");
    if let Ok(n) =
        session.encode_request(&RequestHead::get("/x"), Some(&creds), Instant(2), &mut out)
    {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut request = httparse::Request::new(&mut headers);
        assert_eq!(
            request.parse(&out[..n]),
            Ok(httparse::Status::Complete(n)),
            "a written request must parse"
        );
        let has = |name: &str| request.headers.iter().any(|h| h.name.eq_ignore_ascii_case(name));
        assert_eq!(has("cookie"), kind != RequestKind::Login);
        if kind == RequestKind::Reuse && flags & 8 == 0 {
            assert!(!has("authorization"), "credentials on a reuse");
        }
    }
}

// ---- gate_request -------------------------------------------------------------------------------

struct Users;

impl Verifier for Users {
    fn verify(&mut self, c: &Credentials<'_>) -> Option<UserId> {
        (*c == Credentials::basic("admin", "secret")).then_some(UserId(1))
    }
}

/// Ids counting up from 1: deterministic, so corpus files can hold a live session's cookie.
struct CountingIds(u8);

impl IdSource for CountingIds {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        self.0 = self.0.wrapping_add(1);
        bytes.fill(self.0);
        Ok(())
    }
}

/// The session the gate of [`gate_request`] already holds: `JSESSIONID=AQEBAQEBAQEBAQEBAQEBAQ`
/// (16 bytes of 1), live at `Instant(0)`.
pub const LIVE_SESSION: &str = "AQEBAQEBAQEBAQEBAQEBAQ";

type FuzzGate = SessionGate<'static, ArrayStore<4>>;

fn gate(flags: u8) -> (FuzzGate, CountingIds) {
    let config = GateConfig::new("/ovirt-engine/api")
        .with_csrf_protection(flags & 1 != 0)
        .with_secure_cookie(flags & 2 != 0)
        .with_max_head(256 + usize::from(flags & 0x0c) * 64);
    let mut gate = FuzzGate::new(config, ArrayStore::new()).expect("valid config");
    let mut ids = CountingIds(0);
    let login = b"GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nPrefer: persistent-auth, csrf-protection\r\n\r\n";
    let done =
        gate.inspect_request(&mut HeadReader::new(), login, Instant(0), &mut Users, &mut ids);
    let Ok(Progress::Complete { value, .. }) = done else { panic!("the set-up login failed") };
    gate.finish(value);
    (gate, ids)
}

fn inspect_both(flags: u8, input: &[u8]) -> (FuzzGate, Result<Progress<Decision>, GateError>) {
    let (mut whole_gate, mut whole_ids) = gate(flags);
    let expected = whole_gate.inspect_request(
        &mut HeadReader::new(),
        input,
        Instant(1),
        &mut Users,
        &mut whole_ids,
    );
    let (mut pieces_gate, mut pieces_ids) = gate(flags);
    let mut reader = HeadReader::new();
    let mut got = Ok(Progress::Partial);
    for end in cuts(input.len(), flags >> 4) {
        got = pieces_gate.inspect_request(
            &mut reader,
            &input[..end],
            Instant(1),
            &mut Users,
            &mut pieces_ids,
        );
        if !matches!(got, Ok(Progress::Partial)) {
            break;
        }
    }
    if input.is_empty() {
        got = pieces_gate.inspect_request(
            &mut reader,
            input,
            Instant(1),
            &mut Users,
            &mut pieces_ids,
        );
    }
    assert_eq!(got, expected, "pieces and whole disagree");
    assert_eq!(pieces_gate.store().len(), whole_gate.store().len());
    (whole_gate, expected)
}

/// Request bytes (after one flag byte) to a gate holding one live session: any split gives the
/// same decision, nothing panics, and what the gate writes is well-formed header lines.
pub fn gate_request(data: &[u8]) {
    let Some((&flags, input)) = data.split_first() else { return };
    let (mut gate, result) = inspect_both(flags, input);
    match result {
        Ok(Progress::Complete { consumed, value }) => {
            assert!(consumed <= input.len());
            let mut out = [0u8; 512];
            let n = gate.encode_response_headers(&value, &mut out).expect("room for the headers");
            let mut lines = out[..n].to_vec();
            lines.extend_from_slice(b"\r\n");
            let mut headers = [httparse::EMPTY_HEADER; 4];
            assert!(matches!(
                httparse::parse_headers(&lines, &mut headers),
                Ok(httparse::Status::Complete(_))
            ));
            let sets_cookie = headers.iter().any(|h| h.name == "Set-Cookie");
            let challenges = headers.iter().filter(|h| h.name == "WWW-Authenticate").count();
            match value.verdict() {
                Verdict::Granted(persistent_auth::Granted::Login, _) => assert!(sets_cookie),
                Verdict::Refused(r) => {
                    assert!(!sets_cookie);
                    assert_eq!(
                        challenges,
                        usize::from(r.status() == 401),
                        "exactly one challenge on a 401"
                    );
                    let n = gate.encode_refusal(&value, &mut out).expect("room for the refusal");
                    let mut headers = [httparse::EMPTY_HEADER; 8];
                    let mut response = httparse::Response::new(&mut headers);
                    assert_eq!(response.parse(&out[..n]), Ok(httparse::Status::Complete(n)));
                }
                Verdict::Granted(..) => {}
            }
            let before = gate.store().len();
            gate.finish(value);
            assert!(gate.store().len() <= before);
        }
        Ok(Progress::Partial) => {}
        Err(e) => assert!(matches!(e.status(), 400 | 431)),
    }
}

// ---- prefer ----------------------------------------------------------------------------------------

/// A `Prefer` value: nothing panics, the one-pass reader agrees with the split-then-split
/// reference, reading it twice changes nothing, and a preference can only be found where its name
/// is written.
pub fn prefer(data: &[u8]) {
    let mut once = Preferences::default();
    once.add_line(data);
    assert_eq!(once, fuzzing::prefer_reference(data), "one pass != reference");
    let mut twice = once;
    twice.add_line(data);
    assert_eq!(once, twice, "reading a line again changed the result");
    let text = data.to_ascii_lowercase();
    let written = |name: &[u8]| text.windows(name.len()).any(|w| w == name);
    assert!(!once.persistent_auth || written(b"persistent-auth"));
    assert!(!once.new_auth || written(b"new-auth"));
    assert!(!once.csrf_protection || written(b"csrf-protection"));
    // Lines add up: a second line never takes a preference away.
    let (a, b) = data.split_at(data.len() / 2);
    let mut both = Preferences::default();
    both.add_line(a);
    let first = both;
    both.add_line(b);
    assert!(both.persistent_auth >= first.persistent_auth && both.new_auth >= first.new_auth);
}

// ---- cookies ---------------------------------------------------------------------------------------

/// `Set-Cookie` and `Cookie` values and cookie dates: nothing panics, what is read obeys the
/// grammar, and a cookie a client takes goes back out exactly, in a valid request.
pub fn cookies(data: &[u8]) {
    assert_eq!(fuzzing::set_cookie(data), fuzzing::set_cookie_reference(data), "fast != reference");
    if let Some(c) = fuzzing::set_cookie(data) {
        assert!(!c.name.is_empty() && !c.name.contains(&b';') && !c.value.contains(&b';'));
        if let Some(path) = c.path {
            assert!(path.starts_with(b"/") && !path.contains(&b';'));
        }
    }
    for (name, value) in fuzzing::cookie_pairs(data) {
        assert!(!name.contains(&b';') && !value.contains(&b';'));
    }
    if let Some(seconds) = fuzzing::cookie_date(data) {
        assert!(seconds >= -11_644_473_600, "before 1601");
    }
    let (a, b) = data.split_at(data.len() / 2);
    let _ = fuzzing::path_matches(a, b, b"/ovirt-engine/api");

    // Through a client: the line as a login's Set-Cookie (line breaks removed, or it would be a
    // different response).
    let line: Vec<u8> = data.iter().copied().filter(|&b| b != b'\r' && b != b'\n').collect();
    let mut response = b"HTTP/1.1 200 OK\r\nSet-Cookie: ".to_vec();
    response.extend_from_slice(&line);
    response.extend_from_slice(b"\r\n\r\n");
    let mut session = client(1);
    if let Ok(Progress::Complete { value, .. }) = session.decode_response(&response, Instant(0)) {
        if value.event == SessionEvent::Established {
            let parsed = fuzzing::set_cookie(trim(&line)).expect("an established cookie was read");
            let mut out = [0u8; 1024];
            if let Ok(n) = session.encode_request(&RequestHead::get(""), None, Instant(0), &mut out)
            {
                let mut expected = b"\r\nCookie: JSESSIONID=".to_vec();
                expected.extend_from_slice(parsed.value);
                expected.extend_from_slice(b"\r\n");
                assert!(
                    out[..n].windows(expected.len()).any(|w| w == expected),
                    "the cookie did not go back as it came"
                );
                let mut headers = [httparse::EMPTY_HEADER; 8];
                assert!(
                    httparse::Request::new(&mut headers)
                        .parse(&out[..n])
                        .is_ok_and(|s| s.is_complete())
                );
            }
        }
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

// ---- basic -----------------------------------------------------------------------------------------

/// `Authorization` values: nothing panics, credentials read are valid and read back the same after
/// being written; and credentials made from the bytes survive writing and reading.
pub fn basic(data: &[u8]) {
    let mut scratch = [0u8; 256];
    if let Ok(creds) = fuzzing::authorization(data, &mut scratch) {
        assert!(creds.is_valid(), "read credentials the scheme cannot carry");
        round_trip(&creds);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some((user, password)) = text.split_once(':') {
            let creds = Credentials::basic(user, password);
            if creds.is_valid() && !user.is_empty() {
                round_trip(&creds);
            }
        }
    }
}

fn round_trip(creds: &Credentials<'_>) {
    let mut written = [0u8; 1024];
    let Some(n) = fuzzing::write_authorization(creds, &mut written) else { return };
    let mut scratch = [0u8; 768];
    let back =
        fuzzing::authorization(&written[..n], &mut scratch).expect("what was written reads back");
    assert_eq!(&back, creds);
}

// ---- chunked ---------------------------------------------------------------------------------------

/// Chunked bodies: arbitrary bytes decode the same whole and in pieces, never panic; and a body
/// written in chunks (sizes from the bytes) decodes back to itself.
pub fn chunked(data: &[u8]) {
    let Some((&seed, input)) = data.split_first() else { return };
    let decode = |pieces: bool| -> Result<(Vec<u8>, bool), persistent_auth::ChunkedError> {
        let mut decoder = ChunkedDecoder::new();
        let (mut body, mut at) = (Vec::new(), 0);
        let ends = if pieces { cuts(input.len(), seed) } else { vec![input.len()] };
        for end in ends {
            loop {
                let piece = decoder.decode(&input[at..end])?;
                at += piece.consumed;
                body.extend_from_slice(piece.data);
                if piece.done {
                    return Ok((body, true));
                }
                if piece.consumed == 0 {
                    break;
                }
            }
        }
        Ok((body, false))
    };
    let whole = decode(false);
    let pieces = decode(true);
    match (&whole, &pieces) {
        (Ok((a, true)), Ok((b, true))) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a, b),
        (Ok((a, false)), Ok((b, false))) => assert_eq!(a, b),
        _ => panic!("whole {whole:?} and pieces {pieces:?} disagree"),
    }

    // Round trip: the input as a body, chunk sizes taken from it.
    let mut wire = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let size = (usize::from(input[i % input.len()]) % 64 + 1).min(rest.len());
        wire.extend_from_slice(format!("{size:x}\r\n").as_bytes());
        wire.extend_from_slice(&rest[..size]);
        wire.extend_from_slice(b"\r\n");
        rest = &rest[size..];
        i += 1;
    }
    wire.extend_from_slice(b"0\r\n\r\n");
    let mut decoder = ChunkedDecoder::new();
    let (mut body, mut at) = (Vec::new(), 0);
    for end in cuts(wire.len(), seed) {
        loop {
            let piece = decoder.decode(&wire[at..end]).expect("a well-formed body");
            at += piece.consumed;
            body.extend_from_slice(piece.data);
            if piece.done || piece.consumed == 0 {
                break;
            }
        }
    }
    assert!(decoder.is_done());
    assert_eq!(body, input);
}

// ---- session_ops -----------------------------------------------------------------------------------

/// A history of client operations and server events (see [`model`]), built from the bytes: every
/// verdict must match the reference model and every invariant hold after every step.
pub fn session_ops(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(renew) = bool::arbitrary(&mut u) else { return };
    let Ok(ops) = Vec::<model::Op>::arbitrary(&mut u) else { return };
    if let Err(broken) = model::run(&ops, renew) {
        panic!("invariant broken: {broken}\nrenew: {renew}\nops: {ops:?}");
    }
}
