//! The crate's inner parsers, reachable for fuzzing harnesses (feature `fuzzing`). Not a stable
//! API: only what a harness needs to reach the code that reads network bytes.

use crate::basic::{Credentials, MalformedCredentials};
use crate::head::scan::{HeadScanner, Scan};

/// What a `Set-Cookie` line was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetCookieParts<'a> {
    /// The cookie name.
    pub name: &'a [u8],
    /// The raw value.
    pub value: &'a [u8],
    /// A valid `Path`, if any.
    pub path: Option<&'a [u8]>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Max-Age`, seconds.
    pub max_age: Option<i64>,
    /// `Expires`, Unix seconds.
    pub expires: Option<i64>,
}

/// Reads a `Set-Cookie` value.
#[must_use]
pub fn set_cookie(line: &[u8]) -> Option<SetCookieParts<'_>> {
    crate::cookie::parse_set_cookie(line).map(SetCookieParts::from)
}

/// Reads a `Set-Cookie` value by the plain RFC 6265 split-then-split algorithm, which
/// [`set_cookie`]'s one-pass reader must agree with.
#[must_use]
pub fn set_cookie_reference(line: &[u8]) -> Option<SetCookieParts<'_>> {
    crate::cookie::parse_set_cookie_reference(line).map(SetCookieParts::from)
}

impl<'a> From<crate::cookie::SetCookie<'a>> for SetCookieParts<'a> {
    fn from(c: crate::cookie::SetCookie<'a>) -> Self {
        Self {
            name: c.name,
            value: c.value,
            path: c.path,
            secure: c.secure,
            http_only: c.http_only,
            max_age: c.max_age,
            expires: c.expires,
        }
    }
}

/// Reads a `Prefer` value by splitting the list, then each element: the reference
/// [`Preferences::add_line`](crate::Preferences::add_line)'s one-pass reader must agree with.
#[must_use]
pub fn prefer_reference(value: &[u8]) -> crate::Preferences {
    let mut found = crate::Preferences::default();
    crate::prefer::add_line_reference(&mut found, value);
    found
}

/// The `name=value` pairs of a `Cookie` value.
pub fn cookie_pairs(value: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    crate::cookie::cookie_pairs(value)
}

/// RFC 6265 path-match of `base` + `rest` against `cookie_path`.
#[must_use]
pub fn path_matches(base: &[u8], rest: &[u8], cookie_path: &[u8]) -> bool {
    crate::cookie::path_matches_joined(base, rest, cookie_path)
}

/// An RFC 6265 cookie date, as Unix seconds.
#[must_use]
pub fn cookie_date(text: &[u8]) -> Option<i64> {
    crate::date::parse_cookie_date(text)
}

/// Reads an `Authorization` value, decoding Basic credentials into `scratch`.
///
/// # Errors
///
/// [`MalformedCredentials`].
pub fn authorization<'b>(
    value: &'b [u8],
    scratch: &'b mut [u8],
) -> Result<Credentials<'b>, MalformedCredentials> {
    crate::basic::parse_authorization(value, scratch)
}

/// Writes an `Authorization` value for `creds` into `out`; its length, or `None` if `out` is
/// too small.
#[must_use]
pub fn write_authorization(creds: &Credentials<'_>, out: &mut [u8]) -> Option<usize> {
    struct Value<'c>(&'c Credentials<'c>);
    impl crate::head::write::Encode for Value<'_> {
        fn encode<S: crate::head::write::Sink>(&self, sink: &mut S) {
            self.0.write_value(sink);
        }
    }
    crate::head::write::encode_all_or_nothing(out, &Value(creds)).ok()
}

/// The head scanner: where the head in `input` ends (`Some(Ok(len))`), `Some(Err(()))` when
/// `max` bytes hold no end, `None` when more bytes are needed. `scanner` persists between calls.
pub fn scan_head(
    scanner: &mut HeadScanState,
    input: &[u8],
    max: usize,
) -> Option<Result<usize, ()>> {
    match scanner.0.scan(input, max) {
        Scan::Complete(len) => Some(Ok(len)),
        Scan::TooLarge => Some(Err(())),
        Scan::Partial => None,
    }
}

/// The state of [`scan_head`].
#[derive(Clone, Copy, Debug, Default)]
pub struct HeadScanState(HeadScanner);
