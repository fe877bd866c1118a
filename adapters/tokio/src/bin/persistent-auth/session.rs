//! `persistent-auth session`: login, reuse, logout against an API, one line per phase.

use crate::{SessionArgs, password, trace};
use persistent_auth::{NotEstablished, Response, SessionEvent, SessionTtl};
use persistent_auth_tokio::{ClientError, ClientOptions, Endpoint, SessionClient, Tap};
use std::process::ExitCode;
use std::time::Duration;

pub(crate) async fn run(args: SessionArgs) -> ExitCode {
    let endpoint = match Endpoint::parse(&args.url) {
        Ok(endpoint) => endpoint,
        Err(e) => {
            eprintln!("persistent-auth session: {e}");
            return ExitCode::from(2);
        }
    };
    let password = match password::read(args.password_env.as_deref(), &args.user) {
        Ok(password) => password,
        Err(code) => return code,
    };
    let tap = args.verbose.then(Tap::new);
    let options = ClientOptions {
        ca_file: args.ca_file.clone(),
        session_ttl: args.session_ttl.and_then(SessionTtl::minutes),
        renew: args.renew,
        csrf_protection: args.csrf_protection,
        insecure_plain_http: args.insecure_plain_http,
        timeout: Duration::from_secs(args.timeout.max(1)),
        tap: tap.clone(),
        ..ClientOptions::default()
    };
    let mut client = match SessionClient::connect(&endpoint, &args.user, password, options).await {
        Ok(client) => client,
        Err(e @ ClientError::PlainHttpRefused) => {
            eprintln!("persistent-auth session: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("persistent-auth session: {e}");
            return ExitCode::FAILURE;
        }
    };
    let is_head = args.method == "HEAD";
    let mut ok = true;

    // Login.
    let login = client.request(&args.method, "").await;
    show_trace(tap.as_ref(), is_head);
    match login {
        Ok(r) => {
            let (line, good) = describe_login(&r, &args.user);
            println!("login: {line}");
            if !good {
                return ExitCode::FAILURE;
            }
        }
        Err(e) => {
            println!("login: failed: {e}");
            return ExitCode::FAILURE;
        }
    }

    // Reuse.
    for i in 1..=args.requests {
        let result = client.request(&args.method, &args.path).await;
        show_trace(tap.as_ref(), is_head);
        match result {
            Ok(r) => {
                let (line, good) = describe_reuse(&r);
                println!("reuse {i}: {line}");
                ok &= good;
            }
            Err(e) => {
                println!("reuse {i}: failed: {e}");
                ok = false;
            }
        }
    }

    // Logout.
    let logout = client.logout().await;
    show_trace(tap.as_ref(), true);
    match logout {
        Ok(Some(r)) if r.status == 401 => println!(
            "logout: 401, session closed (engines answer 401 to a logout without credentials, and keep the engine session until it idles out)"
        ),
        Ok(Some(r)) => println!("logout: {}, session closed", r.status),
        Ok(None) => println!("logout: no session to end"),
        Err(e) => {
            println!("logout: failed: {e} (the session is forgotten here)");
            ok = false;
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn describe_login(r: &Response, user: &str) -> (String, bool) {
    match r.event {
        SessionEvent::Established => (format!("{}, session established", r.status), true),
        SessionEvent::Rejected => {
            (format!("{}, the server refused the credentials of {user}", r.status), false)
        }
        SessionEvent::NotEstablished(NotEstablished::NoCookie) => (
            format!(
                "{}, served, but the server set no session cookie: every request logs in",
                r.status
            ),
            true,
        ),
        SessionEvent::NotEstablished(NotEstablished::InsecureChannel) => (
            format!(
                "{}, served, but the session cookie is Secure and this channel is not: it is not used, every request logs in",
                r.status
            ),
            true,
        ),
        SessionEvent::NotEstablished(NotEstablished::InvalidValue) => (
            format!(
                "{}, served, but the session cookie is malformed: every request logs in",
                r.status
            ),
            true,
        ),
        _ => (format!("{}, no session", r.status), false),
    }
}

fn describe_reuse(r: &Response) -> (String, bool) {
    let good = r.status < 400;
    let how = match r.event {
        SessionEvent::Reused => "on the session",
        SessionEvent::Renewed => "on the session, which the server renewed",
        SessionEvent::Established => "the session had expired; logged in again",
        SessionEvent::Ended => "on the session, which the server ended",
        SessionEvent::Rejected => "the session had expired and the credentials were refused",
        SessionEvent::NotEstablished(_) => "logged in again, without a session",
        _ => "",
    };
    (format!("{}, {how}", r.status), good)
}

fn show_trace(tap: Option<&Tap>, answers_to_head: bool) {
    let Some(tap) = tap else { return };
    let (sent, received) = tap.take();
    for head in trace::heads(&sent, false) {
        trace::print("  >> request", &trace::redact(&head));
    }
    for head in trace::heads(&received, answers_to_head) {
        trace::print("  << response", &trace::redact(&head));
    }
}
