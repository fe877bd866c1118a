//! The `Prefer` header as the engine reads it.
//!
//! Every `Prefer` line counts; each is a comma list of elements `name[=value][;param…]`, and only the
//! element *name* matters, compared case-insensitively. So `Prefer: x, Persistent-Auth; a=1` asks for
//! persistence, and so does `persistent-auth=false`: the engine never looks at values.

use crate::head::fields::{Fields, Name};
#[cfg(any(test, feature = "fuzzing"))]
use crate::head::fields::{list_elements, split_unquoted};
use crate::head::token::{eq_folded, trim_ows};

/// The preferences the engine knows, as found in a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Preferences {
    /// `persistent-auth`: keep (or create) a session.
    pub persistent_auth: bool,
    /// `new-auth`: drop any existing session and authenticate afresh.
    pub new_auth: bool,
    /// `csrf-protection`: every later request of the session must repeat its id in a `JSESSIONID`
    /// request header.
    pub csrf_protection: bool,
}

impl Preferences {
    /// Reads every `Prefer` line of a head.
    pub(crate) fn from_fields(fields: &Fields<'_, '_>) -> Self {
        let mut found = Self::default();
        for value in fields.values(Name::Prefer) {
            found.add_line(value);
        }
        found
    }

    /// Reads one `Prefer` value, adding what it asks for.
    ///
    /// Each element is read once, byte by byte: where its name ends (the first `=` or `;` outside
    /// a quoted string) and where the element ends (the first such `,`). The result is that of
    /// splitting the list, then each element (a reference reader does that, and the tests and the
    /// fuzzer hold the two to each other) at a third of its cost: every request to the gate
    /// carries this header.
    pub fn add_line(&mut self, value: &[u8]) {
        let mut rest = Some(value);
        while let Some(list) = rest {
            let (name, after) = first_element_name(list);
            rest = after;
            // The length picks the one name worth comparing.
            match name.len() {
                15 if eq_folded(name, b"persistent-auth") => self.persistent_auth = true,
                15 if eq_folded(name, b"csrf-protection") => self.csrf_protection = true,
                8 if eq_folded(name, b"new-auth") => self.new_auth = true,
                _ => {}
            }
        }
    }
}

/// The name of the first element of a `Prefer` list (what comes before its first `=` or `;`,
/// trimmed) and the rest of the list after the element's `,` (`None` when it was the last). Only
/// separators outside quoted strings count; a backslash inside one escapes the next byte.
///
/// These are the quote rules of [`split_unquoted`](crate::head::fields::split_unquoted), fused
/// into one match with the separators on purpose: fed through a shared quote tracker (an iterator
/// or a per-byte state method) the same reading cost ~90 more instructions per gate request, a
/// quarter of this reader's cost.
fn first_element_name(list: &[u8]) -> (&[u8], Option<&[u8]>) {
    let mut name_end = None;
    let mut quoted = false;
    let mut escaped = false;
    for (i, &b) in list.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if quoted {
            match b {
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => quoted = true,
                b',' => {
                    let name = list.get(..name_end.unwrap_or(i)).unwrap_or_default();
                    return (trim_ows(name), list.get(i + 1..));
                }
                b'=' | b';' if name_end.is_none() => name_end = Some(i),
                _ => {}
            }
        }
    }
    (trim_ows(list.get(..name_end.unwrap_or(list.len())).unwrap_or_default()), None)
}

/// [`Preferences::add_line`] as the list grammar reads: the list split into elements, each
/// element split at its parameters, then at its value. The reference the one-pass reader is held
/// to.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn add_line_reference(found: &mut Preferences, value: &[u8]) {
    for element in list_elements(value) {
        let name = element_name(element);
        if name.eq_ignore_ascii_case(b"persistent-auth") {
            found.persistent_auth = true;
        } else if name.eq_ignore_ascii_case(b"new-auth") {
            found.new_auth = true;
        } else if name.eq_ignore_ascii_case(b"csrf-protection") {
            found.csrf_protection = true;
        }
    }
}

/// The name of a preference element: what comes before its `=value` or `;params`.
#[cfg(any(test, feature = "fuzzing"))]
fn element_name(element: &[u8]) -> &[u8] {
    let (before_params, _) = split_unquoted(element, b';');
    let (name, _) = split_unquoted(before_params, b'=');
    trim_ows(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::fields::test_fields;

    fn prefer(lines: &[&str]) -> Preferences {
        let pairs: std::vec::Vec<(&str, &str)> = lines.iter().map(|l| ("Prefer", *l)).collect();
        test_fields(&pairs, Preferences::from_fields)
    }

    const PERSIST: Preferences =
        Preferences { persistent_auth: true, new_auth: false, csrf_protection: false };

    #[test]
    fn the_engines_vectors() {
        assert_eq!(prefer(&["persistent-auth"]), PERSIST);
        assert_eq!(prefer(&["persistent-auth=false"]), PERSIST, "values are never read");
        assert_eq!(prefer(&["x, Persistent-Auth; a=1"]), PERSIST);
        assert_eq!(
            prefer(&["new-auth"]),
            Preferences { new_auth: true, ..Preferences::default() },
            "new-auth alone does not ask for persistence"
        );
        assert_eq!(prefer(&[]), Preferences::default());
    }

    /// The one-pass reader agrees with the split-then-split reference, quotes and escapes
    /// included.
    #[test]
    fn one_pass_matches_the_reference() {
        let lines = [
            "persistent-auth",
            " Persistent-Auth ; a=1 , new-auth",
            "x=\"a, persistent-auth\", csrf-protection",
            "x=\"a\\\", persistent-auth\", new-auth",
            "x=\"unterminated, persistent-auth",
            "\"quoted\";persistent-auth, =new-auth, new-auth=\"x;y\"",
            "csrf-protection;persistent-auth=1,,,NEW-AUTH\t",
            "",
            ",",
            "persistent-auth\\, new-auth",
        ];
        for line in lines {
            let mut fast = Preferences::default();
            fast.add_line(line.as_bytes());
            let mut reference = Preferences::default();
            add_line_reference(&mut reference, line.as_bytes());
            assert_eq!(fast, reference, "{line:?}");
        }
    }

    proptest::proptest! {
        /// Lists made of the bytes that matter to the grammar, and the names, in any order.
        #[test]
        fn one_pass_matches_the_reference_on_any_list(
            pieces in proptest::collection::vec(
                proptest::sample::select(&[
                    "persistent-auth", "NEW-AUTH", "csrf-protection", ",", ";", "=", "\"",
                    "\\", " ", "\t", "x",
                ][..]),
                0..16,
            )
        ) {
            let line = pieces.concat();
            let mut fast = Preferences::default();
            fast.add_line(line.as_bytes());
            let mut reference = Preferences::default();
            add_line_reference(&mut reference, line.as_bytes());
            proptest::prop_assert_eq!(fast, reference, "{:?}", line);
        }
    }

    #[test]
    fn every_line_and_every_element_counts() {
        let all = prefer(&[
            "return=minimal",
            "PERSISTENT-AUTH ;x=\"a,b\"",
            " , csrf-protection,new-auth=1",
        ]);
        assert_eq!(
            all,
            Preferences { persistent_auth: true, new_auth: true, csrf_protection: true }
        );
    }

    #[test]
    fn look_alikes_do_not_count() {
        for line in [
            "persistent-authx",
            "x-persistent-auth",
            "\"persistent-auth\"",
            "persistent auth",
            "wait=persistent-auth",
        ] {
            assert_eq!(prefer(&[line]), Preferences::default(), "{line}");
        }
        // A quoted comma does not split an element.
        assert_eq!(prefer(&["x=\"a, persistent-auth\""]), Preferences::default());
    }
}
