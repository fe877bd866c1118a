//! Encoding login, reuse and logout requests.

use super::{
    ClientSession, InFlight, Phase, RequestBody, RequestHead, RequestKind, check_credentials,
};
use crate::basic::Credentials;
use crate::cookie::{SESSION_COOKIE, default_path_len};
use crate::error::EncodeError;
use crate::head::token::{is_field_value, is_relative_target, is_token};
use crate::head::write::{Encode, Sink, encode_all_or_nothing};
use crate::time::Instant;

/// Headers the session writes itself; a caller header by one of these names could contradict it.
const RESERVED: [&str; 8] = [
    "host",
    "authorization",
    "prefer",
    "cookie",
    "session-ttl",
    SESSION_COOKIE,
    "content-length",
    "transfer-encoding",
];

impl<const COOKIE_MAX: usize, const MAX_HEADERS: usize> ClientSession<'_, COOKIE_MAX, MAX_HEADERS> {
    /// Writes the next request's head into `out` and returns its length. The request is a login,
    /// a reuse or the logout, as [`next_request`](Self::next_request) says; the body, if any,
    /// follows from the caller.
    ///
    /// `creds` are used only where the request needs them: on a login, on every request in renew
    /// mode, on the logout if so configured. They are never stored. Passing them every time is fine
    /// and is how a retry after [`SessionEvent::Expired`](super::SessionEvent::Expired) logs in.
    ///
    /// # Errors
    ///
    /// An [`EncodeError`]: `out` is untouched and the session unchanged, except that a cookie whose
    /// lifetime ended by `now` is forgotten first.
    pub fn encode_request(
        &mut self,
        head: &RequestHead<'_>,
        creds: Option<&Credentials<'_>>,
        now: Instant,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        if self.in_flight.is_some() {
            return Err(EncodeError::ResponsePending);
        }
        self.expire_cookie(now)?;
        check_head(head)?;
        let config = &self.config;
        let base = config.base_path.as_bytes();
        let kind = match self.phase {
            Phase::Idle | Phase::Closed => RequestKind::Login,
            Phase::Active => RequestKind::Reuse,
            Phase::Ending => RequestKind::Logout,
        };
        let wants_credentials = match kind {
            RequestKind::Login => true,
            RequestKind::Reuse => config.renew,
            RequestKind::Logout => config.credentials_on_logout,
        };
        let authorization = if wants_credentials { Some(check_credentials(creds)?) } else { None };
        if kind != RequestKind::Login && !self.cookie.covers(base, head.path.as_bytes()) {
            return Err(EncodeError::OutsideCookiePath);
        }
        // Whole lines: one copy each.
        let prefer: Option<&'static [u8]> = match (kind, config.csrf_protection) {
            (RequestKind::Logout, _) => None,
            (_, false) => Some(b"Prefer: persistent-auth\r\n"),
            (_, true) => Some(b"Prefer: persistent-auth, csrf-protection\r\n"),
        };
        let plan = RequestPlan {
            head,
            base,
            host: config.host.as_bytes(),
            authorization,
            prefer,
            session_ttl: if kind == RequestKind::Login {
                config.session_ttl.map(|t| t.get())
            } else {
                None
            },
            cookie: if kind == RequestKind::Login { None } else { Some(self.cookie.value()) },
            csrf_header: config.csrf_protection,
        };
        let written = encode_all_or_nothing(out, &plan)
            .map_err(|required| EncodeError::BufferTooSmall { required })?;

        self.in_flight = Some(InFlight {
            kind,
            is_head: head.method == "HEAD",
            default_path_len: default_path_len(base, head.path.as_bytes()),
        });
        self.scanner.reset();
        if kind == RequestKind::Logout {
            // Never sent again: wipe it now rather than when (or if) the answer comes.
            self.cookie.clear();
        }
        Ok(written)
    }
}

/// Checks what the caller put in the head, so that nothing it wrote can break a line.
fn check_head(head: &RequestHead<'_>) -> Result<(), EncodeError> {
    if !is_token(head.method.as_bytes()) {
        return Err(EncodeError::InvalidMethod);
    }
    if !is_relative_target(head.path.as_bytes()) {
        return Err(EncodeError::InvalidPath);
    }
    for (index, header) in head.headers.iter().enumerate() {
        if !is_token(header.name.as_bytes()) {
            return Err(EncodeError::InvalidHeaderName { index });
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(header.name)) {
            return Err(EncodeError::ReservedHeader { index });
        }
        if !is_field_value(header.value) {
            return Err(EncodeError::InvalidHeaderValue { index });
        }
    }
    Ok(())
}

/// A validated request, ready to be counted and written.
struct RequestPlan<'p> {
    head: &'p RequestHead<'p>,
    base: &'p [u8],
    host: &'p [u8],
    authorization: Option<&'p Credentials<'p>>,
    /// The whole `Prefer` line, if any.
    prefer: Option<&'static [u8]>,
    session_ttl: Option<u32>,
    cookie: Option<&'p [u8]>,
    csrf_header: bool,
}

impl Encode for RequestPlan<'_> {
    fn encode<S: Sink>(&self, s: &mut S) {
        s.put(self.head.method.as_bytes());
        s.put(b" ");
        s.put(self.base);
        s.put(self.head.path.as_bytes());
        s.put(b" HTTP/1.1\r\nHost: ");
        s.put(self.host);
        s.put(b"\r\n");
        if let Some(creds) = self.authorization {
            s.put(b"Authorization: ");
            creds.write_value(s);
            s.put(b"\r\n");
        }
        if let Some(prefer) = self.prefer {
            s.put(prefer);
        }
        if let Some(minutes) = self.session_ttl {
            s.put(b"Session-TTL: ");
            s.put_decimal(u64::from(minutes));
            s.put(b"\r\n");
        }
        if let Some(id) = self.cookie {
            s.put(b"Cookie: JSESSIONID=");
            s.put(id);
            s.put(b"\r\n");
            if self.csrf_header {
                s.put_header(SESSION_COOKIE.as_bytes(), id);
            }
        }
        for header in self.head.headers {
            s.put_header(header.name.as_bytes(), header.value);
        }
        match self.head.body {
            RequestBody::None => {}
            RequestBody::Length(n) => {
                s.put(b"Content-Length: ");
                s.put_decimal(n);
                s.put(b"\r\n");
            }
            RequestBody::Chunked => s.put(b"Transfer-Encoding: chunked\r\n"),
        }
        s.put(b"\r\n");
    }
}
