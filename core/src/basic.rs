//! Credentials: the `Authorization` header the client writes on a login.
//!
//! The session never stores credentials: the caller lends them to each request that needs them, and
//! the base64 encoding is written straight into the caller's buffer, block by block, through a small
//! stack buffer that is wiped afterwards.

use crate::head::write::Sink;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use core::fmt;
use zeroize::Zeroize;

/// Credentials for one login, borrowed for the call. `Debug` never shows the secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Credentials<'a> {
    /// HTTP Basic (RFC 7617): `Authorization: Basic base64(user ":" password)`.
    Basic {
        /// The user name, e.g. `admin@internal`; must not contain `:` or control bytes.
        user: &'a str,
        /// The password; must not contain control bytes.
        password: &'a str,
    },
    /// An OAuth bearer token (RFC 6750), as the engine's SSO issues: `Authorization: Bearer token`.
    Bearer {
        /// The token, `token68` characters only.
        token: &'a str,
    },
}

impl<'a> Credentials<'a> {
    /// Basic credentials.
    #[must_use]
    pub const fn basic(user: &'a str, password: &'a str) -> Self {
        Self::Basic { user, password }
    }

    /// A bearer token.
    #[must_use]
    pub const fn bearer(token: &'a str) -> Self {
        Self::Bearer { token }
    }

    /// Whether the credentials can be carried by their scheme: no `:` in a Basic user name, no
    /// control bytes anywhere (RFC 7617 §2), a bearer token of `token68` characters.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        let no_controls = |s: &str| s.bytes().all(|b| b >= 0x20 && b != 0x7f);
        match self {
            Self::Basic { user, password } => {
                !user.contains(':') && no_controls(user) && no_controls(password)
            }
            Self::Bearer { token } => is_token68(token.as_bytes()),
        }
    }

    /// Writes the `Authorization` value (`Basic …` or `Bearer …`).
    pub(crate) fn write_value<S: Sink + ?Sized>(&self, sink: &mut S) {
        match self {
            Self::Basic { user, password } => {
                sink.put(b"Basic ");
                sink.put_base64(&[user.as_bytes(), b":", password.as_bytes()]);
            }
            Self::Bearer { token } => {
                sink.put(b"Bearer ");
                sink.put(token.as_bytes());
            }
        }
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
            Self::Bearer { .. } => f
                .debug_struct("Bearer")
                .field("token", &"<redacted>")
                .finish(),
        }
    }
}

/// RFC 7235 `token68`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_token68(s: &[u8]) -> bool {
    let body_len = s.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let (body, padding) = s.split_at(body_len.min(s.len()));
    !body.is_empty()
        && body.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
        && padding.iter().all(|&b| b == b'=')
}

/// Length of the padded base64 encoding of `len` bytes.
pub(crate) const fn base64_len(len: usize) -> usize {
    len.div_ceil(3).saturating_mul(4)
}

/// Writes the padded base64 of the concatenated `parts` into `sink`, through a wiped stack buffer.
pub(crate) fn write_base64<S: Sink + ?Sized>(sink: &mut S, parts: &[&[u8]]) {
    // 48 input bytes make 64 output bytes: whole 3-byte groups, so no padding until the end.
    const BLOCK: usize = 48;
    let mut input = [0u8; BLOCK];
    let mut output = [0u8; BLOCK / 3 * 4];
    let mut filled = 0;
    for &byte in parts.iter().flat_map(|p| p.iter()) {
        if let Some(slot) = input.get_mut(filled) {
            *slot = byte;
            filled += 1;
        }
        if filled == BLOCK {
            emit(sink, &input, &mut output);
            filled = 0;
        }
    }
    if filled > 0 {
        emit(sink, input.get(..filled).unwrap_or_default(), &mut output);
    }
    input.zeroize();
    output.zeroize();
}

fn emit<S: Sink + ?Sized>(sink: &mut S, input: &[u8], output: &mut [u8]) {
    // `output` holds the encoding of a full block, so this cannot fail.
    if let Ok(n) = STANDARD.encode_slice(input, output) {
        sink.put(output.get(..n).unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::write::{Counter, SliceSink};

    fn authorization(c: &Credentials<'_>) -> std::string::String {
        let mut counter = Counter::default();
        c.write_value(&mut counter);
        let mut buf = std::vec![0u8; counter.len];
        let mut sink = SliceSink::new(&mut buf);
        c.write_value(&mut sink);
        assert_eq!(sink.written(), counter.len, "count and write agree");
        std::string::String::from_utf8(buf).unwrap()
    }

    #[test]
    fn the_documentation_vector() {
        let c = Credentials::basic("rhevmadmin@black.qumranet.com", "123456");
        assert_eq!(
            authorization(&c),
            "Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2"
        );
    }

    #[test]
    fn long_and_odd_lengths_match_the_base64_crate() {
        for len in [0usize, 1, 2, 3, 46, 47, 48, 49, 95, 96, 97, 200] {
            let password: std::string::String =
                (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let c = Credentials::basic("u", &password);
            let expected = std::format!("u:{password}");
            let mut reference = std::vec![0u8; base64_len(expected.len())];
            let n = STANDARD
                .encode_slice(expected.as_bytes(), &mut reference)
                .unwrap();
            assert_eq!(n, reference.len());
            assert_eq!(
                authorization(&c),
                std::format!("Basic {}", std::str::from_utf8(&reference).unwrap())
            );
        }
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(
            authorization(&Credentials::bearer("abc.DEF-_~+/==")),
            "Bearer abc.DEF-_~+/=="
        );
        assert!(Credentials::bearer("abc.DEF-_~+/==").is_valid());
        assert!(!Credentials::bearer("").is_valid());
        assert!(!Credentials::bearer("==").is_valid());
        assert!(!Credentials::bearer("a b").is_valid());
        assert!(!Credentials::bearer("a=b").is_valid());
    }

    #[test]
    fn validity() {
        assert!(Credentials::basic("admin@internal", "p:a ss").is_valid());
        assert!(Credentials::basic("", "").is_valid());
        assert!(!Credentials::basic("ad:min", "x").is_valid());
        assert!(!Credentials::basic("admin", "x\r\ny").is_valid());
        assert!(!Credentials::basic("ad\x7fmin", "x").is_valid());
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = std::format!("{:?}", Credentials::basic("admin", "hunter2"));
        assert!(
            shown.contains("admin") && !shown.contains("hunter2"),
            "{shown}"
        );
        let shown = std::format!("{:?}", Credentials::bearer("tok3n"));
        assert!(!shown.contains("tok3n"), "{shown}");
    }
}
