//! Which bytes may stand where in a head: the checks that keep CR, LF and control bytes out of
//! everything the core writes.

/// RFC 9110 `tchar`: the bytes of a method or a header name.
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// `%x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E`: no space, `"`, `,`, `;`, `\` or control byte.
pub(crate) const fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

// Byte classes, one bit each in a 256-byte table: a check is a load and a mask per byte instead
// of a chain of range comparisons (the head writers check every byte they are given).
const TCHAR: u8 = 1;
const FIELD: u8 = 2;
const COOKIE: u8 = 4;
const VISIBLE: u8 = 8;
const COOKIE_PATH: u8 = 16;
const TEXT: u8 = 32;
const BASIC_USER: u8 = 64;

const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if is_tchar(b) {
            class |= TCHAR;
        }
        if b == b'\t' || b == b' ' || (b >= 0x21 && b != 0x7f) {
            class |= FIELD;
        }
        if is_cookie_octet(b) {
            class |= COOKIE;
        }
        if b >= 0x21 && b < 0x7f {
            class |= VISIBLE;
        }
        if b >= 0x21 && b < 0x7f && b != b';' {
            class |= COOKIE_PATH;
        }
        if b >= 0x20 && b != 0x7f {
            class |= TEXT;
        }
        if b >= 0x20 && b != 0x7f && b != b':' {
            class |= BASIC_USER;
        }
        // Evaluated at compile time: an index out of range would fail the build, not a request.
        #[allow(clippy::indexing_slicing)]
        {
            table[i] = class;
        }
        i += 1;
    }
    table
};

/// Whether every byte of `s` is in `class`.
#[inline]
fn all_in(s: &[u8], class: u8) -> bool {
    // Folded without an early exit: the values checked are short and nearly always valid, and a
    // branch-free loop of a load, a lookup and an AND per byte is what costs least for them.
    // `CLASSES` has 256 entries, so no lookup can miss.
    s.iter().fold(class, |acc, &b| acc & CLASSES.get(usize::from(b)).copied().unwrap_or(0)) != 0
}

/// A non-empty `token` (methods, header names).
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && all_in(s, TCHAR)
}

/// A header value the core is willing to write: visible ASCII, obs-text, space and tab, with no
/// leading or trailing whitespace. CR, LF, NUL and every other control byte are refused, so no value
/// can end a header line early or smuggle a second header in.
pub(crate) fn is_field_value(s: &[u8]) -> bool {
    let trimmed =
        !matches!(s.first(), Some(b' ' | b'\t')) && !matches!(s.last(), Some(b' ' | b'\t'));
    trimmed && all_in(s, FIELD)
}

/// Text without control bytes (RFC 7617 §2's rule for Basic passwords): space and above, no DEL.
pub(crate) fn is_text(s: &[u8]) -> bool {
    all_in(s, TEXT)
}

/// A Basic user name: [`is_text`] without `:`, which would end the user name early.
pub(crate) fn is_basic_user(s: &[u8]) -> bool {
    all_in(s, BASIC_USER)
}

/// An origin-form request target (`/path?query`) or `*`: visible ASCII only, so no space can split
/// the request line and no control byte can end it.
pub(crate) fn is_request_target(s: &[u8]) -> bool {
    (s.first() == Some(&b'/') || s == b"*") && all_in(s, VISIBLE)
}

/// What may follow a base path to make a request target: nothing, or `/…` or `?…` of visible
/// ASCII.
pub(crate) fn is_relative_target(s: &[u8]) -> bool {
    s.is_empty() || (matches!(s.first(), Some(b'/' | b'?')) && all_in(s, VISIBLE))
}

/// A `Host` value: a non-empty authority of visible ASCII without `/`, `?`, `#` or `@` (no path, no
/// user info).
pub(crate) fn is_host(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| (0x21..0x7f).contains(&b) && !matches!(b, b'/' | b'?' | b'#' | b'@' | b','))
}

/// RFC 6265 `cookie-octet`: what a cookie value may hold, plus the surrounding `DQUOTE`s the grammar
/// allows.
pub(crate) fn is_cookie_value(s: &[u8]) -> bool {
    let inner = match s {
        [b'"', inner @ .., b'"'] => inner,
        _ => s,
    };
    all_in(inner, COOKIE)
}

/// A cookie `Path`: starts with `/`, visible ASCII other than `;`.
pub(crate) fn is_cookie_path(s: &[u8]) -> bool {
    s.first() == Some(&b'/') && all_in(s, COOKIE_PATH)
}

/// The index of the first `needle` in `s`, a word at a time: the cookie readers look for `;`
/// across whole `Set-Cookie` lines, where a byte-by-byte loop was most of their cost.
pub(crate) fn find_byte(s: &[u8], needle: u8) -> Option<usize> {
    find_either(s, needle, needle)
}

/// The index of the first `a` or `b` in `s`, a machine word at a time (eight bytes on a 64-bit
/// host, four on a microcontroller, where 64-bit words would double the code).
pub(crate) fn find_either(s: &[u8], a: u8, b: u8) -> Option<usize> {
    const WIDTH: usize = core::mem::size_of::<usize>();
    const ONES: usize = usize::MAX / 255;
    const HIGHS: usize = ONES << 7;
    // The high bit of every zero byte of `x`. Borrows can also mark bytes above a zero, never
    // below, so in little-endian order the lowest mark is the first zero.
    let zeros = |x: usize| x.wrapping_sub(ONES) & !x & HIGHS;
    let (pattern_a, pattern_b) =
        (ONES.wrapping_mul(usize::from(a)), ONES.wrapping_mul(usize::from(b)));
    let mut words = s.chunks_exact(WIDTH);
    let mut offset = 0;
    for word in &mut words {
        let mut bytes = [0u8; WIDTH];
        bytes.copy_from_slice(word);
        let word = usize::from_le_bytes(bytes);
        let marks = zeros(word ^ pattern_a) | zeros(word ^ pattern_b);
        if marks != 0 {
            return Some(offset + (marks.trailing_zeros() / 8) as usize);
        }
        offset += WIDTH;
    }
    words.remainder().iter().position(|&c| c == a || c == b).map(|i| offset + i)
}

/// Whether `s` is `lower` (lowercase ASCII) in any ASCII case, compared four bytes at a time:
/// only `lower`'s letters fold, so `-` matches only `-` (as in `eq_ignore_ascii_case`). One shared
/// copy for every name the core looks for: on a microcontroller a name compare inlined at each
/// use cost over a kilobyte of flash.
pub(crate) fn eq_folded(s: &[u8], lower: &[u8]) -> bool {
    let n = s.len();
    if n != lower.len() {
        return false;
    }
    if n < 4 {
        return s.eq_ignore_ascii_case(lower);
    }
    // In range: `at + 4 <= n` for every window read.
    let word = |b: &[u8], at: usize| {
        b.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map_or(0, u32::from_le_bytes)
    };
    let mut at = 0;
    while at < n {
        // The last window ends at the end, overlapping the one before it.
        let window = at.min(n - 4);
        let want = word(lower, window);
        // 0x20 in each byte of `want` that is a lowercase letter: below 0x80, a byte plus 0x1f
        // reaches 0x80 from 'a' on and plus 0x05 from '{' on, without carrying into the next.
        let letters =
            (want.wrapping_add(0x1f1f_1f1f) & !want.wrapping_add(0x0505_0505) & 0x8080_8080) >> 2;
        if word(s, window) | letters != want {
            return false;
        }
        at += 4;
    }
    true
}

/// Optional whitespace around a field or list element, trimmed.
#[inline]
pub(crate) fn trim_ows(s: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = s.iter().position(|b| !is_ows(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_ows(b)).map_or(start, |last| last + 1);
    s.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_values_refuse_every_line_breaking_or_control_byte() {
        assert!(is_field_value(b"persistent-auth"));
        assert!(is_field_value(b"a b\tc \xe9"));
        assert!(is_field_value(b""));
        for b in (0u8..0x20).filter(|&b| b != b'\t').chain([0x7f]) {
            assert!(!is_field_value(&[b'a', b, b'b']), "byte {b:#x}");
        }
        assert!(!is_field_value(b" leading"));
        assert!(!is_field_value(b"trailing\t"));
    }

    #[test]
    fn targets_hosts_tokens_and_cookie_bytes() {
        assert!(is_request_target(b"/ovirt-engine/api?search=name%3Dx"));
        assert!(is_request_target(b"*"));
        assert!(!is_request_target(b"ovirt-engine"));
        assert!(!is_request_target(b"/a b"));
        assert!(!is_request_target(b"/a\r\nX: y"));
        assert!(is_relative_target(b""));
        assert!(is_relative_target(b"/vms?search=x"));
        assert!(is_relative_target(b"?x=1"));
        assert!(!is_relative_target(b"vms"));
        assert!(!is_relative_target(b"/a b"));
        assert!(is_host(b"engine.example.com:8443"));
        assert!(is_host(b"[::1]:443"));
        assert!(!is_host(b""));
        assert!(!is_host(b"evil.com/path"));
        assert!(!is_host(b"a b"));
        assert!(is_token(b"HEAD"));
        assert!(!is_token(b"HE AD"));
        assert!(!is_token(b""));
        assert!(is_cookie_value(b"5dQja5ubr4yvI2MM2z+LZxrK.node1/_-="));
        assert!(is_cookie_value(b"\"quoted\""));
        assert!(!is_cookie_value(b"a;b"));
        assert!(!is_cookie_value(b"a b"));
        assert!(!is_cookie_value(b"\"a\"b\""));
        assert!(is_cookie_path(b"/ovirt-engine/api"));
        assert!(!is_cookie_path(b"ovirt"));
        assert!(!is_cookie_path(b"/a;b"));
    }

    #[test]
    fn the_table_matches_the_definitions() {
        for b in 0..=255u8 {
            assert_eq!(is_token(&[b]), is_tchar(b), "{b:#x}");
            assert_eq!(is_cookie_value(&[b]), is_cookie_octet(b), "{b:#x}");
            assert_eq!(all_in(&[b], VISIBLE), (0x21..0x7f).contains(&b), "{b:#x}");
            assert_eq!(all_in(&[b], COOKIE_PATH), (0x21..0x7f).contains(&b) && b != b';');
            assert_eq!(is_text(&[b]), b >= 0x20 && b != 0x7f, "{b:#x}");
            assert_eq!(is_basic_user(&[b]), b >= 0x20 && b != 0x7f && b != b':', "{b:#x}");
            assert_eq!(
                all_in(&[b], FIELD),
                b == b'\t' || b == b' ' || (b >= 0x21 && b != 0x7f),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn find_byte_is_position() {
        let text =
            b"JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK.node1; Path=/ovirt-engine/api; Secure\x3b\xbb";
        for len in 0..=text.len() {
            for needle in [b';', b'=', b'S', 0xbb, 0x3a, 0] {
                let s = &text[..len];
                assert_eq!(
                    find_byte(s, needle),
                    s.iter().position(|&b| b == needle),
                    "{len} {needle}"
                );
            }
        }
        let mut every = [0u8; 256];
        for (i, b) in every.iter_mut().enumerate() {
            *b = i as u8;
        }
        for needle in 0..=255u8 {
            assert_eq!(find_byte(&every, needle), Some(usize::from(needle)));
            assert_eq!(find_byte(&[needle.wrapping_add(1); 19], needle), None);
        }
    }

    #[test]
    fn find_either_is_position() {
        let text = b"Path=/ovirt-engine/api; Secure; HttpOnly; Max-Age=60";
        for start in 0..text.len() {
            let s = &text[start..];
            assert_eq!(find_either(s, b';', b'='), s.iter().position(|&b| b == b';' || b == b'='));
        }
    }

    #[test]
    fn names_in_any_case_and_nothing_else() {
        assert!(eq_folded(b"Max-Age", b"max-age"));
        assert!(eq_folded(b"MAX-AGE", b"max-age"));
        assert!(!eq_folded(b"max\rage", b"max-age"), "CR | 0x20 is '-', but only letters fold");
        assert!(!eq_folded(b"max-ag", b"max-age"));
        // Every length from 0 to 24, every byte at every position: the same answer as
        // `eq_ignore_ascii_case`.
        let text = b"transfer-encoding-abcdefg";
        for len in 0..=24 {
            let name = &text[..len];
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut s = name.to_vec();
                    s[at] = b;
                    assert_eq!(
                        eq_folded(&s, name),
                        s.eq_ignore_ascii_case(name),
                        "{len} {at} {b:#x}"
                    );
                }
            }
            assert!(eq_folded(name, name));
            assert!(len == 0 || !eq_folded(&text[..len - 1], name));
            assert!(!eq_folded(&text[..len + 1], name));
        }
    }

    #[test]
    fn trims_optional_whitespace() {
        assert_eq!(trim_ows(b" \t a b\t "), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
        assert_eq!(trim_ows(b"x"), b"x");
        assert_eq!(trim_ows(b"\tx y"), b"x y");
    }
}
