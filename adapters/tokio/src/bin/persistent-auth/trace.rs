//! Printing the heads that crossed the wire.

/// The heads in `bytes` (requests or responses), bodies skipped as `Content-Length` says. A body
/// framed otherwise ends the listing (the heads before it were printed).
pub(crate) fn heads(bytes: &[u8], answers_to_head: bool) -> Vec<String> {
    let mut heads = Vec::new();
    let mut rest = bytes;
    while let Some(end) = find(rest, b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&rest[..end]).into_owned();
        let length = content_length(&head);
        let chunked =
            head.lines().any(|l| l.to_ascii_lowercase().starts_with("transfer-encoding:"));
        heads.push(head);
        let body = if answers_to_head { 0 } else { length.unwrap_or(0) };
        rest = rest.get(end + 4 + body..).unwrap_or_default();
        if chunked && !answers_to_head {
            break;
        }
    }
    heads
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &str) -> Option<usize> {
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
    })
}

/// `head` with secrets shortened: the credentials of `Authorization` and session ids in
/// `Cookie`, `Set-Cookie` and `JSESSIONID` lines keep only their first 4 characters.
pub(crate) fn redact(head: &str) -> String {
    head.lines()
        .map(|line| {
            let Some((name, value)) = line.split_once(": ") else { return line.to_owned() };
            let lower = name.to_ascii_lowercase();
            let value = if lower == "authorization" {
                let scheme = value.split(' ').next().unwrap_or("");
                format!("{scheme} …")
            } else if lower == "jsessionid" {
                shorten(value)
            } else if matches!(lower.as_str(), "cookie" | "set-cookie") {
                shorten_ids(value)
            } else {
                value.to_owned()
            };
            format!("{name}: {value}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `JSESSIONID=` values of a cookie line, shortened.
fn shorten_ids(value: &str) -> String {
    value
        .split("; ")
        .map(|part| match part.split_once('=') {
            Some((name, id)) if name.eq_ignore_ascii_case("JSESSIONID") => {
                format!("{name}={}", shorten(id))
            }
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The first 4 characters of a secret (ids are ASCII; anything else is hidden whole).
fn shorten(secret: &str) -> String {
    match secret.get(..4) {
        Some(start) if secret.len() > 4 => format!("{start}…"),
        _ if secret.is_empty() => String::new(),
        _ => "…".to_owned(),
    }
}

/// Prints a head, indented, after a label.
pub(crate) fn print(label: &str, head: &str) {
    println!("{label}");
    for line in head.lines() {
        println!("    {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_heads_and_skips_bodies() {
        let wire = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nnope!HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            heads(wire, false),
            [
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 5",
                "HTTP/1.1 200 OK\r\nContent-Length: 0"
            ]
        );
        let to_head = b"HTTP/1.1 200 OK\r\nContent-Length: 70\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
        assert_eq!(heads(to_head, true).len(), 2);
    }

    #[test]
    fn redacts_secrets() {
        let head = "HEAD / HTTP/1.1\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\nCookie: JSESSIONID=abcdefghij\r\nJSESSIONID: abcdefghij\r\nSet-Cookie: JSESSIONID=abcdefghij; Path=/; Secure";
        let shown = redact(head);
        assert!(!shown.contains("YWRtaW46") && !shown.contains("efghij"), "{shown}");
        assert!(
            shown.contains("Authorization: Basic …")
                && shown.contains("JSESSIONID=abcd…; Path=/; Secure"),
            "{shown}"
        );
        assert!(shown.contains("JSESSIONID: abcd…"), "{shown}");
        assert!(
            redact("Set-Cookie: JSESSIONID=; Max-Age=0; HttpOnly")
                .ends_with("JSESSIONID=; Max-Age=0; HttpOnly")
        );
    }
}
