//! Looking up header fields by name and splitting comma lists.

use super::token::{NamePattern, trim_ows};
use httparse::Header;

/// The header fields the core reads. Anything else it never looks up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    /// `Authorization`.
    Authorization,
    /// `Connection`.
    Connection,
    /// `Content-Length`.
    ContentLength,
    /// `Cookie`.
    Cookie,
    /// `Date`.
    Date,
    /// `Prefer`.
    Prefer,
    /// `JSESSIONID`, the header a CSRF-protected client repeats the session id in.
    SessionCookie,
    /// `Session-TTL`.
    SessionTtl,
    /// `Set-Cookie`.
    SetCookie,
    /// `Transfer-Encoding`.
    TransferEncoding,
}

/// How many [`Name`]s there are.
const NAMES: usize = 10;

impl Name {
    /// The name a header line has, if it is one the core reads: told apart by length first, so
    /// most lines cost one comparison at most.
    #[inline(always)]
    fn of(name: &[u8]) -> Option<Self> {
        const DATE: NamePattern = NamePattern::new(b"date");
        const COOKIE: NamePattern = NamePattern::new(b"cookie");
        const PREFER: NamePattern = NamePattern::new(b"prefer");
        const SET_COOKIE: NamePattern = NamePattern::new(b"set-cookie");
        const CONNECTION: NamePattern = NamePattern::new(b"connection");
        const JSESSIONID: NamePattern = NamePattern::new(b"jsessionid");
        const SESSION_TTL: NamePattern = NamePattern::new(b"session-ttl");
        const AUTHORIZATION: NamePattern = NamePattern::new(b"authorization");
        const CONTENT_LENGTH: NamePattern = NamePattern::new(b"content-length");
        const TRANSFER_ENCODING: NamePattern = NamePattern::new(b"transfer-encoding");
        let known = match name.len() {
            4 if DATE.matches(name) => Self::Date,
            6 if COOKIE.matches(name) => Self::Cookie,
            6 if PREFER.matches(name) => Self::Prefer,
            10 if SET_COOKIE.matches(name) => Self::SetCookie,
            10 if CONNECTION.matches(name) => Self::Connection,
            10 if JSESSIONID.matches(name) => Self::SessionCookie,
            11 if SESSION_TTL.matches(name) => Self::SessionTtl,
            13 if AUTHORIZATION.matches(name) => Self::Authorization,
            14 if CONTENT_LENGTH.matches(name) => Self::ContentLength,
            17 if TRANSFER_ENCODING.matches(name) => Self::TransferEncoding,
            _ => return None,
        };
        Some(known)
    }
}

/// The header fields of one head, indexed once by [`Name`] so that each lookup visits only the
/// lines between the first and the last of that name (usually one line, often none).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'h, 'b> {
    headers: &'h [Header<'b>],
    /// Per name, the index of its first line and one past its last; equal when there is none.
    spans: [(usize, usize); NAMES],
}

impl<'h, 'b> Fields<'h, 'b> {
    /// An index over parsed headers.
    #[inline]
    pub(crate) fn new(headers: &'h [Header<'b>]) -> Self {
        let mut spans = [(0, 0); NAMES];
        for (i, header) in headers.iter().enumerate() {
            if let Some(name) = Name::of(header.name.as_bytes()) {
                if let Some(span) = spans.get_mut(name as usize) {
                    if span.1 == 0 {
                        span.0 = i;
                    }
                    span.1 = i + 1;
                }
            }
        }
        Self { headers, spans }
    }

    /// The values of every line named `name` (ASCII case-insensitive), in order.
    pub(crate) fn values(&self, name: Name) -> impl Iterator<Item = &'b [u8]> + 'h {
        let (first, end) = self.spans.get(name as usize).copied().unwrap_or_default();
        let lines = self.headers.get(first..end).unwrap_or_default();
        // Lines in between may have other names; the ends of the span are `name` by construction.
        let single = end == first + 1;
        lines
            .iter()
            .filter(move |h| single || Name::of(h.name.as_bytes()) == Some(name))
            .map(|h| h.value)
    }

    /// Whether any line is named `name`.
    pub(crate) fn contains(&self, name: Name) -> bool {
        self.spans.get(name as usize).is_some_and(|&(first, end)| end > first)
    }
}

/// Whether the connection persists after this message (RFC 9112 §9.3): HTTP/1.1 unless
/// `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
pub(crate) fn keeps_alive(fields: &Fields<'_, '_>, minor_version: u8) -> bool {
    let mut close = false;
    let mut keep_alive = false;
    for value in fields.values(Name::Connection) {
        for option in list_elements(value) {
            close |= option.eq_ignore_ascii_case(b"close");
            keep_alive |= option.eq_ignore_ascii_case(b"keep-alive");
        }
    }
    !close && (minor_version >= 1 || keep_alive)
}

/// The non-empty elements of a comma-separated list (RFC 9110 §5.6.1), trimmed of optional
/// whitespace. Commas inside a quoted string do not split.
pub(crate) fn list_elements(value: &[u8]) -> ListElements<'_> {
    ListElements { rest: Some(value) }
}

/// Iterator returned by [`list_elements`].
#[derive(Clone, Debug)]
pub(crate) struct ListElements<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for ListElements<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            let rest = self.rest?;
            let (element, after) = split_unquoted(rest, b',');
            self.rest = after;
            let element = trim_ows(element);
            if !element.is_empty() {
                return Some(element);
            }
        }
    }
}

/// Splits at the first `sep` outside a quoted string: the part before, and what follows the
/// separator (`None` when there was none).
pub(crate) fn split_unquoted(s: &[u8], sep: u8) -> (&[u8], Option<&[u8]>) {
    let mut quoted = false;
    let mut escaped = false;
    for (i, &b) in s.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if quoted && b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            return (s.get(..i).unwrap_or_default(), s.get(i + 1..));
        }
    }
    (s, None)
}

/// Builds [`Fields`] from name/value pairs for a test.
#[cfg(test)]
pub(crate) fn test_fields<R>(pairs: &[(&str, &str)], f: impl FnOnce(&Fields<'_, '_>) -> R) -> R {
    let headers: std::vec::Vec<Header<'_>> =
        pairs.iter().map(|(n, v)| Header { name: n, value: v.as_bytes() }).collect();
    f(&Fields::new(&headers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn elements(s: &str) -> Vec<&[u8]> {
        list_elements(s.as_bytes()).collect()
    }

    #[test]
    fn lists_split_on_unquoted_commas_and_skip_empty_elements() {
        assert_eq!(elements("a, b ,c"), [&b"a"[..], b"b", b"c"]);
        assert_eq!(elements(" , a,,\t,b, "), [&b"a"[..], b"b"]);
        assert_eq!(elements("x=\"1,2\", y"), [&b"x=\"1,2\""[..], b"y"]);
        assert_eq!(elements("x=\"a\\\",b\", y"), [&b"x=\"a\\\",b\""[..], b"y"]);
        assert_eq!(elements(""), Vec::<&[u8]>::new());
    }

    #[test]
    fn lookup_is_case_insensitive_and_keeps_every_line() {
        test_fields(&[("Prefer", "a"), ("Cookie", "x"), ("PREFER", "b"), ("Other", "c")], |f| {
            assert_eq!(f.values(Name::Prefer).collect::<Vec<_>>(), [&b"a"[..], b"b"]);
            assert_eq!(f.values(Name::Cookie).collect::<Vec<_>>(), [&b"x"[..]]);
            assert!(f.contains(Name::Cookie));
            assert!(!f.contains(Name::Date));
            assert_eq!(f.values(Name::Date).count(), 0);
        });
        test_fields(&[("jsessionid", "1"), ("Date", "d"), ("JSESSIONID", "2")], |f| {
            assert_eq!(f.values(Name::SessionCookie).collect::<Vec<_>>(), [&b"1"[..], b"2"]);
            assert_eq!(f.values(Name::Date).collect::<Vec<_>>(), [&b"d"[..]]);
        });
    }
}
