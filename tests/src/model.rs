//! A model-based check of client ↔ gate histories, shared by the proptest (`pair_model.rs`) and
//! the structured fuzz target (`session_ops`): random sequences of client operations and server
//! events, every gate verdict checked against a small reference model, and the invariants of
//! design §4 checked after every step.

use crate::{BASE, CREDS, Pair, STORE, header_values};
use arbitrary::Arbitrary;
use persistent_auth::{
    ClientConfig, ClientState, Credentials, GateConfig, Granted, Progress, Refusal, RequestHead,
    RequestKind, SessionStore, UserId, Verdict,
};
use std::collections::HashMap;

const IDLE_MS: u64 = 30 * 60_000;

/// `Err` with a message unless `cond`.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
    ($cond:expr) => {
        if !$cond {
            return Err(format!("failed: {}", stringify!($cond)));
        }
    };
}

/// `Err` with both values unless they are equal.
macro_rules! ensure_eq {
    ($a:expr, $b:expr, $($msg:tt)+) => {
        if $a != $b {
            return Err(format!("{:?} != {:?}: {}", $a, $b, format!($($msg)+)));
        }
    };
    ($a:expr, $b:expr) => {
        if $a != $b {
            return Err(format!("{:?} != {:?}", $a, $b));
        }
    };
}

/// One step of a history.
#[derive(Debug, Clone, Arbitrary)]
pub enum Op {
    /// A request with good, wrong or no credentials lent to the client.
    Request {
        /// The credentials lent.
        creds: Creds,
        /// `GET /vms` rather than `HEAD` on the base.
        get: bool,
    },
    /// Time passes.
    Advance {
        /// How long (taken modulo 40).
        minutes: u64,
    },
    /// The user asks for a logout.
    EndSession,
    /// The request reaches the server, but the answer never comes back.
    LostResponse,
    /// The client receives bytes that are not a valid response.
    Garbage {
        /// What arrives.
        bytes: Vec<u8>,
    },
    /// The server forgets every session.
    RestartServer,
    /// The client forgets its session without telling anyone (a crash and restart).
    ForgetClient,
    /// A request encoded into a buffer of `size` bytes: too small, it must be refused untouched.
    SmallBuffer {
        /// The buffer's size (taken modulo 512).
        size: u16,
    },
}

/// What credentials the client is lent for a request.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Creds {
    /// The right ones.
    Good,
    /// A wrong password.
    Wrong,
    /// None at all.
    None,
}

/// What the gate should hold: session id (as text) → idle deadline.
#[derive(Debug, Default)]
struct Model {
    sessions: HashMap<String, u64>,
    /// Ids whose logout was sent, or which the server deleted: never to be sent again.
    dead: Vec<String>,
}

impl Model {
    fn live(&self, now: u64) -> usize {
        self.sessions.values().filter(|&&deadline| deadline > now).count()
    }

    /// The verdict the gate must reach for this request.
    fn predict(&self, request: &[u8], now: u64) -> Verdict {
        let persistent = header_values(request, "prefer").any(|p| p.contains("persistent-auth"));
        let live_id =
            cookie_id(request).filter(|id| self.sessions.get(id).is_some_and(|&d| d > now));
        if live_id.is_some() {
            let granted = if persistent { Granted::Session } else { Granted::LastRequest };
            return Verdict::Granted(granted, UserId(1));
        }
        match header_values(request, "authorization").next() {
            None => Verdict::Refused(Refusal::NoCredentials),
            Some(auth) if auth != "Basic YWRtaW46c2VjcmV0" => {
                Verdict::Refused(Refusal::BadCredentials)
            }
            Some(_) if !persistent => Verdict::Granted(Granted::OneShot, UserId(1)),
            Some(_) if self.live(now) >= STORE => Verdict::Refused(Refusal::StoreFull),
            Some(_) => Verdict::Granted(Granted::Login, UserId(1)),
        }
    }

    /// Follows what the gate did.
    fn apply(&mut self, request: &[u8], response: &[u8], verdict: Verdict, now: u64) {
        match verdict {
            Verdict::Granted(Granted::Login, _) => {
                let id = set_cookie_id(response).expect("a login sets the cookie");
                self.sessions.insert(id, now + IDLE_MS);
            }
            Verdict::Granted(Granted::Session, _) => {
                let id = cookie_id(request).unwrap();
                self.sessions.insert(id, now + IDLE_MS);
            }
            Verdict::Granted(Granted::LastRequest, _) => {
                let id = cookie_id(request).unwrap();
                self.sessions.remove(&id);
                self.dead.push(id);
            }
            _ => {}
        }
    }
}

fn cookie_id(request: &[u8]) -> Option<String> {
    header_values(request, "cookie").find_map(|c| c.strip_prefix("JSESSIONID=").map(str::to_owned))
}

fn set_cookie_id(response: &[u8]) -> Option<String> {
    header_values(response, "set-cookie")
        .find_map(|c| {
            c.strip_prefix("JSESSIONID=").map(|v| v.split(';').next().unwrap_or("").to_owned())
        })
        .filter(|id| !id.is_empty())
}

/// Runs `ops` on a client and a gate joined in memory, checking every verdict against the model
/// and the invariants after every step. `Err` says which invariant broke.
///
/// # Errors
///
/// A description of the broken invariant.
pub fn run(ops: &[Op], renew: bool) -> Result<(), String> {
    let mut pair = Pair::with(
        ClientConfig::new("engine.example.com", BASE).with_secure_channel(true).with_renew(renew),
        GateConfig::new(BASE),
    );
    let mut model = Model::default();
    let wrong = Credentials::basic("admin", "wrong");
    for op in ops {
        let now = pair.now.as_millis();
        match op {
            Op::Request { creds, get } => {
                let head = if *get { RequestHead::get("/vms") } else { RequestHead::head("") };
                let creds = match creds {
                    Creds::Good => Some(&CREDS),
                    Creds::Wrong => Some(&wrong),
                    Creds::None => None,
                };
                let Some(kind) = pair.client.next_request(pair.now) else {
                    continue;
                };
                let mut out = [0u8; 1024];
                let n = match pair.client.encode_request(&head, creds, pair.now, &mut out) {
                    Ok(n) => n,
                    Err(
                        persistent_auth::EncodeError::CredentialsRequired
                        | persistent_auth::EncodeError::NothingToEnd,
                    ) => {
                        ensure!(
                            creds.is_none() || matches!(pair.client.state(), ClientState::Closed)
                        );
                        continue;
                    }
                    Err(e) => return Err(format!("encode: {e:?}")),
                };
                let request = out[..n].to_vec();
                check_request(&request, kind, renew, &model)?;
                let decision = pair.serve(&request);
                let verdict = decision.verdict();
                ensure_eq!(
                    verdict,
                    model.predict(&request, now),
                    "request {}",
                    String::from_utf8_lossy(&request)
                );
                let response = pair.respond(&decision);
                pair.gate.finish(decision);
                model.apply(&request, &response, verdict, now);
                if kind == RequestKind::Logout {
                    if let Some(id) = cookie_id(&request) {
                        model.dead.push(id);
                    }
                }
                let answer = pair.client.decode_response(&response, pair.now);
                ensure!(matches!(answer, Ok(Progress::Complete { .. })), "{:?}", answer);
            }
            Op::Advance { minutes } => pair.advance_minutes(minutes % 40),
            Op::EndSession => pair.client.end_session(),
            Op::LostResponse => {
                let Some(kind) = pair.client.next_request(pair.now) else {
                    continue;
                };
                let mut out = [0u8; 1024];
                if let Ok(n) = pair.client.encode_request(
                    &RequestHead::head(""),
                    Some(&CREDS),
                    pair.now,
                    &mut out,
                ) {
                    let request = out[..n].to_vec();
                    check_request(&request, kind, renew, &model)?;
                    let decision = pair.serve(&request);
                    let verdict = decision.verdict();
                    ensure_eq!(verdict, model.predict(&request, now));
                    let response = pair.respond(&decision);
                    pair.gate.finish(decision);
                    model.apply(&request, &response, verdict, now);
                    if kind == RequestKind::Logout {
                        model.dead.extend(cookie_id(&request));
                    }
                    pair.client.abort();
                }
            }
            Op::Garbage { bytes } => {
                let mut out = [0u8; 1024];
                if pair.client.next_request(pair.now).is_some()
                    && pair
                        .client
                        .encode_request(&RequestHead::head(""), Some(&CREDS), pair.now, &mut out)
                        .is_ok()
                {
                    if let Ok(Progress::Partial) = pair.client.decode_response(bytes, pair.now) {
                        pair.client.abort();
                    }
                    // Whatever the bytes did, a request is either still awaited (an interim
                    // answer) or the session is usable again.
                    if pair.client.next_request(pair.now).is_none() {
                        pair.client.abort();
                    }
                }
            }
            Op::RestartServer => {
                pair.restart_server();
                model.sessions.clear();
            }
            Op::ForgetClient => pair.client.forget(),
            Op::SmallBuffer { size } => {
                let Some(kind) = pair.client.next_request(pair.now) else { continue };
                let before = pair.client.state();
                let mut out = vec![0xEE_u8; usize::from(*size % 512)];
                match pair.client.encode_request(
                    &RequestHead::head(""),
                    Some(&CREDS),
                    pair.now,
                    &mut out,
                ) {
                    Err(persistent_auth::EncodeError::BufferTooSmall { required }) => {
                        ensure!(required > out.len(), "required {} fits {}", required, out.len());
                        ensure!(out.iter().all(|&b| b == 0xEE), "a refused encode wrote into out");
                        ensure_eq!(
                            pair.client.state(),
                            before,
                            "a refused encode changed the state"
                        );
                    }
                    Err(_) => {}
                    Ok(n) => {
                        // It fitted: this is a real request now; the server never sees it.
                        let request = out[..n].to_vec();
                        check_request(&request, kind, renew, &model)?;
                        if kind == RequestKind::Logout {
                            model.dead.extend(cookie_id(&request));
                        }
                        pair.client.abort();
                    }
                }
            }
        }
        // Invariants after every step.
        let now = pair.now.as_millis();
        for id in model.sessions.iter().filter(|&(_, &d)| d > now).map(|(id, _)| id) {
            let parsed = crate::parse_id(id);
            ensure!(
                pair.gate.store_mut().find_mut(&parsed).is_some(),
                "live session {} was dropped",
                id
            );
        }
        ensure!(pair.gate.store().len() <= STORE);
        if pair.client.state() == ClientState::Active {
            ensure!(pair.client.has_session());
        }
    }
    Ok(())
}

/// The client invariants, on every request it writes.
fn check_request(
    request: &[u8],
    kind: RequestKind,
    renew: bool,
    model: &Model,
) -> Result<(), String> {
    let has_auth = header_values(request, "authorization").next().is_some();
    let prefer = header_values(request, "prefer").next();
    match kind {
        RequestKind::Login => {
            ensure!(has_auth && cookie_id(request).is_none());
            ensure_eq!(prefer.as_deref(), Some("persistent-auth"));
        }
        RequestKind::Reuse => {
            ensure_eq!(has_auth, renew, "credentials on a reuse only in renew mode");
            ensure!(cookie_id(request).is_some());
            ensure_eq!(prefer.as_deref(), Some("persistent-auth"));
        }
        RequestKind::Logout => {
            ensure!(!has_auth && prefer.is_none() && cookie_id(request).is_some());
        }
    }
    if let Some(id) = cookie_id(request) {
        ensure!(!model.dead.contains(&id), "cookie {} sent after its logout", id);
    }
    Ok(())
}
