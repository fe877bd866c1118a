//! The client side: a session with one engine API, as a sans-IO state machine.

mod decode;
mod encode;
mod jar;
mod table;

use crate::basic::Credentials;
use crate::error::{ConfigError, EncodeError};
use crate::head::BodyFraming;
use crate::head::scan::HeadScanner;
use crate::head::token::{is_host, is_request_target};
use crate::time::Instant;
use core::num::NonZeroU32;
use httparse::Header;
use jar::SessionCookie;

/// The response head cap used unless configured otherwise: 8 KiB, what Tomcat and Apache httpd
/// accept by default.
pub const DEFAULT_MAX_HEAD: usize = 8 * 1024;

/// An idle timeout to ask for at login, in whole minutes (at least 1), sent as `Session-TTL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionTtl(NonZeroU32);

impl SessionTtl {
    /// `minutes`, or `None` for 0 (the engine ignores anything below 1).
    #[must_use]
    pub const fn minutes(minutes: u32) -> Option<Self> {
        match NonZeroU32::new(minutes) {
            Some(m) => Some(Self(m)),
            None => None,
        }
    }

    /// The timeout in minutes.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0.get()
    }
}

/// How a [`ClientSession`] talks to its server. Build it with [`ClientConfig::new`] and the `with_*`
/// methods.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientConfig<'a> {
    /// `Host` header value, e.g. `engine.example.com` or `engine.example.com:8443`.
    pub host: &'a str,
    /// The API root every request path is relative to, e.g. `/ovirt-engine/api`.
    pub base_path: &'a str,
    /// Whether the adapter's channel is secure (TLS, or loopback). Cookies marked `Secure` are only
    /// taken, and so only sent, when it is.
    pub secure_channel: bool,
    /// `Session-TTL` to ask for at login.
    pub session_ttl: Option<SessionTtl>,
    /// Renew mode: send the credentials on every request, not only on a login, as the oVirt v3 SDKs
    /// do. The engine ignores them while the session is valid and silently logs in again when it
    /// is not, so no request ever sees a 401 for an expired session.
    pub renew: bool,
    /// Ask for CSRF protection (`Prefer: persistent-auth, csrf-protection`) and send the session id
    /// in a `JSESSIONID` request header as well as in the cookie.
    pub csrf_protection: bool,
    /// Send the credentials with the logout request too.
    pub credentials_on_logout: bool,
    /// The caller's [`Instant`]s are Unix time. Only then can an `Expires` attribute be judged
    /// when the response has no `Date` header; otherwise it is judged against `Date`.
    pub unix_clock: bool,
    /// The longest response head accepted, in bytes.
    pub max_head: usize,
}

impl<'a> ClientConfig<'a> {
    /// A configuration for `host` and `base_path` with everything else off: plain channel, no
    /// `Session-TTL`, no renew mode, no CSRF protection, an 8 KiB head cap.
    #[must_use]
    pub const fn new(host: &'a str, base_path: &'a str) -> Self {
        Self {
            host,
            base_path,
            secure_channel: false,
            session_ttl: None,
            renew: false,
            csrf_protection: false,
            credentials_on_logout: false,
            unix_clock: false,
            max_head: DEFAULT_MAX_HEAD,
        }
    }

    /// Marks the channel secure (TLS, or loopback).
    #[must_use]
    pub const fn with_secure_channel(mut self, secure: bool) -> Self {
        self.secure_channel = secure;
        self
    }

    /// Asks for an idle timeout at login.
    #[must_use]
    pub const fn with_session_ttl(mut self, ttl: Option<SessionTtl>) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// Turns renew mode on or off.
    #[must_use]
    pub const fn with_renew(mut self, renew: bool) -> Self {
        self.renew = renew;
        self
    }

    /// Turns CSRF protection on or off.
    #[must_use]
    pub const fn with_csrf_protection(mut self, csrf: bool) -> Self {
        self.csrf_protection = csrf;
        self
    }

    /// Sends credentials with the logout request.
    #[must_use]
    pub const fn with_credentials_on_logout(mut self, on: bool) -> Self {
        self.credentials_on_logout = on;
        self
    }

    /// Declares the caller's clock to be Unix time.
    #[must_use]
    pub const fn with_unix_clock(mut self, unix: bool) -> Self {
        self.unix_clock = unix;
        self
    }

    /// Sets the response head cap.
    #[must_use]
    pub const fn with_max_head(mut self, max_head: usize) -> Self {
        self.max_head = max_head;
        self
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !is_host(self.host.as_bytes()) {
            return Err(ConfigError::InvalidHost);
        }
        if !is_request_target(self.base_path.as_bytes())
            || self.base_path == "*"
            || self.base_path.contains('?')
        {
            return Err(ConfigError::InvalidBasePath);
        }
        if self.max_head < 16 {
            return Err(ConfigError::MaxHeadTooSmall);
        }
        Ok(())
    }
}

/// A request to encode: method, path below the base path, extra headers, body framing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestHead<'a> {
    /// The method, e.g. `HEAD`, `GET`, `POST`.
    pub method: &'a str,
    /// Appended to the configured base path: empty for the base itself, else starting with `/` or
    /// `?`, e.g. `/vms?search=name%3Dweb`.
    pub path: &'a str,
    /// Further headers, written after the session's own. Names the session writes itself are
    /// refused (see [`EncodeError::ReservedHeader`]).
    pub headers: &'a [Header<'a>],
    /// How the body that the caller writes after the head is delimited.
    pub body: RequestBody,
}

impl<'a> RequestHead<'a> {
    /// A request without extra headers or body.
    #[must_use]
    pub const fn new(method: &'a str, path: &'a str) -> Self {
        Self { method, path, headers: &[], body: RequestBody::None }
    }

    /// `HEAD` on `path`: the cheapest request that proves a session, the one the engine documents.
    #[must_use]
    pub const fn head(path: &'a str) -> Self {
        Self::new("HEAD", path)
    }

    /// `GET` on `path`.
    #[must_use]
    pub const fn get(path: &'a str) -> Self {
        Self::new("GET", path)
    }

    /// The same request with these extra headers.
    #[must_use]
    pub const fn with_headers(mut self, headers: &'a [Header<'a>]) -> Self {
        self.headers = headers;
        self
    }

    /// The same request with this body framing.
    #[must_use]
    pub const fn with_body(mut self, body: RequestBody) -> Self {
        self.body = body;
        self
    }
}

/// The body of a request, written by the caller after the head.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RequestBody {
    /// No body and no framing header.
    #[default]
    None,
    /// `Content-Length: n`, then `n` bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`, then chunks.
    Chunked,
}

/// Which of the three phases a request belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// Credentials and `Prefer: persistent-auth`: asks for a new session.
    Login,
    /// The session cookie and `Prefer: persistent-auth`, no credentials (unless renew mode).
    Reuse,
    /// The session cookie without `Prefer`: ends the session.
    Logout,
}

/// Where a client session stands; see the table on [`ClientSession`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientState {
    /// No session: the next request logs in and needs credentials.
    Idle,
    /// A request was encoded and its response is awaited.
    Awaiting(RequestKind),
    /// A session cookie is held: the next request reuses it.
    Active,
    /// [`ClientSession::end_session`] was called: the next request is the logout.
    Ending,
    /// The session was ended. The next request would start a new one with a login.
    Closed,
}

/// Why a login that the server served did not give a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NotEstablished {
    /// The response set no `JSESSIONID` cookie: the server served the request on the credentials
    /// alone (it does not do sessions, or ignored `Prefer`).
    NoCookie,
    /// The cookie is marked `Secure` and the channel is not: it was refused, as browsers do.
    InsecureChannel,
    /// The cookie value is empty or holds bytes a cookie may not (RFC 6265 `cookie-octet`).
    InvalidValue,
}

/// What a response meant for the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionEvent {
    /// A 1xx response; the final response follows. Decode again after it.
    Interim,
    /// The login succeeded and the session cookie is stored.
    Established,
    /// The request was served under the session (whatever its status, 401 aside).
    Reused,
    /// The request was served and the server replaced the session cookie (a silent re-login).
    Renewed,
    /// The server no longer knows the session (401 to a reuse). The cookie is forgotten; send the
    /// same request again and it logs in. This happens at most once per request.
    Expired,
    /// The request was served and the server deleted the session cookie: the session is over.
    Ended,
    /// The login's credentials were refused (401).
    Rejected,
    /// The login failed with a status ≥ 400 other than 401; no session.
    Failed,
    /// The login was served but no session was established.
    NotEstablished(NotEstablished),
    /// The logout was answered (engines answer 200 or 401; either way the session is closed here).
    Closed,
}

/// A decoded response head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Response {
    /// The status code. Reason phrases are never read.
    pub status: u16,
    /// What the response meant for the session.
    pub event: SessionEvent,
    /// How the body that follows the head is delimited.
    pub body: BodyFraming,
    /// Whether the connection may carry another request after this response's body.
    pub keep_alive: bool,
}

impl Response {
    /// Whether the request should be sent again (as a login): the session had expired.
    #[must_use]
    pub fn should_retry(&self) -> bool {
        self.event == SessionEvent::Expired
    }
}

/// The phase a session is in between requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Active,
    Ending,
    Closed,
}

/// What the session remembers of the request whose response it awaits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct InFlight {
    kind: RequestKind,
    /// Responses to `HEAD` have no body whatever their headers say.
    is_head: bool,
    /// Whether the request's path goes below the base path (see `cookie::below_base`).
    below_base: bool,
}

/// One authentication session with one server, as a sans-IO state machine.
///
/// It writes request heads into the caller's buffer ([`encode_request`](Self::encode_request)) and
/// reads response heads from it ([`decode_response`](Self::decode_response)); the caller moves the
/// bytes and the bodies. `COOKIE_MAX` bounds the stored session cookie (its value plus its `Path`);
/// `MAX_HEADERS` bounds the header lines of a response.
///
/// # Call order
///
/// `encode_request` → send → `decode_response` until `Complete` → read the body as
/// [`Response::body`] says → repeat. [`end_session`](Self::end_session) makes the next request the
/// logout. [`abort`](Self::abort) gives up on a request whose response will never come.
///
/// # Transitions
///
/// | request in flight | response          | `Set-Cookie: JSESSIONID`      | next state | event                        |
/// |-------------------|-------------------|-------------------------------|------------|------------------------------|
/// | any               | 1xx (not 101)     | ignored                       | unchanged  | `Interim`                    |
/// | login             | < 400             | a value                       | `Active`   | `Established`                |
/// | login             | < 400             | none, or deleted              | `Idle`     | `NotEstablished(NoCookie)`   |
/// | login             | < 400             | `Secure` on a plain channel   | `Idle`     | `NotEstablished(InsecureChannel)` |
/// | login             | < 400             | empty or bad bytes            | `Idle`     | `NotEstablished(InvalidValue)` |
/// | login             | 401               | ignored                       | `Idle`     | `Rejected`                   |
/// | login             | other ≥ 400       | ignored                       | `Idle`     | `Failed`                     |
/// | reuse             | < 400             | none, or the same value       | `Active`   | `Reused`                     |
/// | reuse             | < 400             | a new value                   | `Active`   | `Renewed` (cookie replaced)  |
/// | reuse             | < 400             | deleted, or unusable          | `Idle`     | `Ended`                      |
/// | reuse             | 401               | ignored                       | `Idle`     | `Expired`: retry as a login  |
/// | reuse             | other ≥ 400       | ignored                       | `Active`   | `Reused`                     |
/// | logout            | any (200, 401, …) | ignored                       | `Closed`   | `Closed`                     |
///
/// Cookies are never taken from a status ≥ 400. A cookie whose `Max-Age` or `Expires` has passed
/// is forgotten when the next request is encoded, which then logs in. If `end_session` was called
/// while a response was awaited, `Active` becomes `Ending` and `Idle` becomes `Closed` after it.
pub struct ClientSession<'a, const COOKIE_MAX: usize = 128, const MAX_HEADERS: usize = 32> {
    config: ClientConfig<'a>,
    phase: Phase,
    in_flight: Option<InFlight>,
    end_requested: bool,
    cookie: SessionCookie<COOKIE_MAX>,
    scanner: HeadScanner,
}

impl<'a, const COOKIE_MAX: usize, const MAX_HEADERS: usize>
    ClientSession<'a, COOKIE_MAX, MAX_HEADERS>
{
    /// A session in the `Idle` state.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the host or base path could not be written into a head safely, or the
    /// head cap is absurdly small.
    pub fn new(config: ClientConfig<'a>) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            phase: Phase::Idle,
            in_flight: None,
            end_requested: false,
            cookie: SessionCookie::new(),
            scanner: HeadScanner::new(),
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ClientConfig<'a> {
        &self.config
    }

    /// Where the session stands.
    #[must_use]
    pub fn state(&self) -> ClientState {
        match (self.in_flight, self.phase) {
            (Some(f), _) => ClientState::Awaiting(f.kind),
            (None, Phase::Idle) => ClientState::Idle,
            (None, Phase::Active) => ClientState::Active,
            (None, Phase::Ending) => ClientState::Ending,
            (None, Phase::Closed) => ClientState::Closed,
        }
    }

    /// The kind of the next request encoded at `now`, or `None` while a response is awaited.
    #[must_use]
    pub fn next_request(&self, now: Instant) -> Option<RequestKind> {
        if self.in_flight.is_some() {
            return None;
        }
        let live = self.cookie.is_set() && !self.cookie.is_expired(now);
        Some(match self.phase {
            Phase::Active if live => RequestKind::Reuse,
            Phase::Ending if live => RequestKind::Logout,
            _ => RequestKind::Login,
        })
    }

    /// Whether a session cookie is held (it may have expired by the caller's clock).
    #[must_use]
    pub fn has_session(&self) -> bool {
        self.cookie.is_set()
    }

    /// Makes the next request the logout (cookie, no `Prefer`), or closes at once when there is no
    /// session. Called while a response is awaited, it takes effect after that response.
    ///
    /// What servers really do: every oVirt engine since 3.3 drops its HTTP session on such a
    /// request but never logs the engine session out (it idles out), and answers 401 when the
    /// logout carries no credentials. Both 200 and 401 therefore count as closed. This crate's
    /// gate really ends the session.
    pub fn end_session(&mut self) {
        if self.in_flight.is_some() {
            self.end_requested = true;
            return;
        }
        self.phase = match self.phase {
            Phase::Active | Phase::Ending => Phase::Ending,
            Phase::Idle | Phase::Closed => Phase::Closed,
        };
    }

    /// Gives up on the request in flight, whose response will never come (the connection broke).
    /// A login leaves no session, a reuse leaves the session as it was, a logout closes it.
    pub fn abort(&mut self) {
        let Some(flight) = self.in_flight.take() else {
            return;
        };
        self.scanner.reset();
        self.phase = match flight.kind {
            RequestKind::Login => Phase::Idle,
            RequestKind::Reuse => self.phase,
            RequestKind::Logout => Phase::Closed,
        };
        if flight.kind != RequestKind::Reuse {
            self.cookie.clear();
        }
        self.apply_end_request();
    }

    /// Forgets the session without telling the server: wipes the cookie and returns to `Idle`.
    pub fn forget(&mut self) {
        self.cookie.clear();
        self.in_flight = None;
        self.end_requested = false;
        self.scanner.reset();
        self.phase = Phase::Idle;
    }

    fn apply_end_request(&mut self) {
        if core::mem::take(&mut self.end_requested) {
            self.phase = match self.phase {
                Phase::Active | Phase::Ending => Phase::Ending,
                Phase::Idle | Phase::Closed => Phase::Closed,
            };
        }
    }

    /// Forgets an expired cookie, moving the phase along with it.
    fn expire_cookie(&mut self, now: Instant) -> Result<(), EncodeError> {
        if !(self.cookie.is_set() && self.cookie.is_expired(now)) {
            return Ok(());
        }
        self.cookie.clear();
        match self.phase {
            Phase::Active => self.phase = Phase::Idle,
            Phase::Ending => {
                self.phase = Phase::Closed;
                return Err(EncodeError::NothingToEnd);
            }
            Phase::Idle | Phase::Closed => {}
        }
        Ok(())
    }
}

impl<const COOKIE_MAX: usize, const MAX_HEADERS: usize> core::fmt::Debug
    for ClientSession<'_, COOKIE_MAX, MAX_HEADERS>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientSession")
            .field("state", &self.state())
            .field("cookie", &self.cookie)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Whether credentials are usable, as an encode error.
fn check_credentials<'c>(
    creds: Option<&'c Credentials<'c>>,
) -> Result<&'c Credentials<'c>, EncodeError> {
    let creds = creds.ok_or(EncodeError::CredentialsRequired)?;
    if creds.is_valid() { Ok(creds) } else { Err(EncodeError::InvalidCredentials) }
}

#[cfg(test)]
mod tests;
