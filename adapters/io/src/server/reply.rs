//! Writing a reply head: status line, the gate's headers, the handler's, the framing.

use super::Reply;
use persistent_auth::EncodeError;

/// Header names the driver and the gate write themselves.
const RESERVED: [&str; 4] = ["content-length", "transfer-encoding", "connection", "set-cookie"];

/// A reply about to be written.
pub(crate) struct ReplyHead<'r, 's> {
    pub(crate) reply: &'r Reply<'s>,
    pub(crate) keep_alive: bool,
}

impl ReplyHead<'_, '_> {
    /// Whether the handler's reply can be written as it is; if not, a 500 goes out instead.
    pub(crate) fn valid(&self) -> bool {
        (100..=599).contains(&self.reply.status)
            && self.reply.headers.iter().all(|h| {
                is_token(h.name.as_bytes())
                    && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(h.name))
                    && h.value.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
            })
    }

    /// The status that goes out.
    pub(crate) fn status(&self) -> u16 {
        if self.valid() { self.reply.status } else { 500 }
    }

    /// The body that goes out (none in a 500 for an invalid reply).
    pub(crate) fn body(&self) -> &[u8] {
        if self.valid() { self.reply.body } else { &[] }
    }
}

/// Writes the reply head into `out`: status line, `gate_headers`, the handler's headers,
/// `Content-Length`, `Connection: close` when the connection ends. Its length, or `Err` when `out`
/// is too small.
pub(crate) fn encode_reply(
    head: &ReplyHead<'_, '_>,
    gate_headers: impl FnOnce(&mut [u8]) -> Result<usize, EncodeError>,
    out: &mut [u8],
) -> Result<usize, ()> {
    let mut w = Cursor { out, at: 0 };
    let status = head.status();
    w.put(b"HTTP/1.1 ")?;
    w.put(&status_digits(status))?;
    w.put(b" ")?;
    w.put(reason(status).as_bytes())?;
    w.put(b"\r\n")?;
    let n = gate_headers(w.rest()).map_err(|_| ())?;
    w.at += n;
    if head.valid() {
        for header in head.reply.headers {
            w.put(header.name.as_bytes())?;
            w.put(b": ")?;
            w.put(header.value)?;
            w.put(b"\r\n")?;
        }
    }
    if !matches!(status, 100..=199 | 204 | 304) {
        w.put(b"Content-Length: ")?;
        let mut digits = [0u8; 20];
        w.put(decimal(head.body().len(), &mut digits))?;
        w.put(b"\r\n")?;
    }
    if !head.keep_alive {
        w.put(b"Connection: close\r\n")?;
    }
    w.put(b"\r\n")?;
    Ok(w.at)
}

struct Cursor<'o> {
    out: &'o mut [u8],
    at: usize,
}

impl Cursor<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), ()> {
        let end = self.at + bytes.len();
        self.out.get_mut(self.at..end).ok_or(())?.copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }

    fn rest(&mut self) -> &mut [u8] {
        self.out.get_mut(self.at..).unwrap_or_default()
    }
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn status_digits(status: u16) -> [u8; 3] {
    // `status` is within 100..=599 (see `ReplyHead::status`).
    [b'0' + (status / 100 % 10) as u8, b'0' + (status / 10 % 10) as u8, b'0' + (status % 10) as u8]
}

fn decimal(mut n: usize, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &digits[at..];
        }
    }
}

/// The reason phrase of the statuses a session server answers, "Status" for others (clients must
/// not read reason phrases anyway).
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use persistent_auth::Header;
    use std::string::String;

    fn encode(reply: &Reply<'_>, keep_alive: bool) -> Result<String, ()> {
        let mut out = [0u8; 256];
        let head = ReplyHead { reply, keep_alive };
        let n = encode_reply(
            &head,
            |o| {
                o[..12].copy_from_slice(b"Set-Cookie: ");
                o[12..16].copy_from_slice(b"x\r\n\0");
                Ok(15)
            },
            &mut out,
        )?;
        Ok(String::from_utf8(out[..n].to_vec()).unwrap())
    }

    #[test]
    fn writes_status_gate_handler_and_framing_headers() {
        let headers = [Header { name: "Content-Type", value: b"application/xml" }];
        let reply = Reply { status: 200, headers: &headers, body: b"<api/>" };
        assert_eq!(
            encode(&reply, true).unwrap(),
            "HTTP/1.1 200 OK\r\nSet-Cookie: x\r\nContent-Type: application/xml\r\nContent-Length: 6\r\n\r\n"
        );
        assert_eq!(
            encode(&Reply::status(204), false).unwrap(),
            "HTTP/1.1 204 No Content\r\nSet-Cookie: x\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            encode(&Reply::status(599), true).unwrap(),
            "HTTP/1.1 599 Status\r\nSet-Cookie: x\r\nContent-Length: 0\r\n\r\n"
        );
    }

    #[test]
    fn an_invalid_reply_becomes_a_500() {
        for headers in [
            [Header { name: "X", value: b"a\r\nInjected: yes" }],
            [Header { name: "Set-Cookie", value: b"JSESSIONID=mine" }],
            [Header { name: "Bad Name", value: b"v" }],
        ] {
            let reply = Reply { status: 200, headers: &headers, body: b"secret" };
            assert_eq!(
                encode(&reply, true).unwrap(),
                "HTTP/1.1 500 Internal Server Error\r\nSet-Cookie: x\r\nContent-Length: 0\r\n\r\n"
            );
        }
        assert!(encode(&Reply::status(42), true).unwrap().starts_with("HTTP/1.1 500 "));
        assert!(encode(&Reply::status(600), true).unwrap().starts_with("HTTP/1.1 500 "));
    }

    #[test]
    fn a_small_buffer_is_an_error() {
        let mut out = [0u8; 10];
        let head = ReplyHead { reply: &Reply::status(200), keep_alive: true };
        assert_eq!(encode_reply(&head, |_| Ok(0), &mut out), Err(()));
    }
}
