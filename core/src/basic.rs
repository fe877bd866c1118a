//! Credentials: the `Authorization` header the client writes on a login.
//!
//! The session never stores credentials: the caller lends them to each request that needs them, and
//! the base64 encoding is written straight into the caller's buffer, block by block, through a small
//! stack buffer that is wiped afterwards.

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
        let no_controls = |s: &str| !s.as_bytes().iter().any(|&b| b < 0x20 || b == 0x7f);
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

/// Writes the padded base64 of the concatenated `parts` into `sink`, through a wiped stack buffer.
pub(crate) fn write_base64<S: Sink + ?Sized>(sink: &mut S, parts: &[&[u8]]) {
    // 48 input bytes make 64 output bytes: whole 3-byte groups, so no padding until the end.
    const BLOCK: usize = 48;
    let mut input = [0u8; BLOCK];
    let mut output = [0u8; 64];
    let mut filled = 0;
    for part in parts {
        let mut part: &[u8] = part;
        while !part.is_empty() {
            let take = part.len().min(BLOCK - filled);
            let (now, later) = part.split_at(take);
            if let Some(dst) = input.get_mut(filled..filled + take) {
                dst.copy_from_slice(now);
            }
            filled += take;
            part = later;
            if filled == BLOCK {
                emit(sink, &input, &mut output);
                filled = 0;
            }
        }
    }
    if filled > 0 {
        emit(sink, input.get(..filled).unwrap_or_default(), &mut output);
    }
    input.zeroize();
    output.zeroize();
}

fn emit<S: Sink + ?Sized>(sink: &mut S, input: &[u8], output: &mut [u8; 64]) {
    let n = encode_groups(input, output);
    sink.put(output.get(..n).unwrap_or_default());
}

/// Standard padded base64 of `input` (at most 48 bytes) into `output`; the length written.
///
/// Written out rather than taken from the base64 crate: its general engine costs over a kilobyte of
/// flash on a microcontroller for what is a table and a loop here. (The gate still decodes with the
/// crate, whose padding and canonical-form checks are worth having.)
fn encode_groups(input: &[u8], output: &mut [u8; 64]) -> usize {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut at = 0;
    for group in input.chunks(3) {
        let byte = |i: usize| u32::from(group.get(i).copied().unwrap_or(0));
        let bits = byte(0) << 16 | byte(1) << 8 | byte(2);
        // A group of n bytes gives n + 1 characters; `=` pads to 4.
        for (k, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            let index = usize::try_from((bits >> shift) & 63).unwrap_or(0);
            let c =
                if k <= group.len() { ALPHABET.get(index).copied().unwrap_or(b'=') } else { b'=' };
            if let Some(slot) = output.get_mut(at + k) {
                *slot = c;
            }
        }
        at += 4;
    }
    at
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
    fn the_block_encoder_matches_the_base64_crate() {
        use base64::engine::general_purpose::STANDARD;
        for len in 0..=48 {
            let input: std::vec::Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let mut ours = [0u8; 64];
            let n = encode_groups(&input, &mut ours);
            let mut reference = [0u8; 64];
            let m = STANDARD.encode_slice(&input, &mut reference).unwrap();
            assert_eq!(&ours[..n], &reference[..m], "{len} bytes");
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
