//! The `Prefer` header as the engine reads it.
//!
//! Every `Prefer` line counts; each is a comma list of elements `name[=value][;param…]`, and only the
//! element *name* matters, compared case-insensitively. So `Prefer: x, Persistent-Auth; a=1` asks for
//! persistence, and so does `persistent-auth=false`: the engine never looks at values.

use crate::head::fields::{Fields, Name, list_elements, split_unquoted};
use crate::head::token::trim_ows;

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
    pub fn add_line(&mut self, value: &[u8]) {
        for element in list_elements(value) {
            let name = element_name(element);
            if name.eq_ignore_ascii_case(b"persistent-auth") {
                self.persistent_auth = true;
            } else if name.eq_ignore_ascii_case(b"new-auth") {
                self.new_auth = true;
            } else if name.eq_ignore_ascii_case(b"csrf-protection") {
                self.csrf_protection = true;
            }
        }
    }
}

/// The name of a preference element: what comes before its `=value` or `;params`.
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
