//! Looking up header fields by name and splitting comma lists.

use super::token::{eq_folded, trim_ows};
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

impl Name {
    /// The name, lowercase.
    const fn text(self) -> &'static [u8] {
        match self {
            Self::Authorization => b"authorization",
            Self::Connection => b"connection",
            Self::ContentLength => b"content-length",
            Self::Cookie => b"cookie",
            Self::Date => b"date",
            Self::Prefer => b"prefer",
            Self::SessionCookie => b"jsessionid",
            Self::SessionTtl => b"session-ttl",
            Self::SetCookie => b"set-cookie",
            Self::TransferEncoding => b"transfer-encoding",
        }
    }
}

/// The header fields of one head, looked up case-insensitively.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'h, 'b> {
    headers: &'h [Header<'b>],
}

impl<'h, 'b> Fields<'h, 'b> {
    /// A view over parsed headers.
    pub(crate) fn new(headers: &'h [Header<'b>]) -> Self {
        Self { headers }
    }

    /// The values of every line named `name` (ASCII case-insensitive), in order. A line whose
    /// name has another length costs one comparison.
    pub(crate) fn values(&self, name: Name) -> impl Iterator<Item = &'b [u8]> + 'h {
        let text = name.text();
        // Length and first letter rule out nearly every other line before a full compare.
        let first = text.first().copied().unwrap_or_default();
        self.headers
            .iter()
            .filter(move |h| {
                let name = h.name.as_bytes();
                name.len() == text.len()
                    && name.first().is_some_and(|&b| b | 0x20 == first)
                    && eq_folded(name, text)
            })
            .map(|h| h.value)
    }

    /// Whether any line is named `name`.
    pub(crate) fn contains(&self, name: Name) -> bool {
        self.values(name).next().is_some()
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
