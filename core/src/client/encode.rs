//! Encoding login, reuse and logout requests.

use super::{
    ClientSession, InFlight, Phase, RequestBody, RequestHead, RequestKind, check_credentials,
};
use crate::basic::Credentials;
use crate::cookie::{SESSION_COOKIE, below_base};
use crate::error::EncodeError;
use crate::head::token::{eq_folded, is_field_value, is_relative_target, is_token};
use crate::head::write::{Encode, Sink, decimal_len, encode_all_or_nothing};
use crate::time::Instant;

/// Whether `name` is one of the headers the session writes itself (`Host`, `Authorization`,
/// `Prefer`, `Cookie`, `Session-TTL`, `JSESSIONID`, `Content-Length`, `Transfer-Encoding`): a
/// caller header by one of these names could contradict it. Told apart by length first.
fn is_reserved(name: &[u8]) -> bool {
    match name.len() {
        4 => eq_folded(name, b"host"),
        6 => eq_folded(name, b"prefer") || eq_folded(name, b"cookie"),
        10 => eq_folded(name, b"jsessionid"),
        11 => eq_folded(name, b"session-ttl"),
        13 => eq_folded(name, b"authorization"),
        14 => eq_folded(name, b"content-length"),
        17 => eq_folded(name, b"transfer-encoding"),
        _ => false,
    }
}

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
            below_base: below_base(head.path.as_bytes()),
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
        if is_reserved(header.name.as_bytes()) {
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

/// `Name: value\r\n` around a value of `len` bytes.
const fn line_len(name: &str, len: usize) -> usize {
    name.len().saturating_add(len).saturating_add(": \r\n".len())
}

impl Encode for RequestPlan<'_> {
    /// Summed from the parts rather than counted by a second run of `encode`, which would cost
    /// a second copy of it in flash and most of a request's encoding time again. Held to the count
    /// by the tests.
    fn encoded_len(&self) -> usize {
        let request_line = self
            .head
            .method
            .len()
            .saturating_add(self.base.len())
            .saturating_add(self.head.path.len())
            .saturating_add(" ".len() + " HTTP/1.1\r\n".len());
        let authorization =
            self.authorization.map_or(0, |creds| line_len("Authorization", creds.value_len()));
        let session_ttl = self
            .session_ttl
            .map_or(0, |minutes| line_len("Session-TTL", decimal_len(u64::from(minutes))));
        let cookie = self.cookie.map_or(0, |id| {
            let csrf = if self.csrf_header { line_len(SESSION_COOKIE, id.len()) } else { 0 };
            line_len("Cookie", "JSESSIONID=".len().saturating_add(id.len())).saturating_add(csrf)
        });
        let headers = self.head.headers.iter().fold(0usize, |sum, header| {
            sum.saturating_add(line_len(header.name, header.value.len()))
        });
        let body = match self.head.body {
            RequestBody::None => 0,
            RequestBody::Length(n) => line_len("Content-Length", decimal_len(n)),
            RequestBody::Chunked => "Transfer-Encoding: chunked\r\n".len(),
        };
        [
            request_line,
            line_len("Host", self.host.len()),
            authorization,
            self.prefer.map_or(0, <[u8]>::len),
            session_ttl,
            cookie,
            headers,
            body,
            "\r\n".len(),
        ]
        .into_iter()
        .fold(0, usize::saturating_add)
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Header;
    use crate::head::write::Counter;

    /// The computed length is what a counting run of `encode` gives, for every kind of line.
    #[test]
    fn the_computed_length_is_the_count() {
        let headers = [
            Header { name: "Accept", value: b"application/xml" },
            Header { name: "X-Empty", value: b"" },
        ];
        let basic = Credentials::basic("rhevmadmin@black.qumranet.com", "123456");
        let bearer = Credentials::bearer("abc.DEF-_~+/==");
        let bodies = [
            RequestBody::None,
            RequestBody::Length(0),
            RequestBody::Length(u64::MAX),
            RequestBody::Chunked,
        ];
        let mut checked = 0;
        for method in ["GET", "HEAD", "OPTIONS"] {
            for path in ["", "/vms?search=name%3Dx"] {
                for extra in [&headers[..0], &headers[..]] {
                    for body in bodies {
                        let head =
                            RequestHead::new(method, path).with_headers(extra).with_body(body);
                        for authorization in [None, Some(&basic), Some(&bearer)] {
                            for prefer in [None, Some(&b"Prefer: persistent-auth\r\n"[..])] {
                                for session_ttl in [None, Some(0), Some(7), Some(u32::MAX)] {
                                    for cookie in
                                        [None, Some(&b"5dQja5ubr4yvI2MM2z+LZxrK.node1"[..])]
                                    {
                                        for csrf_header in [false, true] {
                                            let plan = RequestPlan {
                                                head: &head,
                                                base: b"/ovirt-engine/api",
                                                host: b"engine.example.com:8443",
                                                authorization,
                                                prefer,
                                                session_ttl,
                                                cookie,
                                                csrf_header,
                                            };
                                            let mut counter = Counter::default();
                                            plan.encode(&mut counter);
                                            assert_eq!(plan.encoded_len(), counter.len);
                                            checked += 1;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 3 * 2 * 2 * 4 * 3 * 2 * 4 * 2 * 2);
    }

    #[test]
    fn reserved_names_in_any_case() {
        for name in [
            "Host",
            "AUTHORIZATION",
            "prefer",
            "Cookie",
            "Session-TTL",
            "jsessionid",
            "JSESSIONID",
            "Content-Length",
            "transfer-encoding",
        ] {
            assert!(is_reserved(name.as_bytes()), "{name}");
        }
        for name in ["Accept", "Hosts", "Cookie2", "Set-Cookie", "X-Prefer", "Content-Type", "TE"] {
            assert!(!is_reserved(name.as_bytes()), "{name}");
        }
    }
}
