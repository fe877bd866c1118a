//! Cookies as RFC 6265 user agents and servers read them: `Set-Cookie` lines for the client,
//! `Cookie` lines for the gate, and path matching.

use crate::date::parse_cookie_date;
use crate::head::token::{eq_folded, find_byte, find_either, is_cookie_path, trim_ows};

/// The name of the session cookie, as the engine (and every servlet container) spells it.
pub const SESSION_COOKIE: &str = "JSESSIONID";

/// One `Set-Cookie` line, read by the RFC 6265 §5.2 algorithm. Unknown attributes are skipped;
/// for repeated ones the last wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SetCookie<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) value: &'a [u8],
    /// A valid `Path` attribute; `None` means the default path of the request.
    pub(crate) path: Option<&'a [u8]>,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    /// `Max-Age` in seconds, saturated to the i64 range.
    pub(crate) max_age: Option<i64>,
    /// `Expires` as seconds since the Unix epoch.
    pub(crate) expires: Option<i64>,
}

/// Reads a `Set-Cookie` value; `None` when it has no `name=` (such lines are ignored entirely).
///
/// The line is cut at each `;` by a word-at-a-time search and each part split at its first `=`,
/// with the same result as RFC 6265 §5.2's split-then-split ([`parse_set_cookie_reference`] is that
/// algorithm, and tests and the fuzzer hold the two to each other). Attributes are told apart by
/// length before any comparison. Every login response goes through here, so after httparse this
/// is the client's hottest code.
pub(crate) fn parse_set_cookie(line: &[u8]) -> Option<SetCookie<'_>> {
    let mut parts = Parts { rest: Some(line) };
    let (name, value) = parts.next()?;
    let value = value?;
    let name = trim_ows(name);
    if name.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name,
        value: trim_ows(value),
        path: None,
        secure: false,
        http_only: false,
        max_age: None,
        expires: None,
    };
    for (attr_name, attr_value) in parts {
        let attr_name = trim_ows(attr_name);
        let attr_value = trim_ows(attr_value.unwrap_or_default());
        // The length picks the one name worth comparing.
        match attr_name.len() {
            4 if eq_folded(attr_name, b"path") => {
                cookie.path = is_cookie_path(attr_value).then_some(attr_value);
            }
            6 if eq_folded(attr_name, b"secure") => cookie.secure = true,
            8 if eq_folded(attr_name, b"httponly") => cookie.http_only = true,
            7 if eq_folded(attr_name, b"max-age") => {
                if let Some(seconds) = parse_max_age(attr_value) {
                    cookie.max_age = Some(seconds);
                }
            }
            7 if eq_folded(attr_name, b"expires") => {
                if let Some(at) = parse_cookie_date(attr_value) {
                    cookie.expires = Some(at);
                }
            }
            _ => {}
        }
    }
    Some(cookie)
}

/// The name of the cookie a `Set-Cookie` line sets, as [`parse_set_cookie`] reads it, without
/// reading the rest; `None` for a line it ignores.
pub(crate) fn set_cookie_name(line: &[u8]) -> Option<&[u8]> {
    let equals = find_either(line, b'=', b';').filter(|&at| line.get(at) == Some(&b'='))?;
    let name = trim_ows(line.get(..equals).unwrap_or_default());
    (!name.is_empty()).then_some(name)
}

/// The `;`-separated parts of a `Set-Cookie` line, each split at its first `=`: `(name, value)`,
/// with no value when the part has no `=`. An empty line is one empty part, as a split gives.
struct Parts<'a> {
    /// What follows the last `;` taken; `None` once the line is used up.
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for Parts<'a> {
    type Item = (&'a [u8], Option<&'a [u8]>);

    fn next(&mut self) -> Option<Self::Item> {
        let line = self.rest?;
        // One scan finds the part's `=` or its end; only a part with a value is scanned on.
        let (name, value) = match find_either(line, b'=', b';') {
            Some(at) if line.get(at) == Some(&b'=') => {
                let name = line.get(..at).unwrap_or_default();
                let after = line.get(at + 1..).unwrap_or_default();
                match find_byte(after, b';') {
                    Some(end) => {
                        self.rest = after.get(end + 1..);
                        (name, Some(after.get(..end).unwrap_or_default()))
                    }
                    None => {
                        self.rest = None;
                        (name, Some(after))
                    }
                }
            }
            Some(end) => {
                self.rest = line.get(end + 1..);
                (line.get(..end).unwrap_or_default(), None)
            }
            None => {
                self.rest = None;
                (line, None)
            }
        };
        Some((name, value))
    }
}

/// [`parse_set_cookie`] written as RFC 6265 §5.2 reads, one split after another: the reference the
/// fast reader is held to by the tests and the fuzzer.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn parse_set_cookie_reference(line: &[u8]) -> Option<SetCookie<'_>> {
    let (pair, mut attributes) = split_at_byte(line, b';');
    let (name, value) = split_at_byte(pair, b'=');
    let value = value?;
    let name = trim_ows(name);
    if name.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name,
        value: trim_ows(value),
        path: None,
        secure: false,
        http_only: false,
        max_age: None,
        expires: None,
    };
    while let Some(rest) = attributes {
        let (attribute, next) = split_at_byte(rest, b';');
        attributes = next;
        let (attr_name, attr_value) = split_at_byte(attribute, b'=');
        let attr_name = trim_ows(attr_name);
        let attr_value = trim_ows(attr_value.unwrap_or_default());
        if attr_name.eq_ignore_ascii_case(b"path") {
            cookie.path = is_cookie_path(attr_value).then_some(attr_value);
        } else if attr_name.eq_ignore_ascii_case(b"secure") {
            cookie.secure = true;
        } else if attr_name.eq_ignore_ascii_case(b"httponly") {
            cookie.http_only = true;
        } else if attr_name.eq_ignore_ascii_case(b"max-age") {
            if let Some(seconds) = parse_max_age(attr_value) {
                cookie.max_age = Some(seconds);
            }
        } else if attr_name.eq_ignore_ascii_case(b"expires") {
            if let Some(at) = parse_cookie_date(attr_value) {
                cookie.expires = Some(at);
            }
        }
    }
    Some(cookie)
}

/// `Max-Age`: an optional `-` then digits; anything else is ignored. Huge values saturate.
fn parse_max_age(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let magnitude = digits
        .iter()
        .fold(0i64, |acc, &b| acc.saturating_mul(10).saturating_add(i64::from(b - b'0')));
    Some(if negative { -magnitude } else { magnitude })
}

/// The `name=value` pairs of a `Cookie` request header (`a=1; b=2`), trimmed. Pairs without `=`
/// are skipped.
pub(crate) fn cookie_pairs(value: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    value.split(|&b| b == b';').filter_map(|pair| {
        let (name, value) = split_at_byte(pair, b'=');
        Some((trim_ows(name), trim_ows(value?)))
    })
}

/// RFC 6265 §5.1.4 path-match: `request_path` (query excluded) is `cookie_path` or below it. The
/// plain reference form of [`path_matches_joined`], which the tests hold it to.
#[cfg(test)]
fn path_matches(request_path: &[u8], cookie_path: &[u8]) -> bool {
    let Some(rest) = request_path.strip_prefix(cookie_path) else {
        return false;
    };
    rest.is_empty() || cookie_path.ends_with(b"/") || rest.first() == Some(&b'/')
}

/// [`path_matches`] for a request path given in two parts, `base` then `rest` (the query of `rest`
/// excluded), without joining them.
pub(crate) fn path_matches_joined(base: &[u8], rest: &[u8], cookie_path: &[u8]) -> bool {
    let rest = request_path(rest);
    // The byte after the cookie path in the joined path, once the cookie path is known to be a
    // prefix of it.
    let next = if let Some((head, tail)) = base.split_at_checked(cookie_path.len()) {
        if head != cookie_path {
            return false;
        }
        tail.first().or(rest.first())
    } else {
        let Some((in_base, in_rest)) = cookie_path.split_at_checked(base.len()) else {
            return false;
        };
        let Some((head, tail)) = rest.split_at_checked(in_rest.len()) else { return false };
        if in_base != base || head != in_rest {
            return false;
        }
        tail.first()
    };
    next.is_none() || cookie_path.ends_with(b"/") || next == Some(&b'/')
}

/// The length of the RFC 6265 §5.1.4 default-path of a request to `base` followed by `rest`,
/// limited to `base`: a cookie set without `Path` is scoped to the directory of the request that set
/// it, or to the whole base path when that directory lies below it.
#[cfg(test)]
pub(crate) fn default_path_len(base: &[u8], rest: &[u8]) -> usize {
    default_path_len_of(base, below_base(rest))
}

/// Whether the request path of `rest` has a directory of its own below the base path (a `/`
/// before its query). All that [`default_path_len`] needs of the request, kept while its response
/// is awaited: most responses set no cookie without `Path`, so the rest waits until one does.
pub(crate) fn below_base(rest: &[u8]) -> bool {
    find_byte(request_path(rest), b'/').is_some()
}

/// [`default_path_len`] from what [`below_base`] said of the request.
pub(crate) fn default_path_len_of(base: &[u8], below_base: bool) -> usize {
    if below_base {
        return base.len();
    }
    match base.iter().rposition(|&b| b == b'/') {
        Some(0) | None => 1,
        Some(last) => last,
    }
}

/// The path of an origin-form request target, without its query.
pub(crate) fn request_path(target: &[u8]) -> &[u8] {
    split_at_byte(target, b'?').0
}

/// Splits at the first `sep`: the part before and, if the separator was there, the part after.
/// Cookies split on every `;` and `=`, quotes or not (RFC 6265 §5.2), unlike list headers.
fn split_at_byte(s: &[u8], sep: u8) -> (&[u8], Option<&[u8]>) {
    match s.iter().position(|&b| b == sep) {
        Some(i) => (s.get(..i).unwrap_or_default(), s.get(i + 1..)),
        None => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;
    use std::vec::Vec;

    #[test]
    fn reads_the_engines_cookie() {
        let c = parse_set_cookie(
            b"JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK; Path=/ovirt-engine/api; Secure",
        )
        .unwrap();
        assert_eq!(c.name, b"JSESSIONID");
        assert_eq!(c.value, b"5dQja5ubr4yvI2MM2z+LZxrK");
        assert_eq!(c.path, Some(&b"/ovirt-engine/api"[..]));
        assert!(c.secure && !c.http_only);
        assert_eq!((c.max_age, c.expires), (None, None));
    }

    #[test]
    fn attributes_in_any_case_and_order_last_one_wins() {
        let c = parse_set_cookie(
            b"JSESSIONID=\"q/u=o.ted-_\" ;secure;HTTPONLY ; samesite=Strict; max-age=60; \
              EXPIRES=Thu, 01-Jan-1970 00:00:10 GMT; path=/a; Path=/ovirt-engine/api; Max-Age=120",
        )
        .unwrap();
        assert_eq!(c.value, b"\"q/u=o.ted-_\"");
        assert_eq!(c.path, Some(&b"/ovirt-engine/api"[..]));
        assert!(c.secure && c.http_only);
        assert_eq!(c.max_age, Some(120));
        assert_eq!(c.expires, Some(10));
    }

    #[test]
    fn invalid_attributes_are_ignored() {
        let c = parse_set_cookie(b"a=b; Max-Age=1x; Expires=soon; Path=relative").unwrap();
        assert_eq!((c.max_age, c.expires, c.path), (None, None, None));
        let c = parse_set_cookie(b"a=b; Path=/x; Path=").unwrap();
        assert_eq!(c.path, None, "an empty Path resets to the default path");
        assert_eq!(parse_set_cookie(b"a=b; Max-Age=-5").unwrap().max_age, Some(-5));
        assert_eq!(
            parse_set_cookie(b"a=b; Max-Age=99999999999999999999999").unwrap().max_age,
            Some(i64::MAX)
        );
    }

    #[test]
    fn lines_without_a_name_are_ignored() {
        assert_eq!(parse_set_cookie(b"novalue"), None);
        assert_eq!(parse_set_cookie(b"=x; Path=/"), None);
        assert_eq!(parse_set_cookie(b""), None);
        assert_eq!(parse_set_cookie(b"a=").unwrap().value, b"");
    }

    proptest::proptest! {
        /// The one-pass reader agrees with the split-then-split reference on lines made of the
        /// bytes that matter to it (separators, whitespace, quotes, attribute names, controls).
        #[test]
        fn the_fast_reader_is_the_reference(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(&[
                        "JSESSIONID", "=", ";", " ", "\t", "\"", "Path", "path=/a", "/x",
                        "Secure", "HttpOnly", "Max-Age=", "-1", "60", "Expires=",
                        "Thu, 01 Jan 1970 00:00:10 GMT", "a", "\u{7f}", "\u{1}",
                    ][..]).prop_map(|s: &str| std::string::String::from(s)),
                    "[ -~]{0,4}",
                ],
                0..16,
            )
        ) {
            let line = parts.concat();
            let parsed = parse_set_cookie(line.as_bytes());
            proptest::prop_assert_eq!(parsed, parse_set_cookie_reference(line.as_bytes()));
            proptest::prop_assert_eq!(set_cookie_name(line.as_bytes()), parsed.map(|c| c.name));
        }
    }

    #[test]
    fn cookie_header_pairs() {
        let pairs: Vec<_> = cookie_pairs(b"a=1; JSESSIONID=x.y ;flag; b = 2 ").collect();
        assert_eq!(pairs, [(&b"a"[..], &b"1"[..]), (b"JSESSIONID", b"x.y"), (b"b", b"2")]);
    }

    #[test]
    fn path_match_follows_rfc_6265() {
        let base = b"/ovirt-engine/api";
        assert!(path_matches(b"/ovirt-engine/api", base));
        assert!(path_matches(b"/ovirt-engine/api/vms", base));
        assert!(!path_matches(b"/ovirt-engine/apix", base));
        assert!(!path_matches(b"/ovirt-engine", base));
        assert!(path_matches(b"/anything", b"/"));
        assert!(path_matches(b"/a/b", b"/a/"));
    }

    #[test]
    fn path_match_on_a_joined_path() {
        for (base, rest, cookie, expected) in [
            (&b"/ovirt-engine/api"[..], &b""[..], &b"/ovirt-engine/api"[..], true),
            (b"/ovirt-engine/api", b"/vms?x=/y", b"/ovirt-engine/api", true),
            (b"/ovirt-engine", b"/api/vms", b"/ovirt-engine/api", true),
            (b"/ovirt-engine", b"/apix", b"/ovirt-engine/api", false),
            (b"/ovirt-engine/api", b"x", b"/ovirt-engine/api", false),
            (b"/ovirt-engine/api", b"", b"/ovirt-engine/api/vms", false),
            (b"/a", b"", b"/", true),
            (b"/ovirt-engine/api", b"?q=1", b"/ovirt-engine/api", true),
        ] {
            let mut joined = base.to_vec();
            joined.extend_from_slice(rest);
            assert_eq!(
                path_matches_joined(base, rest, cookie),
                expected,
                "{:?}",
                joined.escape_ascii()
            );
            assert_eq!(path_matches(request_path(&joined), cookie), expected);
        }
    }

    #[test]
    fn default_path_len_stays_within_the_base() {
        assert_eq!(default_path_len(b"/ovirt-engine/api", b""), b"/ovirt-engine".len());
        assert_eq!(default_path_len(b"/ovirt-engine/api", b"?x=/a/b"), b"/ovirt-engine".len());
        assert_eq!(default_path_len(b"/ovirt-engine/api", b"/vms/1"), b"/ovirt-engine/api".len());
        assert_eq!(default_path_len(b"/api", b""), 1);
    }
}
