//! The engine's documented procedure, played by the client core against the answers the engine
//! gives: login, reuse, an expired session with its silent re-login, and logout. Prints every head
//! that would cross the wire.
//!
//! Run: `cargo run -p persistent-auth --example procedure`

// A demonstration, not library code: slicing by the length `encode_request` returned is the clearest
// way to show what it wrote.
#![allow(clippy::indexing_slicing)]

use persistent_auth::{
    ClientConfig, ClientSession, Credentials, Instant, Progress, RequestHead, SessionTtl,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = ClientConfig::new("engine.example.com", "/ovirt-engine/api")
        .with_secure_channel(true)
        .with_session_ttl(SessionTtl::minutes(30));
    let mut session: ClientSession = ClientSession::new(config)?;
    let creds = Credentials::basic("rhevmadmin@black.qumranet.com", "123456");
    let cookie = |id: &str| {
        format!(
            "HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID={id}; Path=/ovirt-engine/api; Secure; HttpOnly\r\nContent-Length: 0\r\n\r\n"
        )
    };
    let ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_owned();
    let unauthorized = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\"\r\nContent-Length: 0\r\n\r\n".to_owned();
    // (what happens, the server's answer, minutes since the start)
    let script = [
        ("login", cookie("5dQja5ubr4yvI2MM2z+LZxrK"), 0),
        ("reuse", ok.clone(), 1),
        ("reuse after the session idled out", unauthorized.clone(), 45),
        ("the same request again: a login", cookie("Xk2L0pq9aZ3b.node1"), 45),
        ("reuse", ok.clone(), 46),
        ("logout", unauthorized, 47),
    ];
    let mut out = [0u8; 1024];
    for (step, (what, answer, minute)) in script.iter().enumerate() {
        if step == script.len() - 1 {
            session.end_session();
        }
        let now = Instant::from_secs(minute * 60);
        let len = session.encode_request(&RequestHead::head(""), Some(&creds), now, &mut out)?;
        println!("### {what} (minute {minute})\n>>> request");
        print!("{}", String::from_utf8_lossy(&out[..len]));
        let Progress::Complete { value, .. } = session.decode_response(answer.as_bytes(), now)?
        else {
            return Err("the canned answer is incomplete".into());
        };
        println!("<<< response");
        print!("{answer}");
        println!("=== {} {:?} -> {:?}\n", value.status, value.event, session.state());
    }
    Ok(())
}
