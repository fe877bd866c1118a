//! The client core against the gate, in memory, on a simulated clock: no test here sleeps.

use persistent_auth::{
    ClientConfig, ClientState, GateConfig, Granted, Refusal, RequestHead, RequestKind,
    SessionEvent, SessionStore, SessionTtl, UserId, Verdict,
};
use persistent_auth_tests::{BASE, CREDS, Pair, header_values};

const HEAD: RequestHead<'static> = RequestHead::head("");
const ADMIN: Verdict = Verdict::Granted(Granted::Session, UserId(1));

#[test]
fn login_then_many_reuses_check_credentials_once() {
    let mut pair = Pair::new();
    let login = pair.request(&HEAD, Some(&CREDS));
    assert_eq!(login.kind, RequestKind::Login);
    assert_eq!(login.verdict, Verdict::Granted(Granted::Login, UserId(1)));
    assert_eq!(login.answer.event, SessionEvent::Established);
    for minute in 0..200 {
        pair.advance_minutes(minute % 3);
        let reuse = pair.request(&RequestHead::get("/vms"), Some(&CREDS));
        assert_eq!(reuse.kind, RequestKind::Reuse);
        assert_eq!(reuse.verdict, ADMIN);
        assert_eq!(reuse.answer.event, SessionEvent::Reused);
        assert!(!reuse.request_has("authorization"), "no credentials on a reuse");
    }
    assert_eq!(pair.users.checks, 1);
}

#[test]
fn idle_expiry_then_a_transparent_relogin() {
    let mut pair = Pair::new();
    pair.request(&HEAD, Some(&CREDS));
    let first_cookie = pair.log[0].response_set_cookie().unwrap();
    pair.advance_minutes(30);
    let after = pair.request(&HEAD, Some(&CREDS));
    // The adapter-style retry happened: a 401, then a login with the same request.
    let [.., expired, relogin] = pair.log.as_slice() else { panic!() };
    assert_eq!(
        (expired.kind, expired.answer.status, expired.answer.event),
        (RequestKind::Reuse, 401, SessionEvent::Expired)
    );
    assert_eq!(expired.verdict, Verdict::Refused(Refusal::NoCredentials));
    assert_eq!(relogin.kind, RequestKind::Login);
    assert_eq!(after.answer.event, SessionEvent::Established);
    assert_ne!(after.response_set_cookie().unwrap(), first_cookie, "a new id");
    assert_eq!(pair.request(&HEAD, None).verdict, ADMIN);
    assert_eq!(pair.gate.store().len(), 1, "the dead session was removed, not kept");
}

#[test]
fn session_ttl_sets_the_idle_timeout() {
    let mut pair = Pair::with(
        ClientConfig::new("e", BASE)
            .with_secure_channel(true)
            .with_session_ttl(SessionTtl::minutes(5)),
        GateConfig::new(BASE),
    );
    let login = pair.request(&HEAD, Some(&CREDS));
    assert_eq!(header_values(&login.request, "session-ttl").collect::<Vec<_>>(), ["5"]);
    pair.advance_minutes(4);
    assert_eq!(pair.exchange(&HEAD, None).answer.event, SessionEvent::Reused);
    pair.advance_minutes(4);
    assert_eq!(
        pair.exchange(&HEAD, None).answer.event,
        SessionEvent::Reused,
        "4 minutes since the last use"
    );
    pair.advance_minutes(5);
    assert_eq!(pair.exchange(&HEAD, None).answer.event, SessionEvent::Expired);
}

#[test]
fn session_ttl_is_clamped_by_the_gate() {
    let mut pair = Pair::with(
        ClientConfig::new("e", BASE)
            .with_secure_channel(true)
            .with_session_ttl(SessionTtl::minutes(600)),
        GateConfig::new(BASE).with_max_session_ttl_minutes(60),
    );
    pair.request(&HEAD, Some(&CREDS));
    pair.advance_minutes(60);
    assert_eq!(pair.exchange(&HEAD, None).answer.event, SessionEvent::Expired);
}

#[test]
fn logout_really_ends_the_session_and_the_dead_cookie_gets_401() {
    let mut pair = Pair::new();
    pair.request(&HEAD, Some(&CREDS));
    pair.request(&HEAD, None);
    let reuse_request = pair.log[1].request.clone();
    pair.client.end_session();
    let logout = pair.exchange(&HEAD, Some(&CREDS));
    assert_eq!(logout.kind, RequestKind::Logout);
    assert!(!logout.request_has("prefer") && !logout.request_has("authorization"));
    assert_eq!(logout.verdict, Verdict::Granted(Granted::LastRequest, UserId(1)));
    assert!(logout.response_set_cookie().unwrap().contains("Max-Age=0"));
    assert_eq!(logout.answer.event, SessionEvent::Closed);
    assert_eq!(pair.client.state(), ClientState::Closed);
    assert!(pair.gate.store().is_empty());
    // Someone replays the old reuse request: the session is gone.
    let replay = pair.serve(&reuse_request);
    assert_eq!(replay.verdict(), Verdict::Refused(Refusal::NoCredentials));
    assert!(pair.respond(&replay).starts_with(b"HTTP/1.1 401 "));
    pair.gate.finish(replay);
}

#[test]
fn a_full_store_refuses_logins_until_sessions_idle_out() {
    let mut pair = Pair::new();
    for _ in 0..persistent_auth_tests::STORE {
        assert_eq!(pair.request(&HEAD, Some(&CREDS)).answer.event, SessionEvent::Established);
        pair.client.forget(); // another client, as far as the gate can tell
    }
    let refused = pair.exchange(&HEAD, Some(&CREDS));
    assert_eq!(refused.verdict, Verdict::Refused(Refusal::StoreFull));
    assert_eq!((refused.answer.status, refused.answer.event), (503, SessionEvent::Failed));
    pair.advance_minutes(30);
    assert_eq!(pair.exchange(&HEAD, Some(&CREDS)).answer.event, SessionEvent::Established);
    assert_eq!(pair.gate.store().len(), 1, "the expired ones made room");
}

#[test]
fn renew_mode_never_sees_an_expiry() {
    let mut pair = Pair::with(
        ClientConfig::new("e", BASE).with_secure_channel(true).with_renew(true),
        GateConfig::new(BASE),
    );
    pair.request(&HEAD, Some(&CREDS));
    let reuse = pair.exchange(&HEAD, Some(&CREDS));
    assert!(reuse.request_has("authorization") && reuse.request_has("cookie"));
    assert_eq!(reuse.verdict, ADMIN, "credentials ignored while the session lives");
    pair.advance_minutes(31);
    let renewed = pair.exchange(&HEAD, Some(&CREDS));
    assert_eq!(renewed.verdict, Verdict::Granted(Granted::Login, UserId(1)), "a silent re-login");
    assert_eq!(renewed.answer.event, SessionEvent::Renewed);
    assert_eq!(pair.exchange(&HEAD, Some(&CREDS)).answer.event, SessionEvent::Reused);
}

#[test]
fn csrf_protection_end_to_end() {
    let mut pair = Pair::with(
        ClientConfig::new("e", BASE).with_secure_channel(true).with_csrf_protection(true),
        GateConfig::new(BASE).with_csrf_protection(true),
    );
    pair.request(&HEAD, Some(&CREDS));
    let reuse = pair.exchange(&HEAD, None);
    assert_eq!(reuse.verdict, ADMIN);
    assert!(reuse.request_has("jsessionid"));
    pair.client.end_session();
    assert_eq!(
        pair.exchange(&HEAD, None).verdict,
        Verdict::Granted(Granted::LastRequest, UserId(1))
    );
}

#[test]
fn a_server_restart_is_an_expiry() {
    let mut pair = Pair::new();
    pair.request(&HEAD, Some(&CREDS));
    pair.restart_server();
    assert_eq!(pair.request(&HEAD, Some(&CREDS)).answer.event, SessionEvent::Established);
    assert_eq!(pair.log.len(), 3);
}

#[test]
fn bad_credentials_are_rejected_once_and_not_retried() {
    let mut pair = Pair::new();
    let wrong = persistent_auth::Credentials::basic("admin", "wrong");
    let answer = pair.request(&HEAD, Some(&wrong));
    assert_eq!(answer.answer.event, SessionEvent::Rejected);
    assert_eq!(
        header_values(&answer.response, "www-authenticate").collect::<Vec<_>>(),
        ["Basic realm=\"RESTAPI\""]
    );
    assert_eq!(pair.log.len(), 1);
    assert!(pair.gate.store().is_empty());
}

#[test]
fn a_plain_channel_client_and_a_secure_cookie_never_share_a_session() {
    let mut pair = Pair::with(ClientConfig::new("e", BASE), GateConfig::new(BASE));
    let login = pair.request(&HEAD, Some(&CREDS));
    assert_eq!(
        login.answer.event,
        SessionEvent::NotEstablished(persistent_auth::NotEstablished::InsecureChannel)
    );
    // Every request is then a login of its own: the Secure cookie is never sent in the clear.
    let next = pair.request(&HEAD, Some(&CREDS));
    assert_eq!(next.kind, RequestKind::Login);
    assert!(!next.request_has("cookie"));
}
