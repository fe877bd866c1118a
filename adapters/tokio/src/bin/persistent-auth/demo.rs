//! `persistent-auth demo`: the documented procedure, live, against the reference server.

use crate::trace;
use persistent_auth::{Response, SessionEvent};
use persistent_auth_tokio::{
    ClientOptions, Endpoint, Server, ServerConfig, SessionClient, SystemClock, Tap,
};
use std::process::ExitCode;
use std::sync::Arc;
use zeroize::Zeroizing;

const USER: &str = "admin@internal";

pub(crate) async fn run() -> ExitCode {
    match demo().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("persistent-auth demo: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn demo() -> Result<(), String> {
    // A throwaway password for a server that lives as long as the demo.
    let mut random = [0u8; 12];
    getrandom::fill(&mut random).map_err(|e| format!("no randomness: {e}"))?;
    let password = Zeroizing::new(random.iter().map(|b| format!("{b:02x}")).collect::<String>());

    let mut config = ServerConfig::new(([127, 0, 0, 1], 0).into(), USER, password.clone());
    config.log = false;
    let server = Server::bind(config, Arc::new(SystemClock::new()))
        .await
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let server = server.spawn();
    let url = format!("http://{}/ovirt-engine/api", server.addr());
    let endpoint = Endpoint::parse(&url).map_err(|e| e.to_string())?;
    println!("The reference server listens on {url}; user {USER}, a random password.");
    println!(
        "Loopback traffic never leaves the machine, so the Secure session cookie may travel over plain HTTP.\n"
    );

    let tap = Tap::new();
    let options = ClientOptions { tap: Some(tap.clone()), ..ClientOptions::default() };
    let mut client = SessionClient::connect(&endpoint, USER, password, options)
        .await
        .map_err(|e| e.to_string())?;

    let phases = [
        ("1. login: Basic credentials and Prefer: persistent-auth", SessionEvent::Established),
        ("2. reuse: the cookie alone", SessionEvent::Reused),
        ("3. reuse: the cookie alone", SessionEvent::Reused),
        ("4. reuse: the cookie alone", SessionEvent::Reused),
    ];
    for (title, expected) in phases {
        let response = client.request("HEAD", "").await.map_err(|e| e.to_string())?;
        show(title, &tap, &response);
        if response.event != expected {
            return Err(format!("expected {expected:?}, got {:?}", response.event));
        }
    }
    let logout = client.logout().await.map_err(|e| e.to_string())?.ok_or("no session to end")?;
    show("5. logout: the cookie without Prefer ends the session", &tap, &logout);
    if logout.event != SessionEvent::Closed {
        return Err(format!("expected the session closed, got {:?}", logout.event));
    }
    drop(client);
    server.shutdown().await.map_err(|e| e.to_string())?;
    println!("Done: one login, three requests on the session alone, one logout.");
    Ok(())
}

fn show(title: &str, tap: &Tap, response: &Response) {
    println!("== {title}");
    let (sent, received) = tap.take();
    for head in trace::heads(&sent, false) {
        trace::print(">> request", &head);
    }
    for head in trace::heads(&received, true) {
        trace::print("<< response", &head);
    }
    println!("   => {} {:?}\n", response.status, response.event);
}
