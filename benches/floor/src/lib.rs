//! The floor: the least any client does to log in, reuse and log out, with none of the work the
//! core adds (no validation of what it writes, no state, no framing, no cookie attributes, no
//! dates). The criterion benchmarks and the instruction counts measure it on the host; the footprint
//! report builds it into firmware beside the client. One copy serves both, so the floor that is
//! timed is the floor that is weighed.
//!
//! Everything but the request's variable parts (the host, the credentials, the session id) is a
//! constant piece, copied whole.

#![no_std]

#[cfg(test)]
extern crate std;

/// The `JSESSIONID` value of the first `Set-Cookie` line that starts with it, from a response head
/// parsed by httparse; `None` if the head is incomplete or bad, or holds no such line.
#[must_use]
pub fn parse_login(input: &[u8]) -> Option<&[u8]> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let Ok(httparse::Status::Complete(_)) = response.parse(input) else { return None };
    response.headers.iter().find_map(|h| {
        if !h.name.eq_ignore_ascii_case("set-cookie") {
            return None;
        }
        let rest = h.value.strip_prefix(b"JSESSIONID=")?;
        let end = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
        rest.get(..end)
    })
}

/// `GET /ovirt-engine/api` with `Prefer: persistent-auth`, the session cookie and an `Accept`
/// header; the length written, or `None` if `out` is too small.
pub fn write_reuse(out: &mut [u8], host: &[u8], id: &[u8]) -> Option<usize> {
    put_all(
        out,
        &[
            b"GET /ovirt-engine/api HTTP/1.1\r\nHost: ",
            host,
            b"\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID=",
            id,
            b"\r\nAccept: ",
            b"application/xml",
            b"\r\n\r\n",
        ],
    )
}

/// `HEAD /ovirt-engine/api` with the session cookie and no `Prefer`; the length written, or `None`
/// if `out` is too small.
pub fn write_logout(out: &mut [u8], host: &[u8], id: &[u8]) -> Option<usize> {
    put_all(
        out,
        &[
            b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: ",
            host,
            b"\r\nCookie: JSESSIONID=",
            id,
            b"\r\n\r\n",
        ],
    )
}

/// `HEAD /ovirt-engine/api` with Basic credentials and `Prefer: persistent-auth`; the length
/// written, or `None` if `out` is too small.
pub fn write_login(out: &mut [u8], host: &[u8], user: &[u8], password: &[u8]) -> Option<usize> {
    let mut at = put_all(
        out,
        &[b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: ", host, b"\r\nAuthorization: Basic "],
    )?;
    let mut raw = [0u8; 96];
    let len = put_all(&mut raw, &[user, b":", password])?;
    // One bounds check for all of the base64; whole groups of three, then the padded rest.
    let encoded_len = len.div_ceil(3) * 4;
    let encoded = out.get_mut(at..at + encoded_len)?;
    let groups = raw.get(..len)?.chunks_exact(3);
    let rest = groups.remainder();
    let mut quads = encoded.chunks_exact_mut(4);
    for (group, quad) in groups.zip(&mut quads) {
        let n = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        quad.copy_from_slice(&[18, 12, 6, 0].map(|shift| BASE64[((n >> shift) & 63) as usize]));
    }
    if let (Some(quad), Some(&first)) = (quads.next(), rest.first()) {
        let second = rest.get(1).copied();
        let n = u32::from(first) << 16 | u32::from(second.unwrap_or(0)) << 8;
        let mut chars = [18, 12, 6, 0].map(|shift| BASE64[((n >> shift) & 63) as usize]);
        chars[3] = b'=';
        if second.is_none() {
            chars[2] = b'=';
        }
        quad.copy_from_slice(&chars);
    }
    at += encoded_len;
    Some(at + put_all(out.get_mut(at..)?, &[b"\r\nPrefer: persistent-auth\r\n\r\n"])?)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Copies `pieces` one after another to the front of `out`; their total length, or `None` if they
/// do not fit.
fn put_all(out: &mut [u8], pieces: &[&[u8]]) -> Option<usize> {
    let mut at = 0;
    for piece in pieces {
        let end = at + piece.len();
        out.get_mut(at..end)?.copy_from_slice(piece);
        at = end;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documentation's login, to the byte: the floor writes what the protocol needs.
    #[test]
    fn the_documented_login() {
        let mut out = [0u8; 256];
        let n = write_login(
            &mut out,
            b"engine.example.com",
            b"rhevmadmin@black.qumranet.com",
            b"123456",
        );
        let expected: &[u8] = b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\nAuthorization: Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2\r\nPrefer: persistent-auth\r\n\r\n";
        assert_eq!(out.get(..n.unwrap_or(0)), Some(expected));
        assert_eq!(write_login(&mut out[..100], b"engine.example.com", b"u", b"p"), None);
        // One and two bytes left over after the whole groups: padded.
        for (password, encoded) in [(&b"c"[..], &b"YWI6Yw=="[..]), (b"cd", b"YWI6Y2Q=")] {
            let n = write_login(&mut out, b"h", b"ab", password).unwrap_or(0);
            let line = out[..n].split(|&b| b == b'\n').nth(2).unwrap_or_default();
            assert_eq!(
                line.strip_prefix(b"Authorization: Basic "),
                Some([encoded, b"\r"].concat().as_slice())
            );
        }
    }

    #[test]
    fn the_cookie_of_a_login_response() {
        let head = b"HTTP/1.1 200 OK\r\nset-cookie: JSESSIONID=a+b/c=.node1; Path=/ovirt-engine/api; Secure\r\n\r\n";
        assert_eq!(parse_login(head), Some(&b"a+b/c=.node1"[..]));
        assert_eq!(parse_login(&head[..20]), None);
        assert_eq!(parse_login(b"HTTP/1.1 200 OK\r\nSet-Cookie: other=1\r\n\r\n"), None);
    }

    #[test]
    fn reuse_and_logout_lines() {
        let mut out = [0u8; 256];
        let n = write_logout(&mut out, b"h", b"ID").unwrap_or(0);
        assert_eq!(
            &out[..n],
            b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: h\r\nCookie: JSESSIONID=ID\r\n\r\n"
        );
        let n = write_reuse(&mut out, b"h", b"ID").unwrap_or(0);
        assert!(out[..n].ends_with(
            b"Prefer: persistent-auth\r\nCookie: JSESSIONID=ID\r\nAccept: application/xml\r\n\r\n"
        ));
        assert_eq!(write_reuse(&mut out[..10], b"h", b"ID"), None);
    }
}
