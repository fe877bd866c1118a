//! The server side: a gate in front of request handlers that issues, checks and ends sessions.

mod decide;
mod encode;
mod id;
mod store;

pub use id::{IdSource, IdSourceError, SESSION_ID_BYTES, SESSION_ID_TEXT_LEN, SessionId};
pub use store::{ArrayStore, SessionRecord, SessionStore, UserId};

use crate::Progress;
use crate::basic::{Credentials, MalformedCredentials};
use crate::error::{ConfigError, Malformed};
use crate::head::BodyFraming;
use crate::head::scan::{HeadScanner, Scan};
use crate::head::token::{is_cookie_path, is_field_value};
use core::fmt;
use core::mem::MaybeUninit;
use core::num::NonZeroUsize;

/// The engine's default idle timeout: 30 minutes.
pub const DEFAULT_IDLE_TIMEOUT_MINUTES: u32 = 30;

/// The longest `Session-TTL` honoured unless configured otherwise: one day.
pub const DEFAULT_MAX_SESSION_TTL_MINUTES: u32 = 24 * 60;

/// Checks credentials. The gate calls it only for requests that must authenticate by credentials:
/// logins, one-shot requests and requests whose session died.
pub trait Verifier {
    /// The user these credentials belong to, or `None` when they are wrong. Compare passwords in
    /// constant time. Bearer tokens come here too; refuse them if you do not issue any.
    fn verify(&mut self, credentials: &Credentials<'_>) -> Option<UserId>;
}

/// How a [`SessionGate`] behaves. Build it with [`GateConfig::new`] and the `with_*` methods.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GateConfig<'a> {
    /// The cookie's `Path`: the API root, e.g. `/ovirt-engine/api`.
    pub base_path: &'a str,
    /// The realm of `WWW-Authenticate: Basic realm="…"` (the engine says `RESTAPI`, or `ENGINE` on
    /// the legacy `/api` root).
    pub realm: &'a str,
    /// Mark the cookie `Secure` (serve it over TLS only).
    pub secure_cookie: bool,
    /// Idle timeout of a session that asked for none, in minutes.
    pub idle_timeout_minutes: u32,
    /// The largest `Session-TTL` honoured, in minutes; larger requests are clamped to it.
    pub max_session_ttl_minutes: u32,
    /// Honour `Prefer: csrf-protection` at login.
    pub csrf_protection: bool,
    /// At most this many live sessions per user; a login beyond it is refused with 503.
    pub max_sessions_per_user: Option<NonZeroUsize>,
    /// The longest request head accepted, in bytes; longer ones get 431.
    pub max_head: usize,
}

impl<'a> GateConfig<'a> {
    /// A configuration for `base_path`: realm `RESTAPI`, `Secure` cookies, 30 minutes idle timeout,
    /// `Session-TTL` up to one day, no CSRF protection, no per-user cap, 8 KiB heads.
    #[must_use]
    pub const fn new(base_path: &'a str) -> Self {
        Self {
            base_path,
            realm: "RESTAPI",
            secure_cookie: true,
            idle_timeout_minutes: DEFAULT_IDLE_TIMEOUT_MINUTES,
            max_session_ttl_minutes: DEFAULT_MAX_SESSION_TTL_MINUTES,
            csrf_protection: false,
            max_sessions_per_user: None,
            max_head: crate::DEFAULT_MAX_HEAD,
        }
    }

    /// Sets the realm.
    #[must_use]
    pub const fn with_realm(mut self, realm: &'a str) -> Self {
        self.realm = realm;
        self
    }

    /// Marks the cookie `Secure`, or not (plain HTTP on loopback, tests).
    #[must_use]
    pub const fn with_secure_cookie(mut self, secure: bool) -> Self {
        self.secure_cookie = secure;
        self
    }

    /// Sets the default idle timeout.
    #[must_use]
    pub const fn with_idle_timeout_minutes(mut self, minutes: u32) -> Self {
        self.idle_timeout_minutes = minutes;
        self
    }

    /// Sets the largest `Session-TTL` honoured.
    #[must_use]
    pub const fn with_max_session_ttl_minutes(mut self, minutes: u32) -> Self {
        self.max_session_ttl_minutes = minutes;
        self
    }

    /// Honours `Prefer: csrf-protection`.
    #[must_use]
    pub const fn with_csrf_protection(mut self, on: bool) -> Self {
        self.csrf_protection = on;
        self
    }

    /// Caps live sessions per user.
    #[must_use]
    pub const fn with_max_sessions_per_user(mut self, cap: Option<NonZeroUsize>) -> Self {
        self.max_sessions_per_user = cap;
        self
    }

    /// Sets the request head cap.
    #[must_use]
    pub const fn with_max_head(mut self, max_head: usize) -> Self {
        self.max_head = max_head;
        self
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !is_cookie_path(self.base_path.as_bytes()) {
            return Err(ConfigError::InvalidBasePath);
        }
        let realm = self.realm.as_bytes();
        if realm.is_empty()
            || !is_field_value(realm)
            || realm.iter().any(|&b| b == b'"' || b == b'\\')
        {
            return Err(ConfigError::InvalidRealm);
        }
        if self.idle_timeout_minutes == 0 || self.max_session_ttl_minutes == 0 {
            return Err(ConfigError::ZeroTimeout);
        }
        if self.max_head < 16 {
            return Err(ConfigError::MaxHeadTooSmall);
        }
        Ok(())
    }
}

/// Per-connection state of reading request heads: how far the search for the end of the head got.
/// Keep one per connection and pass it to [`SessionGate::inspect_request`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeadReader {
    scanner: HeadScanner,
}

impl HeadReader {
    /// Whether nothing of the current head has been looked at yet.
    #[must_use]
    pub fn is_fresh(&self) -> bool {
        self.scanner.is_fresh()
    }

    /// A reader at the start of a head.
    #[must_use]
    pub const fn new() -> Self {
        Self { scanner: HeadScanner::new() }
    }

    /// Looks for the end of the head in `input` (the bytes received so far, from the head's first
    /// byte), resuming where the previous call stopped. `Complete` gives the head's length.
    ///
    /// # Errors
    ///
    /// [`GateError::HeadTooLarge`] when `max_head` bytes hold no end of head.
    pub fn poll(&mut self, input: &[u8], max_head: usize) -> Result<Progress<usize>, GateError> {
        match self.scanner.scan(input, max_head) {
            Scan::Partial => Ok(Progress::Partial),
            Scan::TooLarge => Err(GateError::HeadTooLarge { max: max_head }),
            Scan::Complete(len) => Ok(Progress::Complete { consumed: len, value: len }),
        }
    }
}

/// A parsed request head: what [`SessionGate::inspect_headers`] decides about.
#[derive(Clone, Copy, Debug)]
pub struct RequestParts<'h, 'b> {
    /// The method.
    pub method: &'b str,
    /// The request target, e.g. `/ovirt-engine/api/vms?search=x`.
    pub target: &'b str,
    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub minor_version: u8,
    /// The header lines.
    pub headers: &'h [httparse::Header<'b>],
}

impl<'h, 'b> RequestParts<'h, 'b> {
    /// Parses a complete request head (as [`HeadReader::poll`] delimits it) into `headers`.
    ///
    /// # Errors
    ///
    /// [`GateError::Malformed`] or [`GateError::TooManyHeaders`] (with `headers.len()`).
    pub fn parse(
        head: &'b [u8],
        headers: &'h mut [httparse::Header<'b>],
    ) -> Result<Self, GateError> {
        Self::whole(head, Self::parse_prefix(head, headers)?)
    }

    /// [`parse`](Self::parse) into headers that need not be initialised
    /// (`[const { MaybeUninit::uninit() }; N]`), which saves writing `N` empty headers first.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse).
    pub fn parse_uninit(
        head: &'b [u8],
        headers: &'h mut [MaybeUninit<httparse::Header<'b>>],
    ) -> Result<Self, GateError> {
        Self::whole(head, Self::parse_prefix_uninit(head, headers)?)
    }

    /// Parses the head at the start of `input` if it is all there: the parts and the head's length,
    /// or `None` when more bytes are needed.
    ///
    /// # Errors
    ///
    /// [`GateError::Malformed`] or [`GateError::TooManyHeaders`] (with `headers.len()`).
    pub fn parse_prefix(
        input: &'b [u8],
        headers: &'h mut [httparse::Header<'b>],
    ) -> Result<Option<(Self, usize)>, GateError> {
        let max = headers.len();
        let mut request = httparse::Request::new(headers);
        let result = request.parse(input);
        Self::read(request, result, max)
    }

    /// [`parse_prefix`](Self::parse_prefix) into headers that need not be initialised.
    ///
    /// # Errors
    ///
    /// As [`parse_prefix`](Self::parse_prefix).
    pub fn parse_prefix_uninit(
        input: &'b [u8],
        headers: &'h mut [MaybeUninit<httparse::Header<'b>>],
    ) -> Result<Option<(Self, usize)>, GateError> {
        let max = headers.len();
        let mut request = httparse::Request::new(&mut []);
        let result = httparse::ParserConfig::default().parse_request_with_uninit_headers(
            &mut request,
            input,
            headers,
        );
        Self::read(request, result, max)
    }

    /// A prefix parse that must have taken all of `head`.
    fn whole(head: &[u8], prefix: Option<(Self, usize)>) -> Result<Self, GateError> {
        match prefix {
            Some((parts, len)) if len == head.len() => Ok(parts),
            _ => Err(GateError::Malformed(Malformed::LineEnding)),
        }
    }

    /// The parts of what httparse made of a head.
    fn read(
        request: httparse::Request<'h, 'b>,
        result: httparse::Result<usize>,
        max: usize,
    ) -> Result<Option<(Self, usize)>, GateError> {
        let len = match result {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(httparse::Error::TooManyHeaders) => return Err(GateError::TooManyHeaders { max }),
            Err(e) => return Err(GateError::Malformed(Malformed::from_httparse(e, true))),
        };
        match (request.method, request.path, request.version) {
            (Some(method), Some(target), Some(minor_version)) => {
                Ok(Some((Self { method, target, minor_version, headers: request.headers }, len)))
            }
            _ => Err(GateError::Malformed(Malformed::RequestLine)),
        }
    }
}

/// How a request was let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Granted {
    /// Credentials were checked and a new session created; the response sets its cookie.
    Login,
    /// The session cookie carried the request.
    Session,
    /// The session cookie carried the request, which had no `Prefer: persistent-auth`: the session
    /// ends with this response (the cookie is expired in it, the session removed by
    /// [`SessionGate::finish`]).
    LastRequest,
    /// Credentials were checked; no session was asked for, none was made.
    OneShot,
}

/// Why a request was refused; [`status`](Self::status) is the answer to give.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// No credentials and no live session (a dead or unknown cookie looks the same). 401.
    NoCredentials,
    /// The verifier refused the credentials. 401.
    BadCredentials,
    /// The `Authorization` header could not be read. 401.
    MalformedCredentials(MalformedCredentials),
    /// The session asked for CSRF protection and the request lacks a matching `JSESSIONID`
    /// header. 403.
    CsrfHeaderMissing,
    /// The store is full of live sessions. 503.
    StoreFull,
    /// The user already has the configured number of live sessions. 503.
    UserSessionCap,
    /// The random source failed, or gave an id already in use. 503.
    IdSourceFailed,
}

impl Refusal {
    /// The status to answer: 401, 403 or 503.
    #[must_use]
    pub const fn status(&self) -> u16 {
        match self {
            Self::NoCredentials | Self::BadCredentials | Self::MalformedCredentials(_) => 401,
            Self::CsrfHeaderMissing => 403,
            Self::StoreFull | Self::UserSessionCap | Self::IdSourceFailed => 503,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCredentials => f.write_str("no credentials and no live session"),
            Self::BadCredentials => f.write_str("credentials refused"),
            Self::MalformedCredentials(m) => write!(f, "malformed credentials: {m}"),
            Self::CsrfHeaderMissing => f.write_str("the session's JSESSIONID header is missing"),
            Self::StoreFull => f.write_str("no room for another session"),
            Self::UserSessionCap => f.write_str("the user has too many sessions"),
            Self::IdSourceFailed => f.write_str("no session id could be drawn"),
        }
    }
}

/// What the gate decided about one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Serve the request for this user.
    Granted(Granted, UserId),
    /// Answer [`Refusal::status`] without serving.
    Refused(Refusal),
}

/// The cookie the response carries.
#[derive(Clone, Debug, PartialEq, Eq)]
enum CookieOut {
    None,
    Set(SessionId),
    Expire,
}

/// The gate's decision about one request: the verdict, how the request body is framed, and what
/// the response must carry. Encode its headers with [`SessionGate::encode_response_headers`], then
/// hand it to [`SessionGate::finish`].
#[must_use = "a decision must be answered and then passed to SessionGate::finish"]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    verdict: Verdict,
    body: BodyFraming,
    keep_alive: bool,
    cookie: CookieOut,
    /// The session that ends after the response.
    ending: Option<SessionId>,
}

impl Decision {
    /// Serve or refuse, and for whom.
    #[must_use]
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The user the request is served for, if it is.
    #[must_use]
    pub fn user(&self) -> Option<UserId> {
        match self.verdict {
            Verdict::Granted(_, user) => Some(user),
            Verdict::Refused(_) => None,
        }
    }

    /// The status to answer a refused request with, or `None` when the handler decides.
    #[must_use]
    pub fn refusal_status(&self) -> Option<u16> {
        match self.verdict {
            Verdict::Refused(r) => Some(r.status()),
            Verdict::Granted(..) => None,
        }
    }

    /// How the request's body is framed (read or discard it before the next request).
    #[must_use]
    pub fn body(&self) -> BodyFraming {
        self.body
    }

    /// Whether the client is willing to send another request on this connection.
    #[must_use]
    pub fn keep_alive(&self) -> bool {
        self.keep_alive
    }
}

/// Why a request head could not be inspected at all. Answer [`status`](Self::status) and close the
/// connection: where the next request would start is unknown.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GateError {
    /// The head breaks the HTTP/1.x grammar. 400.
    Malformed(Malformed),
    /// The head did not end within `max` bytes. 431.
    HeadTooLarge {
        /// The configured cap.
        max: usize,
    },
    /// The head has more than `max` header lines. 431.
    TooManyHeaders {
        /// The header array's capacity.
        max: usize,
    },
    /// `Content-Length` is invalid or ambiguous, `Transfer-Encoding` is not chunked last, or both
    /// are present. 400.
    InvalidFraming,
}

impl GateError {
    /// The status to answer: 400 or 431.
    #[must_use]
    pub const fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) | Self::InvalidFraming => 400,
            Self::HeadTooLarge { .. } | Self::TooManyHeaders { .. } => 431,
        }
    }
}

impl fmt::Display for GateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(m) => write!(f, "request head: {m}"),
            Self::HeadTooLarge { max } => write!(f, "request head longer than {max} bytes"),
            Self::TooManyHeaders { max } => write!(f, "request head has more than {max} headers"),
            Self::InvalidFraming => f.write_str("invalid or ambiguous request body framing"),
        }
    }
}

impl core::error::Error for GateError {}

/// Issues, checks and ends sessions for a server, as a sans-IO state machine.
///
/// One gate serves all connections (it holds the session store); each connection keeps its own
/// [`HeadReader`]. `MAX_HEADERS` bounds the header lines of a request; `CREDENTIALS_MAX` bounds
/// decoded Basic credentials (longer ones are refused with 401, never cut).
///
/// # Decisions
///
/// | session cookie      | `Prefer`                 | credentials | decision                                       |
/// |---------------------|--------------------------|-------------|------------------------------------------------|
/// | live                | `persistent-auth`        | ignored     | `Session`                                      |
/// | live                | no `persistent-auth`     | ignored     | `LastRequest`: served, cookie expired, session removed by `finish` |
/// | live, CSRF session  | any                      | any         | 403 unless a `JSESSIONID` header repeats the id |
/// | any                 | `new-auth`               | —           | the old session ends; decided as if there were no cookie |
/// | none, dead, unknown | `persistent-auth`        | valid       | `Login`: new session and `Set-Cookie`          |
/// | none, dead, unknown | no `persistent-auth`     | valid       | `OneShot`                                      |
/// | none, dead, unknown | any                      | none        | 401 `NoCredentials`                            |
/// | none, dead, unknown | any                      | wrong       | 401 `BadCredentials`                           |
/// | none, dead, unknown | any                      | unreadable  | 401 `MalformedCredentials`                     |
///
/// Every 401 carries exactly one `WWW-Authenticate: Basic realm="…"`. A login when the store is full
/// first evicts expired sessions, then answers 503; it never drops a live one. `Session-TTL` (whole
/// minutes ≥ 1, anything else ignored) sets a new session's idle timeout, clamped to the maximum.
/// Several `JSESSIONID` cookies: the first that names a live session wins.
///
/// Unlike the engine, a request with the cookie and without `Prefer: persistent-auth` really ends
/// the session: later use of that cookie gets 401.
///
/// # Example
///
/// ```
/// use persistent_auth::{
///     ArrayStore, Credentials, GateConfig, Granted, HeadReader, IdSource, IdSourceError, Instant,
///     Progress, SessionGate, UserId, Verdict, Verifier,
/// };
///
/// struct Users;
/// impl Verifier for Users {
///     fn verify(&mut self, c: &Credentials<'_>) -> Option<UserId> {
///         // A real verifier compares in constant time.
///         (*c == Credentials::basic("admin", "secret")).then_some(UserId(1))
///     }
/// }
/// # struct Csprng(u8);
/// # impl IdSource for Csprng {
/// #     fn fill(&mut self, bytes: &mut [u8]) -> Result<(), IdSourceError> {
/// #         self.0 += 1; bytes.fill(self.0); Ok(()) // a test stand-in for the OS CSPRNG
/// #     }
/// # }
/// # let mut csprng = Csprng(0);
///
/// let mut gate: SessionGate<ArrayStore<64>> = SessionGate::new(GateConfig::new("/ovirt-engine/api"), ArrayStore::new())?;
/// let mut reader = HeadReader::new();
/// let login = b"HEAD /ovirt-engine/api HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nPrefer: persistent-auth\r\n\r\n";
/// let Progress::Complete { value: decision, .. } =
///     gate.inspect_request(&mut reader, login, Instant(0), &mut Users, &mut csprng)?
/// else {
///     return Err("the head is incomplete: read more bytes and call again".into());
/// };
/// assert_eq!(decision.verdict(), Verdict::Granted(Granted::Login, UserId(1)));
/// let mut out = [0u8; 256];
/// let n = gate.encode_response_headers(&decision, &mut out)?;
/// assert!(out[..n].starts_with(b"Set-Cookie: JSESSIONID="));
/// gate.finish(decision);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SessionGate<
    'a,
    S: SessionStore,
    const MAX_HEADERS: usize = 32,
    const CREDENTIALS_MAX: usize = 256,
> {
    config: GateConfig<'a>,
    store: S,
}

impl<'a, S: SessionStore, const MAX_HEADERS: usize, const CREDENTIALS_MAX: usize>
    SessionGate<'a, S, MAX_HEADERS, CREDENTIALS_MAX>
{
    /// A gate keeping its sessions in `store`.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the base path or realm cannot be written into a header safely, a
    /// timeout is zero, or the head cap is absurdly small.
    pub fn new(config: GateConfig<'a>, store: S) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self { config, store })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &GateConfig<'a> {
        &self.config
    }

    /// The session store.
    #[must_use]
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The session store, to inspect or purge.
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }
}

#[cfg(test)]
mod tests;
