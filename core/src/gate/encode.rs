//! The gate's part of responses: `Set-Cookie` for new and ending sessions, `WWW-Authenticate` for
//! 401s, and whole refusal responses.

use super::{CookieOut, Decision, GateError, SessionGate, SessionStore, Verdict};
use crate::cookie::SESSION_COOKIE;
use crate::error::EncodeError;
use crate::head::write::{Encode, Sink, encode_all_or_nothing};

impl<S: SessionStore, const MAX_HEADERS: usize, const CREDENTIALS_MAX: usize>
    SessionGate<'_, S, MAX_HEADERS, CREDENTIALS_MAX>
{
    /// Writes the header lines the decision puts in the response (each ending in CRLF, no status
    /// line, no final empty line): `Set-Cookie` when a session starts or ends, `WWW-Authenticate`
    /// on a 401. Returns the length, possibly 0.
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`] with `out` untouched.
    pub fn encode_response_headers(
        &self,
        decision: &Decision,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        let lines = GateLines { gate: self.parts(), decision };
        encode_all_or_nothing(out, &lines)
            .map_err(|required| EncodeError::BufferTooSmall { required })
    }

    /// Writes a whole response for a refused decision: status line, the gate's headers, an empty
    /// body, and `Connection: close` when the client did not ask to keep the connection. Returns
    /// `Ok(0)` for a granted decision, which the handler answers.
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`] with `out` untouched.
    pub fn encode_refusal(
        &self,
        decision: &Decision,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        let Verdict::Refused(refusal) = decision.verdict else {
            return Ok(0);
        };
        let response = Refusal {
            status: refusal.status(),
            lines: GateLines { gate: self.parts(), decision },
            close: !decision.keep_alive,
        };
        encode_all_or_nothing(out, &response)
            .map_err(|required| EncodeError::BufferTooSmall { required })
    }

    fn parts(&self) -> GateParts<'_> {
        GateParts {
            base_path: self.config.base_path.as_bytes(),
            realm: self.config.realm.as_bytes(),
            secure: self.config.secure_cookie,
        }
    }
}

impl GateError {
    /// Writes the whole response to a request the gate could not read: the status line (400 or
    /// 431), `Connection: close` and an empty body.
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`] with `out` untouched.
    pub fn encode_response(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        struct Response(u16);
        impl Encode for Response {
            fn encode<S: Sink>(&self, s: &mut S) {
                put_status_line(s, self.0);
                s.put(b"Connection: close\r\nContent-Length: 0\r\n\r\n");
            }
        }
        encode_all_or_nothing(out, &Response(self.status()))
            .map_err(|required| EncodeError::BufferTooSmall { required })
    }
}

/// What of the configuration goes into headers (validated at construction).
#[derive(Clone, Copy)]
struct GateParts<'c> {
    base_path: &'c [u8],
    realm: &'c [u8],
    secure: bool,
}

struct GateLines<'c, 'd> {
    gate: GateParts<'c>,
    decision: &'d Decision,
}

impl Encode for GateLines<'_, '_> {
    fn encode<S: Sink>(&self, s: &mut S) {
        let cookie_attributes = |s: &mut S| {
            s.put(b"; Path=");
            s.put(self.gate.base_path);
            s.put(b"; HttpOnly");
            if self.gate.secure {
                s.put(b"; Secure");
            }
            s.put(b"\r\n");
        };
        match &self.decision.cookie {
            CookieOut::None => {}
            CookieOut::Set(id) => {
                s.put(b"Set-Cookie: ");
                s.put(SESSION_COOKIE.as_bytes());
                s.put(b"=");
                s.put(id.to_text().as_bytes());
                cookie_attributes(s);
            }
            CookieOut::Expire => {
                s.put(b"Set-Cookie: ");
                s.put(SESSION_COOKIE.as_bytes());
                s.put(b"=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
                cookie_attributes(s);
            }
        }
        if self.decision.refusal_status() == Some(401) {
            s.put(b"WWW-Authenticate: Basic realm=\"");
            s.put(self.gate.realm);
            s.put(b"\"\r\n");
        }
    }
}

struct Refusal<'c, 'd> {
    status: u16,
    lines: GateLines<'c, 'd>,
    close: bool,
}

impl Encode for Refusal<'_, '_> {
    fn encode<S: Sink>(&self, s: &mut S) {
        put_status_line(s, self.status);
        self.lines.encode(s);
        if self.close {
            s.put(b"Connection: close\r\n");
        }
        s.put(b"Content-Length: 0\r\n\r\n");
    }
}

fn put_status_line<S: Sink>(s: &mut S, status: u16) {
    s.put(match status {
        400 => b"HTTP/1.1 400 Bad Request\r\n",
        401 => b"HTTP/1.1 401 Unauthorized\r\n",
        403 => b"HTTP/1.1 403 Forbidden\r\n",
        431 => b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
        _ => b"HTTP/1.1 503 Service Unavailable\r\n",
    });
}
