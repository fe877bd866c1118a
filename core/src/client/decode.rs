//! Decoding response heads and what they say about the session.

use super::table::{CookieAction, CookieNews, Next, StatusClass, transition};
use super::{ClientSession, InFlight, NotEstablished, Phase, Response};
use crate::Progress;
use crate::RequestKind;
use crate::cookie::{SESSION_COOKIE, default_path_len_of, parse_set_cookie, set_cookie_name};
use crate::date::parse_cookie_date;
use crate::error::{DecodeError, Malformed};
use crate::head::BodyFraming;
use crate::head::fields::{Fields, Name, keeps_alive};
use crate::head::framing::{FramingError, response_framing};
use crate::head::scan::Scan;
use crate::head::token::is_cookie_value;
use crate::time::Instant;
use core::mem::MaybeUninit;

/// The decode error for an httparse error.
/// httparse with its default (strict) configuration, called from this one place so that the
/// optimiser can fold the configuration into the parser: called with it as a value from two
/// places, the lenient modes' code stayed in, 480 bytes of a Cortex-M client's flash.
fn parse_head<'h, 'b>(
    parsed: &mut httparse::Response<'h, 'b>,
    head: &'b [u8],
    headers: &'h mut [MaybeUninit<httparse::Header<'b>>],
) -> httparse::Result<usize> {
    httparse::ParserConfig::default().parse_response_with_uninit_headers(parsed, head, headers)
}

fn parse_error<const MAX_HEADERS: usize>(e: httparse::Error) -> DecodeError {
    match e {
        httparse::Error::TooManyHeaders => DecodeError::TooManyHeaders { max: MAX_HEADERS },
        e => DecodeError::Malformed(Malformed::from_httparse(e, false)),
    }
}

/// The session cookie a response set, checked and ready to store.
struct CookieUpdate<'b> {
    news: CookieNews,
    value: &'b [u8],
    /// `Path`, or `None` for the default path.
    path: Option<&'b [u8]>,
    expires_at: Option<Instant>,
}

impl<const COOKIE_MAX: usize, const MAX_HEADERS: usize> ClientSession<'_, COOKIE_MAX, MAX_HEADERS> {
    /// Reads the response head to the request in flight from `input`: the bytes received so far,
    /// starting at the head's first byte. Call it again with more bytes after `Partial`; the search
    /// for the end of the head resumes where it stopped rather than starting over.
    ///
    /// On `Complete`, `consumed` bytes were the head; the body (as [`Response::body`] frames it)
    /// starts right after. For an `Interim` (1xx) response, drop `consumed` bytes and call again for
    /// the final response.
    ///
    /// # Errors
    ///
    /// A [`DecodeError`]. Except for [`DecodeError::NoRequestInFlight`], the request then counts as
    /// answered, the session is where [`abort`](Self::abort) would leave it (a cookie that was too
    /// long also wipes the old one), and the connection should be closed.
    pub fn decode_response(
        &mut self,
        input: &[u8],
        now: Instant,
    ) -> Result<Progress<Response>, DecodeError> {
        let Some(flight) = self.in_flight else {
            return Err(DecodeError::NoRequestInFlight);
        };
        let max_head = self.config.max_head;
        let window = input.get(..max_head.min(input.len())).unwrap_or(input);
        // Left uninitialised for httparse to fill: initialising MAX_HEADERS empty headers cost
        // more than reading a small head's few lines.
        let mut headers = [const { MaybeUninit::uninit() }; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut []);
        // Most heads arrive whole: parse at once. A head that does not gets the scanner, which
        // remembers how far it looked, so that later calls never read from byte 0 again. A head
        // httparse refuses goes the scanner's way too: its error is reported once the head has
        // ended, as it would be had the head come in pieces (any split gives the same result).
        let attempt = if self.scanner.is_fresh() {
            parse_head(&mut parsed, window, &mut headers)
        } else {
            Ok(httparse::Status::Partial)
        };
        let head_len = match attempt {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) | Err(_) => match self.scanner.scan(input, max_head) {
                Scan::Partial => return Ok(Progress::Partial),
                Scan::TooLarge => {
                    return Err(self.fail(DecodeError::HeadTooLarge { max: max_head }));
                }
                Scan::Complete(len) => {
                    parsed = httparse::Response::new(&mut []);
                    let head = input.get(..len).unwrap_or_default();
                    match parse_head(&mut parsed, head, &mut headers) {
                        Ok(httparse::Status::Complete(parsed_len)) if parsed_len == len => len,
                        // The scanner saw an empty line httparse does not take as the end.
                        Ok(_) => {
                            return Err(self.fail(DecodeError::Malformed(Malformed::LineEnding)));
                        }
                        Err(e) => return Err(self.fail(parse_error::<MAX_HEADERS>(e))),
                    }
                }
            },
        };
        self.scanner.reset();
        let (status, version) = match (parsed.code, parsed.version) {
            // httparse takes any three digits; statuses are 100 to 599 (RFC 9110 §15), and a
            // `001` must not pass for a success.
            (Some(status @ 100..=599), Some(version)) => (status, version),
            _ => return Err(self.fail(DecodeError::Malformed(Malformed::StatusLine))),
        };
        let fields = Fields::new(parsed.headers);

        let class = StatusClass::of(status);
        let body = match response_framing(&fields, flight.is_head, status) {
            Ok(body) => body,
            Err(FramingError::InvalidContentLength | FramingError::InvalidTransferEncoding) => {
                return Err(self.fail(DecodeError::InvalidContentLength));
            }
        };
        let keep_alive =
            status != 101 && body != BodyFraming::UntilClose && keeps_alive(&fields, version);

        let update = if class == StatusClass::Served && flight.kind != RequestKind::Logout {
            match self.read_session_cookie(&fields, flight, now) {
                Ok(update) => update,
                Err(e) => {
                    // The server meant to replace the cookie: the old one is as good as dead.
                    self.abort();
                    self.cookie.clear();
                    self.phase = match self.phase {
                        Phase::Active | Phase::Idle => Phase::Idle,
                        Phase::Ending | Phase::Closed => Phase::Closed,
                    };
                    return Err(e);
                }
            }
        } else {
            None
        };
        let news = update.as_ref().map_or(CookieNews::None, |u| u.news);
        let row = transition(flight.kind, class, news);

        match (row.cookie, &update) {
            (CookieAction::Store, Some(u)) => {
                let base = self.config.base_path.as_bytes();
                let path = match u.path {
                    Some(path) => [path, &[][..]],
                    None => [
                        base.get(..default_path_len_of(base, flight.below_base)).unwrap_or(b"/"),
                        &[][..],
                    ],
                };
                // `read_session_cookie` checked the size, so this cannot be refused.
                let _ = self.cookie.store(u.value, path, u.expires_at);
            }
            (CookieAction::Store | CookieAction::Keep, _) => {}
            (CookieAction::Wipe, _) => self.cookie.clear(),
        }
        match row.next {
            Next::Awaiting => {}
            next => {
                self.in_flight = None;
                self.phase = match next {
                    Next::Active => Phase::Active,
                    Next::Closed => Phase::Closed,
                    Next::Idle | Next::Awaiting => Phase::Idle,
                };
                self.apply_end_request();
            }
        }
        self.scanner.reset();
        Ok(Progress::Complete {
            consumed: head_len,
            value: Response { status, event: row.event, body, keep_alive },
        })
    }

    /// Ends the request in flight after a bad response, as `abort` does.
    fn fail(&mut self, error: DecodeError) -> DecodeError {
        self.abort();
        error
    }

    /// The last `JSESSIONID` the response sets, judged: usable, deleted, or not.
    fn read_session_cookie<'b>(
        &self,
        fields: &Fields<'_, 'b>,
        flight: InFlight,
        now: Instant,
    ) -> Result<Option<CookieUpdate<'b>>, DecodeError> {
        // Only the last line naming the session cookie counts, so only its name is read on the
        // others; such a line always parses (it has a name and an `=`).
        let Some(cookie) = fields
            .values(Name::SetCookie)
            .filter(|line| set_cookie_name(line) == Some(SESSION_COOKIE.as_bytes()))
            .last()
            .and_then(parse_set_cookie)
        else {
            return Ok(None);
        };
        let base = self.config.base_path.as_bytes();
        let path_len =
            cookie.path.map_or_else(|| default_path_len_of(base, flight.below_base), <[u8]>::len);

        // RFC 6265 §5.3: Max-Age wins over Expires; a lifetime that is over deletes the cookie.
        let lifetime_ms = match (cookie.max_age, cookie.expires) {
            (Some(max_age), _) => Some(max_age.saturating_mul(1000)),
            (None, Some(expires)) => self.expires_in(fields, expires, now),
            (None, None) => None,
        };
        let mut update = CookieUpdate {
            news: CookieNews::New,
            value: cookie.value,
            path: cookie.path,
            expires_at: None,
        };
        if let Some(ms) = lifetime_ms {
            if ms <= 0 {
                // A deletion only concerns our cookie if it names our cookie's path.
                let ours = match cookie.path {
                    Some(path) => path == self.cookie.path(),
                    None => {
                        base.get(..default_path_len_of(base, flight.below_base))
                            == Some(self.cookie.path())
                    }
                };
                update.news = if ours || flight.kind == RequestKind::Login {
                    CookieNews::Deleted
                } else {
                    CookieNews::None
                };
                return Ok(Some(update));
            }
            update.expires_at = Some(now.saturating_add_millis(ms.unsigned_abs()));
        }
        if cookie.value.is_empty() || !is_cookie_value(cookie.value) {
            update.news = CookieNews::Unusable(NotEstablished::InvalidValue);
        } else if cookie.secure && !self.config.secure_channel {
            update.news = CookieNews::Unusable(NotEstablished::InsecureChannel);
        } else {
            let required = cookie.value.len().saturating_add(path_len);
            if required > COOKIE_MAX {
                return Err(DecodeError::CookieTooLong { required, capacity: COOKIE_MAX });
            }
            if self.cookie.has_value(cookie.value) {
                update.news = CookieNews::Same;
            }
        }
        Ok(Some(update))
    }

    /// Milliseconds from now until an `Expires` date: judged against the response's `Date`, else
    /// against the caller's clock if it is Unix time, else unknown (the cookie lasts for the
    /// session). Kept in milliseconds so that no 64-bit division is needed.
    fn expires_in(&self, fields: &Fields<'_, '_>, expires: i64, now: Instant) -> Option<i64> {
        let server_now = fields.values(Name::Date).find_map(parse_cookie_date);
        match server_now {
            Some(date) => Some(expires.saturating_sub(date).saturating_mul(1000)),
            None if self.config.unix_clock => {
                let now_ms = i64::try_from(now.as_millis()).unwrap_or(i64::MAX);
                Some(expires.saturating_mul(1000).saturating_sub(now_ms))
            }
            None => None,
        }
    }
}
