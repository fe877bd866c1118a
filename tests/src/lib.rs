//! Test support: an in-memory client ↔ gate pair on a simulated clock.
//!
//! The pair moves bytes between a [`ClientSession`] and a [`SessionGate`] without sockets, and the
//! clock only moves when a test says so, so hours of session life run in microseconds and expiry
//! tests never sleep (h11's `ConnectionPair`, quinn's `Pair`).

pub mod fuzz;
pub mod model;

use persistent_auth::{
    ArrayStore, ClientConfig, ClientSession, Credentials, Decision, GateConfig, HeadReader,
    IdSource, IdSourceError, Instant, Progress, RequestHead, RequestKind, Response, SessionGate,
    UserId, Verdict, Verifier,
};

/// The user the pair's verifier knows: `admin` / `secret` is user 1.
pub const USER: &str = "admin";
/// Its password.
pub const PASSWORD: &str = "secret";
/// Its credentials.
pub const CREDS: Credentials<'static> = Credentials::basic(USER, PASSWORD);
/// The API root both sides use.
pub const BASE: &str = "/ovirt-engine/api";
/// Capacity of the pair's session store.
pub const STORE: usize = 8;

/// A verifier that knows `admin`/`secret` (user 1) and counts its calls.
#[derive(Debug, Default)]
pub struct Users {
    /// How many times credentials were checked.
    pub checks: usize,
}

impl Verifier for Users {
    fn verify(&mut self, credentials: &Credentials<'_>) -> Option<UserId> {
        self.checks += 1;
        (*credentials == CREDS).then_some(UserId(1))
    }
}

/// A deterministic id source (a counter run through a mixing function). Tests only.
#[derive(Debug, Default)]
pub struct TestIds(u64);

impl IdSource for TestIds {
    fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
        for b in bytes.iter_mut() {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            *b = (self.0 >> 56) as u8;
        }
        Ok(())
    }
}

/// One request and its answer, as they crossed the (simulated) wire.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// What the client sent.
    pub kind: RequestKind,
    /// The request head bytes.
    pub request: Vec<u8>,
    /// The gate's decision.
    pub verdict: Verdict,
    /// The response head bytes.
    pub response: Vec<u8>,
    /// What the client made of it.
    pub answer: Response,
}

impl Exchange {
    /// Whether the request carried this header name (case-insensitive).
    #[must_use]
    pub fn request_has(&self, name: &str) -> bool {
        header_values(&self.request, name).next().is_some()
    }

    /// The request's `Cookie` header, if any.
    #[must_use]
    pub fn request_cookie(&self) -> Option<String> {
        header_values(&self.request, "cookie").next()
    }

    /// The response's `Set-Cookie` header, if any.
    #[must_use]
    pub fn response_set_cookie(&self) -> Option<String> {
        header_values(&self.response, "set-cookie").next()
    }
}

/// The gate's session id written as `text`.
///
/// # Panics
///
/// When `text` is not an id the gate writes.
#[must_use]
pub fn parse_id(text: &str) -> persistent_auth::SessionId {
    persistent_auth::SessionId::from_text(text.as_bytes()).expect("a gate session id")
}

/// The values of header `name` in a head.
pub fn header_values<'a>(head: &'a [u8], name: &'a str) -> impl Iterator<Item = String> + 'a {
    String::from_utf8_lossy(head)
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
        .collect::<Vec<_>>()
        .into_iter()
}

/// A client and a gate joined by memory, with a clock of their own.
#[derive(Debug)]
pub struct Pair {
    /// The client side.
    pub client: ClientSession<'static>,
    /// The server side.
    pub gate: SessionGate<'static, ArrayStore<STORE>>,
    /// The verifier the gate uses.
    pub users: Users,
    /// The ids the gate draws.
    pub ids: TestIds,
    /// The simulated time.
    pub now: Instant,
    /// Every exchange so far.
    pub log: Vec<Exchange>,
}

impl Pair {
    /// A pair over a secure channel with default configurations.
    #[must_use]
    pub fn new() -> Self {
        Self::with(
            ClientConfig::new("engine.example.com", BASE).with_secure_channel(true),
            GateConfig::new(BASE),
        )
    }

    /// A pair with these configurations.
    ///
    /// # Panics
    ///
    /// When a configuration is invalid.
    #[must_use]
    pub fn with(client: ClientConfig<'static>, gate: GateConfig<'static>) -> Self {
        Self {
            client: ClientSession::new(client).expect("client config"),
            gate: SessionGate::new(gate, ArrayStore::new()).expect("gate config"),
            users: Users::default(),
            ids: TestIds::default(),
            now: Instant(0),
            log: Vec::new(),
        }
    }

    /// Moves the clock on.
    pub fn advance_minutes(&mut self, minutes: u64) {
        self.now = self.now.saturating_add_millis(minutes * 60_000);
    }

    /// Replaces the gate's store with an empty one: a server restart.
    pub fn restart_server(&mut self) {
        *self.gate.store_mut() = ArrayStore::new();
    }

    /// Sends one request through the gate and back; the server answers 200 to what it grants.
    ///
    /// # Panics
    ///
    /// When encoding, inspecting or decoding fails: a bug the calling test is about.
    pub fn exchange(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
    ) -> Exchange {
        let kind = self.client.next_request(self.now).expect("no response pending");
        let mut out = [0u8; 1024];
        let n = self.client.encode_request(head, creds, self.now, &mut out).expect("encode");
        let request = out[..n].to_vec();
        let decision = self.serve(&request);
        let response = self.respond(&decision);
        let verdict = decision.verdict();
        self.gate.finish(decision);
        let answer = match self.client.decode_response(&response, self.now).expect("decode") {
            Progress::Complete { consumed, value } => {
                assert_eq!(consumed, response.len());
                value
            }
            Progress::Partial => panic!("partial response"),
        };
        let exchange = Exchange { kind, request, verdict, response, answer };
        self.log.push(exchange.clone());
        exchange
    }

    /// [`exchange`](Self::exchange), sent again once if the session had expired, as an adapter
    /// does. Returns the last exchange.
    pub fn request(&mut self, head: &RequestHead<'_>, creds: Option<&Credentials<'_>>) -> Exchange {
        let first = self.exchange(head, creds);
        if first.answer.should_retry() { self.exchange(head, creds) } else { first }
    }

    /// The gate's view of a raw request head (for requests no well-behaved client would send).
    ///
    /// # Panics
    ///
    /// When the head is incomplete or malformed.
    pub fn serve(&mut self, request: &[u8]) -> Decision {
        let mut reader = HeadReader::new();
        match self.gate.inspect_request(
            &mut reader,
            request,
            self.now,
            &mut self.users,
            &mut self.ids,
        ) {
            Ok(Progress::Complete { value, .. }) => value,
            other => panic!("gate: {other:?}"),
        }
    }

    /// The response head the server writes for a decision.
    ///
    /// # Panics
    ///
    /// When a buffer is too small.
    #[must_use]
    pub fn respond(&self, decision: &Decision) -> Vec<u8> {
        let mut out = [0u8; 512];
        if decision.refusal_status().is_some() {
            let n = self.gate.encode_refusal(decision, &mut out).expect("refusal");
            return out[..n].to_vec();
        }
        let mut response = b"HTTP/1.1 200 OK\r\n".to_vec();
        let n = self.gate.encode_response_headers(decision, &mut out).expect("headers");
        response.extend_from_slice(&out[..n]);
        response.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        response
    }
}

impl Default for Pair {
    fn default() -> Self {
        Self::new()
    }
}
