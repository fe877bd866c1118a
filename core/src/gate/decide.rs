//! The gate's decision logic: one request head in, one [`Decision`] out.

use super::id::IdSource;
use super::{
    CookieOut, Decision, GateError, Granted, HeadReader, Refusal, RequestParts, SessionGate,
    SessionId, SessionRecord, SessionStore, UserId, Verdict, Verifier,
};
use crate::Progress;
use crate::basic::parse_authorization;
use crate::cookie::{SESSION_COOKIE, cookie_pairs};
use crate::head::fields::{Fields, Name, keeps_alive};
use crate::head::framing::request_framing;
use crate::head::token::trim_ows;
use crate::prefer::Preferences;
use crate::time::Instant;
use core::mem::MaybeUninit;
use zeroize::Zeroize;

const MILLIS_PER_MINUTE: u64 = 60_000;

impl<S: SessionStore, const MAX_HEADERS: usize, const CREDENTIALS_MAX: usize>
    SessionGate<'_, S, MAX_HEADERS, CREDENTIALS_MAX>
{
    /// Reads a request head from `input` (the bytes received on this connection so far, starting at
    /// the head's first byte) and decides about it. After `Partial`, call again with more bytes; the
    /// search for the end of the head resumes where `reader` left it.
    ///
    /// On `Complete`, `consumed` bytes were the head; the body, framed as [`Decision::body`] says,
    /// follows.
    ///
    /// # Errors
    ///
    /// [`GateError`] when the head is malformed (400) or too large (431); answer its status and
    /// close the connection.
    pub fn inspect_request(
        &mut self,
        reader: &mut HeadReader,
        input: &[u8],
        now: Instant,
        verifier: &mut impl Verifier,
        ids: &mut impl IdSource,
    ) -> Result<Progress<Decision>, GateError> {
        let max_head = self.config.max_head;
        // Left uninitialised for httparse to fill (see `RequestParts::parse_uninit`).
        let mut headers = [const { MaybeUninit::uninit() }; MAX_HEADERS];
        // Most heads arrive whole: parse at once. A head that does not gets the reader's scanner,
        // which remembers how far it looked, so that later calls never read from byte 0 again. A
        // head httparse refuses goes the scanner's way too: its error is reported once the head
        // has ended, as it would be had the head come in pieces.
        if reader.is_fresh() {
            let window = input.get(..max_head.min(input.len())).unwrap_or(input);
            if let Ok(Some((parts, head_len))) =
                RequestParts::parse_prefix_uninit(window, &mut headers)
            {
                let decision = self.inspect_headers(&parts, now, verifier, ids)?;
                return Ok(Progress::Complete { consumed: head_len, value: decision });
            }
        }
        let Progress::Complete { value: head_len, .. } = reader.poll(input, max_head)? else {
            return Ok(Progress::Partial);
        };
        let head = input.get(..head_len).unwrap_or_default();
        let parts = RequestParts::parse_uninit(head, &mut headers)?;
        let decision = self.inspect_headers(&parts, now, verifier, ids)?;
        Ok(Progress::Complete { consumed: head_len, value: decision })
    }

    /// Decides about a request whose head the caller's HTTP stack has already parsed: the same
    /// rules as [`inspect_request`](Self::inspect_request).
    ///
    /// # Errors
    ///
    /// [`GateError::InvalidFraming`] when the body framing headers are invalid or ambiguous.
    pub fn inspect_headers(
        &mut self,
        parts: &RequestParts<'_, '_>,
        now: Instant,
        verifier: &mut impl Verifier,
        ids: &mut impl IdSource,
    ) -> Result<Decision, GateError> {
        let fields = Fields::new(parts.headers);
        // Both framings at once is how requests are smuggled past proxies: refuse (RFC 9112 §6.1
        // allows it).
        if fields.contains(Name::TransferEncoding) && fields.contains(Name::ContentLength) {
            return Err(GateError::InvalidFraming);
        }
        let body = request_framing(&fields).map_err(|_| GateError::InvalidFraming)?;
        let keep_alive = keeps_alive(&fields, parts.minor_version);
        let decision =
            |verdict, cookie, ending| Decision { verdict, body, keep_alive, cookie, ending };
        let refuse = |refusal| decision(Verdict::Refused(refusal), CookieOut::None, None);

        let prefer = Preferences::from_fields(&fields);
        match self.live_session(&fields, now, !prefer.new_auth) {
            LiveSession::None => {}
            LiveSession::CsrfHeaderMissing => return Ok(refuse(Refusal::CsrfHeaderMissing)),
            LiveSession::Used { id, user } => {
                // Any Authorization header is ignored while the session is valid: SDKs send it on
                // every request.
                return Ok(if prefer.persistent_auth {
                    decision(Verdict::Granted(Granted::Session, user), CookieOut::None, None)
                } else {
                    decision(
                        Verdict::Granted(Granted::LastRequest, user),
                        CookieOut::Expire,
                        Some(id),
                    )
                });
            }
        }

        let user = match self.authenticate(&fields, verifier) {
            Ok(user) => user,
            Err(refusal) => return Ok(refuse(refusal)),
        };
        if !prefer.persistent_auth {
            return Ok(decision(Verdict::Granted(Granted::OneShot, user), CookieOut::None, None));
        }
        match self.create_session(&fields, user, prefer, now, ids) {
            Ok(id) => {
                Ok(decision(Verdict::Granted(Granted::Login, user), CookieOut::Set(id), None))
            }
            Err(refusal) => Ok(refuse(refusal)),
        }
    }

    /// Ends what the decision says ends with its response: the session of a `LastRequest`. Call it
    /// once the response is written (or abandoned).
    pub fn finish(&mut self, decision: Decision) {
        if let Some(id) = &decision.ending {
            self.store.remove(id);
        }
    }

    /// The first `JSESSIONID` cookie that names a live session, used at `now` (one store lookup).
    /// Expired sessions met on the way are removed: an expired session is indistinguishable from
    /// an unknown one. Without `use_it` (`new-auth`) a live session found is ended instead.
    fn live_session(&mut self, fields: &Fields<'_, '_>, now: Instant, use_it: bool) -> LiveSession {
        for line in fields.values(Name::Cookie) {
            for (name, value) in cookie_pairs(line) {
                if name != SESSION_COOKIE.as_bytes() {
                    continue;
                }
                let Some(id) = SessionId::from_text(value) else { continue };
                let Some(record) = self.store.find_mut(&id) else { continue };
                if record.is_expired(now) || !use_it {
                    self.store.remove(&id);
                    if use_it {
                        continue;
                    }
                    return LiveSession::None;
                }
                // A forged request without the header must not extend the session either.
                if record.csrf_protection && !repeats_id(fields, &id) {
                    return LiveSession::CsrfHeaderMissing;
                }
                record.last_used = now;
                return LiveSession::Used { user: record.user, id };
            }
        }
        LiveSession::None
    }

    /// Checks the request's credentials with the verifier, through a wiped stack buffer.
    fn authenticate(
        &self,
        fields: &Fields<'_, '_>,
        verifier: &mut impl Verifier,
    ) -> Result<UserId, Refusal> {
        let value = fields.values(Name::Authorization).next().ok_or(Refusal::NoCredentials)?;
        let mut scratch = [0u8; CREDENTIALS_MAX];
        let user = match parse_authorization(value, &mut scratch) {
            Ok(credentials) => verifier.verify(&credentials).ok_or(Refusal::BadCredentials),
            Err(malformed) => Err(Refusal::MalformedCredentials(malformed)),
        };
        scratch.zeroize();
        user
    }

    /// Starts a session for `user`, within the store's and the user's limits.
    fn create_session(
        &mut self,
        fields: &Fields<'_, '_>,
        user: UserId,
        prefer: Preferences,
        now: Instant,
        ids: &mut impl IdSource,
    ) -> Result<SessionId, Refusal> {
        if let Some(cap) = self.config.max_sessions_per_user {
            if self.store.count_live(user, now) >= cap.get() {
                return Err(Refusal::UserSessionCap);
            }
        }
        let id = SessionId::generate(ids).map_err(|_| Refusal::IdSourceFailed)?;
        // 128 random bits never collide; a source that repeats itself is broken and must not hand
        // one user's session to another.
        if self.store.find_mut(&id).is_some() {
            return Err(Refusal::IdSourceFailed);
        }
        let minutes = session_ttl(fields)
            .map_or(u64::from(self.config.idle_timeout_minutes), |ttl| {
                ttl.min(u64::from(self.config.max_session_ttl_minutes))
            });
        let mut record =
            SessionRecord::new(id.clone(), user, now, minutes.saturating_mul(MILLIS_PER_MINUTE));
        record.csrf_protection = self.config.csrf_protection && prefer.csrf_protection;
        if let Err(record) = self.store.insert(record) {
            // Make room from the dead only.
            self.store.remove_expired(now);
            self.store.insert(record).map_err(|_| Refusal::StoreFull)?;
        }
        Ok(id)
    }
}

/// What the request's cookies say about its session.
enum LiveSession {
    /// No live session (or `new-auth` ended it).
    None,
    /// A live session that wants the `JSESSIONID` header, which is missing or wrong.
    CsrfHeaderMissing,
    /// A live session, now used.
    Used { id: SessionId, user: UserId },
}

/// Whether a `JSESSIONID` request header repeats the session id.
fn repeats_id(fields: &Fields<'_, '_>, id: &SessionId) -> bool {
    fields
        .values(Name::SessionCookie)
        .filter_map(|value| SessionId::from_text(trim_ows(value)))
        .any(|header_id| header_id == *id)
}

/// The first `Session-TTL` that is a whole number of minutes ≥ 1 (saturating); junk is ignored, as
/// the engine ignores it.
fn session_ttl(fields: &Fields<'_, '_>) -> Option<u64> {
    fields.values(Name::SessionTtl).find_map(|value| {
        let digits = trim_ows(value);
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let minutes = digits
            .iter()
            .fold(0u64, |acc, &d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
        (minutes >= 1).then_some(minutes)
    })
}
