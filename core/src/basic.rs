//! Credentials: the `Authorization` header the client writes on a login.
//!
//! The session never stores credentials: the caller lends them to each request that needs them, and
//! the base64 encoding is written straight into the caller's buffer, group by group; only a group
//! that spans two parts (user, `:`, password) passes through a three-byte carry, wiped afterwards.

use crate::head::token::{is_basic_user, is_text};
use crate::head::write::Sink;
use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use core::fmt;
use zeroize::Zeroize;

/// Standard base64 that takes `=` padding or its absence: clients differ, and the padding carries
/// no information.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

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
        match self {
            Self::Basic { user, password } => {
                is_basic_user(user.as_bytes()) && is_text(password.as_bytes())
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

    /// The length [`write_value`](Self::write_value) writes.
    pub(crate) fn value_len(&self) -> usize {
        match self {
            Self::Basic { user, password } => {
                let raw = user.len().saturating_add(1).saturating_add(password.len());
                b"Basic ".len().saturating_add(base64_len(raw))
            }
            Self::Bearer { token } => b"Bearer ".len().saturating_add(token.len()),
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
            Self::Bearer { .. } => f.debug_struct("Bearer").field("token", &"<redacted>").finish(),
        }
    }
}

/// Why an `Authorization` header could not be read as credentials. The gate answers 401 to each.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MalformedCredentials {
    /// The scheme is neither `Basic` nor `Bearer`.
    UnknownScheme,
    /// The Basic payload is not base64.
    InvalidBase64,
    /// The decoded Basic payload has no `:` between user and password.
    MissingColon,
    /// The user name is empty.
    EmptyUser,
    /// User or password is not UTF-8.
    NotUtf8,
    /// User or password holds a control byte (RFC 7617 §2).
    ControlBytes,
    /// The decoded credentials are longer than the gate's `CREDENTIALS_MAX`.
    TooLong,
    /// The bearer token is not `token68`.
    InvalidToken,
}

impl fmt::Display for MalformedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnknownScheme => "unknown authentication scheme",
            Self::InvalidBase64 => "Basic credentials are not base64",
            Self::MissingColon => "Basic credentials have no ':' between user and password",
            Self::EmptyUser => "empty user name",
            Self::NotUtf8 => "credentials are not UTF-8",
            Self::ControlBytes => "credentials hold control bytes",
            Self::TooLong => "credentials are too long",
            Self::InvalidToken => "bearer token is not token68",
        })
    }
}

/// Reads an `Authorization` value. Basic credentials are decoded into `scratch`, which the caller
/// wipes afterwards; a bearer token is borrowed from `value`.
pub(crate) fn parse_authorization<'b>(
    value: &'b [u8],
    scratch: &'b mut [u8],
) -> Result<Credentials<'b>, MalformedCredentials> {
    let split = value.iter().position(|&b| b == b' ').unwrap_or(value.len());
    let (scheme, rest) = value.split_at(split);
    let payload = crate::head::token::trim_ows(rest);
    if scheme.eq_ignore_ascii_case(b"basic") {
        decode_basic(payload, scratch)
    } else if scheme.eq_ignore_ascii_case(b"bearer") {
        if !is_token68(payload) {
            return Err(MalformedCredentials::InvalidToken);
        }
        let token =
            core::str::from_utf8(payload).map_err(|_| MalformedCredentials::InvalidToken)?;
        Ok(Credentials::Bearer { token })
    } else {
        Err(MalformedCredentials::UnknownScheme)
    }
}

fn decode_basic<'s>(
    payload: &[u8],
    scratch: &'s mut [u8],
) -> Result<Credentials<'s>, MalformedCredentials> {
    // base64 needs room for its estimate (a multiple of 3) even when the result is shorter.
    if payload.len().div_ceil(4).saturating_mul(3) > scratch.len() {
        return Err(MalformedCredentials::TooLong);
    }
    let len =
        LENIENT.decode_slice(payload, scratch).map_err(|_| MalformedCredentials::InvalidBase64)?;
    let decoded = scratch.get(..len).unwrap_or_default();
    let colon =
        decoded.iter().position(|&b| b == b':').ok_or(MalformedCredentials::MissingColon)?;
    let (user, password) = decoded.split_at(colon);
    let password = password.get(1..).unwrap_or_default();
    if user.is_empty() {
        return Err(MalformedCredentials::EmptyUser);
    }
    let user = core::str::from_utf8(user).map_err(|_| MalformedCredentials::NotUtf8)?;
    let password = core::str::from_utf8(password).map_err(|_| MalformedCredentials::NotUtf8)?;
    let creds = Credentials::Basic { user, password };
    if creds.is_valid() { Ok(creds) } else { Err(MalformedCredentials::ControlBytes) }
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

/// Writes the padded base64 of the concatenated `parts` into `sink`.
///
/// Whole groups of three bytes are encoded from the parts themselves, straight into the sink; only
/// a group spanning two parts is gathered in `carry`, which is wiped at the end. So the secret is
/// never copied into a scratch buffer, and nothing but those three bytes needs wiping.
pub(crate) fn write_base64<S: Sink + ?Sized>(sink: &mut S, parts: &[&[u8]]) {
    let mut carry = [0u8; 3];
    let mut held = 0;
    for part in parts {
        let mut rest: &[u8] = part;
        if held > 0 {
            while held < 3 {
                let Some((&b, tail)) = rest.split_first() else { break };
                if let Some(slot) = carry.get_mut(held) {
                    *slot = b;
                }
                held += 1;
                rest = tail;
            }
            if held < 3 {
                continue;
            }
            sink.put(&encode_group(carry, 3));
            held = 0;
        }
        let mut groups = rest.chunks_exact(3);
        for group in &mut groups {
            if let [a, b, c] = *group {
                sink.put(&encode_group([a, b, c], 3));
            }
        }
        for &b in groups.remainder() {
            if let Some(slot) = carry.get_mut(held) {
                *slot = b;
            }
            held += 1;
        }
    }
    if held > 0 {
        // Bytes past `held` are left over from an earlier group; the padding bits must be zero.
        for slot in carry.iter_mut().skip(held) {
            *slot = 0;
        }
        sink.put(&encode_group(carry, held));
    }
    carry.zeroize();
}

/// The four base64 characters of `group`'s first `len` bytes (1 to 3): `len + 1` characters, then
/// `=` padding.
///
/// Written out rather than taken from the base64 crate: its general engine costs over a kilobyte of
/// flash on a microcontroller for what is a table and a few shifts here. (The gate still decodes
/// with the crate, whose padding and canonical-form checks are worth having.)
#[inline]
fn encode_group(group: [u8; 3], len: usize) -> [u8; 4] {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let [a, b, c] = group;
    let bits = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
    // `& 63` keeps every index inside the 64-entry alphabet.
    let char_at =
        |shift: u32| ALPHABET.get(((bits >> shift) & 63) as usize).copied().unwrap_or(b'=');
    let mut chars = [char_at(18), char_at(12), char_at(6), char_at(0)];
    if len < 3 {
        chars[3] = b'=';
    }
    if len < 2 {
        chars[2] = b'=';
    }
    chars
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
        assert_eq!(c.value_len(), counter.len, "the computed length is the count");
        std::string::String::from_utf8(buf).unwrap()
    }

    #[test]
    fn the_group_encoder_matches_the_base64_crate_across_part_boundaries() {
        use base64::engine::general_purpose::STANDARD;
        let input: std::vec::Vec<u8> = (0..40u32).map(|i| (i * 37 + 11) as u8).collect();
        for len in 0..=input.len() {
            let whole = &input[..len];
            let mut expected = std::vec![0u8; base64_len(len)];
            let n = STANDARD.encode_slice(whole, &mut expected).unwrap();
            assert_eq!(n, expected.len());
            // Every way of cutting the input into three parts, as user, ':' and password are.
            for cut1 in 0..=len.min(7) {
                for cut2 in cut1..=len.min(cut1 + 4) {
                    let parts = [&whole[..cut1], &whole[cut1..cut2], &whole[cut2..]];
                    let mut counter = Counter::default();
                    write_base64(&mut counter, &parts);
                    assert_eq!(counter.len, base64_len(len));
                    let mut buf = std::vec![0u8; counter.len];
                    let mut sink = SliceSink::new(&mut buf);
                    write_base64(&mut sink, &parts);
                    assert_eq!(sink.written(), expected.len());
                    assert_eq!(buf, expected, "{len} bytes cut at {cut1}, {cut2}");
                }
            }
        }
    }

    #[test]
    fn the_documentation_vector() {
        let c = Credentials::basic("rhevmadmin@black.qumranet.com", "123456");
        assert_eq!(authorization(&c), "Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2");
    }

    #[test]
    fn long_and_odd_lengths_match_the_base64_crate() {
        for len in [0usize, 1, 2, 3, 46, 47, 48, 49, 95, 96, 97, 200] {
            let password: std::string::String =
                (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            let c = Credentials::basic("u", &password);
            let expected = std::format!("u:{password}");
            let mut reference = std::vec![0u8; base64_len(expected.len())];
            let n = base64::engine::general_purpose::STANDARD
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
        assert_eq!(authorization(&Credentials::bearer("abc.DEF-_~+/==")), "Bearer abc.DEF-_~+/==");
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
    fn parses_authorization_headers() {
        let mut scratch = [0u8; 64];
        assert_eq!(
            parse_authorization(
                b"Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2",
                &mut scratch
            ),
            Ok(Credentials::basic("rhevmadmin@black.qumranet.com", "123456"))
        );
        // Scheme in any case, padding optional, a colon in the password.
        let mut scratch = [0u8; 64];
        assert_eq!(
            parse_authorization(b"BASIC  dTpwOnc", &mut scratch),
            Ok(Credentials::basic("u", "p:w"))
        );
        let mut scratch = [0u8; 64];
        assert_eq!(
            parse_authorization(b"basic dTpwOnc=", &mut scratch),
            Ok(Credentials::basic("u", "p:w"))
        );
        let mut scratch = [0u8; 64];
        assert_eq!(
            parse_authorization(b"Bearer abc.def", &mut scratch),
            Ok(Credentials::bearer("abc.def"))
        );
    }

    #[test]
    fn malformed_authorization_headers() {
        use MalformedCredentials::*;
        let long = std::format!("Basic {}", "QUFB".repeat(30)); // 90 bytes decoded
        for (value, error) in [
            ("Digest username=x", UnknownScheme),
            ("", UnknownScheme),
            ("Basic", MissingColon), // empty payload
            ("Basic !!!!", InvalidBase64),
            ("Basic dXNlcg==", MissingColon), // "user"
            ("Basic OnB3", EmptyUser),        // ":pw"
            ("Basic /w==", MissingColon),     // 0xff
            ("Basic dTr/", NotUtf8),          // "u:" 0xff
            ("Basic dTpwAHc=", ControlBytes), // "u:p\0w"
            (long.as_str(), TooLong),
            ("Bearer a b", InvalidToken),
            ("Bearer ", InvalidToken),
        ] {
            let mut scratch = [0u8; 64];
            assert_eq!(
                parse_authorization(value.as_bytes(), &mut scratch),
                Err(error),
                "{value:?}"
            );
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = std::format!("{:?}", Credentials::basic("admin", "hunter2"));
        assert!(shown.contains("admin") && !shown.contains("hunter2"), "{shown}");
        let shown = std::format!("{:?}", Credentials::bearer("tok3n"));
        assert!(!shown.contains("tok3n"), "{shown}");
    }
}
