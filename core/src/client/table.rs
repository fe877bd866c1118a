//! The client's whole state-transition table, in one place.
//!
//! | request in flight | response                     | `Set-Cookie: JSESSIONID`        | next state | event              | cookie   |
//! |-------------------|------------------------------|---------------------------------|------------|--------------------|----------|
//! | any               | 1xx (not 101)                | ignored                         | unchanged  | `Interim`          | kept     |
//! | login             | < 400                        | new value                       | `Active`   | `Established`      | stored   |
//! | login             | < 400                        | none, or deletes it             | `Idle`     | `NotEstablished(NoCookie)` | —  |
//! | login             | < 400                        | unusable (`Secure` on a plain channel, bad bytes) | `Idle` | `NotEstablished(reason)` | — |
//! | login             | 401                          | ignored                         | `Idle`     | `Rejected`         | —        |
//! | login             | other ≥ 400                  | ignored                         | `Idle`     | `Failed`           | —        |
//! | reuse             | < 400                        | none                            | `Active`   | `Reused`           | kept     |
//! | reuse             | < 400                        | the same value                  | `Active`   | `Reused`           | refreshed|
//! | reuse             | < 400                        | a new value                     | `Active`   | `Renewed`          | replaced |
//! | reuse             | < 400                        | deletes it, or unusable         | `Idle`     | `Ended`            | wiped    |
//! | reuse             | 401                          | ignored                         | `Idle`     | `Expired` (retry)  | wiped    |
//! | reuse             | other ≥ 400                  | ignored                         | `Active`   | `Reused`           | kept     |
//! | logout            | any final (200, 401, …)      | ignored                         | `Closed`   | `Closed`           | wiped    |
//!
//! Afterwards, if [`end_session`](super::ClientSession::end_session) was called while the response
//! was awaited, `Active` becomes `Ending` and `Idle` becomes `Closed`.
//!
//! A login never answers `Expired`, so a request is re-sent as a login at most once: the retry of
//! an `Expired` reuse is a login, and a 401 to it is `Rejected`.

use super::{NotEstablished, RequestKind, SessionEvent};

/// The class of a response status, as far as sessions care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StatusClass {
    /// 1xx other than 101: another response follows.
    Interim,
    /// Below 400 (101 included): the request was served.
    Served,
    /// 401.
    Unauthorized,
    /// 400 and above, other than 401.
    Failed,
}

impl StatusClass {
    pub(crate) fn of(status: u16) -> Self {
        match status {
            101 => Self::Served,
            100..=199 => Self::Interim,
            401 => Self::Unauthorized,
            400.. => Self::Failed,
            _ => Self::Served,
        }
    }
}

/// What the response said about the session cookie (read only for served responses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CookieNews {
    /// No `JSESSIONID` was set.
    None,
    /// `JSESSIONID` was set to the value the session already holds.
    Same,
    /// `JSESSIONID` was set to a new value.
    New,
    /// `JSESSIONID` was deleted (`Max-Age` ≤ 0 or an `Expires` in the past).
    Deleted,
    /// `JSESSIONID` was set but cannot be used.
    Unusable(NotEstablished),
}

/// The state a session moves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// The request in flight is still unanswered.
    Awaiting,
    Idle,
    Active,
    Closed,
}

/// What happens to the stored cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CookieAction {
    Keep,
    Store,
    Wipe,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Transition {
    pub(crate) next: Next,
    pub(crate) event: SessionEvent,
    pub(crate) cookie: CookieAction,
}

const fn row(next: Next, event: SessionEvent, cookie: CookieAction) -> Transition {
    Transition { next, event, cookie }
}

/// Looks up the row for a response to `kind`.
pub(crate) fn transition(kind: RequestKind, status: StatusClass, news: CookieNews) -> Transition {
    use CookieAction::{Keep, Store, Wipe};
    use RequestKind::{Login, Logout, Reuse};
    use StatusClass::{Failed, Interim, Served, Unauthorized};
    match (kind, status, news) {
        (_, Interim, _) => row(Next::Awaiting, SessionEvent::Interim, Keep),

        (Login, Served, CookieNews::New | CookieNews::Same) => {
            row(Next::Active, SessionEvent::Established, Store)
        }
        (Login, Served, CookieNews::None | CookieNews::Deleted) => {
            row(Next::Idle, SessionEvent::NotEstablished(NotEstablished::NoCookie), Wipe)
        }
        (Login, Served, CookieNews::Unusable(why)) => {
            row(Next::Idle, SessionEvent::NotEstablished(why), Wipe)
        }
        (Login, Unauthorized, _) => row(Next::Idle, SessionEvent::Rejected, Wipe),
        (Login, Failed, _) => row(Next::Idle, SessionEvent::Failed, Wipe),

        (Reuse, Served, CookieNews::None) => row(Next::Active, SessionEvent::Reused, Keep),
        (Reuse, Served, CookieNews::Same) => row(Next::Active, SessionEvent::Reused, Store),
        (Reuse, Served, CookieNews::New) => row(Next::Active, SessionEvent::Renewed, Store),
        (Reuse, Served, CookieNews::Deleted | CookieNews::Unusable(_)) => {
            row(Next::Idle, SessionEvent::Ended, Wipe)
        }
        (Reuse, Unauthorized, _) => row(Next::Idle, SessionEvent::Expired, Wipe),
        (Reuse, Failed, _) => row(Next::Active, SessionEvent::Reused, Keep),

        (Logout, _, _) => row(Next::Closed, SessionEvent::Closed, Wipe),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes() {
        assert_eq!(StatusClass::of(100), StatusClass::Interim);
        assert_eq!(StatusClass::of(103), StatusClass::Interim);
        assert_eq!(StatusClass::of(101), StatusClass::Served);
        assert_eq!(StatusClass::of(200), StatusClass::Served);
        assert_eq!(StatusClass::of(302), StatusClass::Served);
        assert_eq!(StatusClass::of(399), StatusClass::Served);
        assert_eq!(StatusClass::of(400), StatusClass::Failed);
        assert_eq!(StatusClass::of(401), StatusClass::Unauthorized);
        assert_eq!(StatusClass::of(403), StatusClass::Failed);
        assert_eq!(StatusClass::of(503), StatusClass::Failed);
    }

    #[test]
    fn a_login_never_asks_for_a_retry() {
        use StatusClass::*;
        for status in [Interim, Served, Unauthorized, Failed] {
            for news in [
                CookieNews::None,
                CookieNews::Same,
                CookieNews::New,
                CookieNews::Deleted,
                CookieNews::Unusable(NotEstablished::InsecureChannel),
            ] {
                let t = transition(RequestKind::Login, status, news);
                assert_ne!(t.event, SessionEvent::Expired);
                let t = transition(RequestKind::Logout, status, news);
                assert!(matches!(t.event, SessionEvent::Closed | SessionEvent::Interim));
            }
        }
    }
}
