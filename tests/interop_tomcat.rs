//! The tokio client against Apache Tomcat 10 (Tomcat's own BASIC authentication and session
//! manager, a JSP adding the Prefer rules), over HTTP and HTTPS. `tests/peers/run.sh` starts Tomcat
//! and passes its URLs; without them this test fails, it never skips.
//!
//! Each run logs in asking `Session-TTL: 1`, reuses the session, waits out the minute (Tomcat's
//! clock is real), sees the 401 and logs in again transparently, and logs out. The
//! `X-Authenticated-By` header the JSP sets tells that every reuse was let in on the session alone.

use persistent_auth::SessionEvent::{Closed, Established, Reused};
use persistent_auth::SessionTtl;
use persistent_auth_tokio::{ClientOptions, Endpoint, SessionClient, Tap};
use std::path::PathBuf;
use std::time::Duration;
use zeroize::Zeroizing;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run tests/peers/run.sh, which starts Tomcat")
    })
}

fn header_values(bytes: &[u8], name: &str) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|l| {
            l.split_once(": ")
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_owned())
        })
        .collect()
}

async fn session_with_expiry(url: String, ca: Option<PathBuf>) {
    let endpoint = Endpoint::parse(&url).unwrap();
    let tap = Tap::new();
    let options = ClientOptions {
        ca_file: ca,
        session_ttl: SessionTtl::minutes(1),
        tap: Some(tap.clone()),
        ..ClientOptions::default()
    };
    let password = Zeroizing::new(env("PEERS_TOMCAT_PASSWORD"));
    let mut client =
        SessionClient::connect(&endpoint, &env("PEERS_TOMCAT_USER"), password, options)
            .await
            .unwrap();

    let login = client.request("HEAD", "").await.unwrap();
    assert_eq!((login.status, login.event), (200, Established), "{url}");
    let (sent, received) = tap.take();
    assert_eq!(header_values(&sent, "Session-TTL"), ["1"]);
    assert_eq!(header_values(&received, "X-Authenticated-By"), ["credentials"]);
    let cookie = header_values(&received, "Set-Cookie").join(" ");
    assert!(
        cookie.contains("Path=/ovirt-engine/api")
            && cookie.contains("Secure")
            && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    for _ in 0..3 {
        let reuse = client.request("GET", "").await.unwrap();
        assert_eq!((reuse.status, reuse.event), (200, Reused));
        let mut body = [0u8; 256];
        let n = client.read_to_end(&mut body).await.unwrap();
        assert!(String::from_utf8_lossy(&body[..n]).contains("<user>admin@internal</user>"));
        let (sent, received) = tap.take();
        assert!(header_values(&sent, "Authorization").is_empty(), "credentials on a reuse");
        assert_eq!(
            header_values(&received, "X-Authenticated-By"),
            ["session"],
            "let in on the session alone"
        );
    }

    // Tomcat expires the session after its minute of idleness (checked on access).
    tokio::time::sleep(Duration::from_secs(65)).await;
    let after = client.request("HEAD", "").await.unwrap();
    assert_eq!((after.status, after.event), (200, Established), "{url}: a transparent re-login");
    let (sent, received) = tap.take();
    assert_eq!(header_values(&sent, "Authorization").len(), 1, "exactly one re-login");
    assert!(
        String::from_utf8_lossy(&received).starts_with("HTTP/1.1 401"),
        "the expired session was refused first"
    );
    assert_eq!(header_values(&received, "WWW-Authenticate"), ["Basic realm=\"RESTAPI\""]);

    let reuse = client.request("HEAD", "").await.unwrap();
    assert_eq!(reuse.event, Reused);
    let logout = client.logout().await.unwrap().expect("a session to end");
    assert_eq!((logout.status, logout.event), (200, Closed));
    let (sent, _) = tap.take();
    assert!(
        header_values(&sent, "Prefer").len() == 1,
        "only the reuse carried Prefer, not the logout"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tomcat_over_http_and_https() {
    let ca = PathBuf::from(env("PEERS_CA"));
    // Both at once: the minute of waiting is shared.
    let http = tokio::spawn(session_with_expiry(env("PEERS_TOMCAT_HTTP"), None));
    let https = tokio::spawn(session_with_expiry(env("PEERS_TOMCAT_HTTPS"), Some(ca)));
    http.await.unwrap();
    https.await.unwrap();
}
