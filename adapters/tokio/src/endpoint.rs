//! Where a session client connects: `http[s]://host[:port]/base/path`.

use std::fmt;
use std::net::IpAddr;

/// The scheme of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

/// A parsed API URL: scheme, host, port and the base path every request is relative to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: u16,
    base_path: String,
    host_header: String,
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError(String);

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EndpointError {}

impl Endpoint {
    /// Parses `http://host[:port][/path]` or `https://…`. An IPv6 host goes in brackets. No user
    /// info, query or fragment: credentials never go in URLs.
    ///
    /// # Errors
    ///
    /// [`EndpointError`] saying what is wrong.
    pub fn parse(url: &str) -> Result<Self, EndpointError> {
        let err = |what: &str| EndpointError(format!("{url:?}: {what}"));
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(err("the URL must start with http:// or https://"));
        };
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(err("credentials do not belong in the URL; use --user and --password-env"));
        }
        if path.contains(['?', '#']) || url.contains(char::is_whitespace) {
            return Err(err("the URL must not hold a query, a fragment or spaces"));
        }
        let default_port = if scheme == Scheme::Https { 443 } else { 80 };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| err("unclosed IPv6 bracket"))?;
            host.parse::<std::net::Ipv6Addr>().map_err(|_| err("not an IPv6 address"))?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().map_err(|_| err("bad port"))?,
                None if after.is_empty() => default_port,
                None => return Err(err("junk after the IPv6 address")),
            };
            (host.to_owned(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((host, p)) => (host.to_owned(), p.parse().map_err(|_| err("bad port"))?),
                None => (authority.to_owned(), default_port),
            }
        };
        if host.is_empty()
            || host.bytes().any(|b| !(b.is_ascii_alphanumeric() || b"-._:".contains(&b)))
        {
            return Err(err("bad host"));
        }
        let base_path = match path.trim_end_matches('/') {
            "" => "/".to_owned(),
            p => p.to_owned(),
        };
        let bracketed = if host.contains(':') { format!("[{host}]") } else { host.clone() };
        let host_header =
            if port == default_port { bracketed } else { format!("{bracketed}:{port}") };
        Ok(Self { scheme, host, port, base_path, host_header })
    }

    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host name or address (IPv6 without brackets).
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The base path, e.g. `/ovirt-engine/api`.
    #[must_use]
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The `Host` header value: the host, and the port unless it is the scheme's default.
    #[must_use]
    pub fn host_header(&self) -> &str {
        &self.host_header
    }

    /// Whether the host is this machine (`localhost` or a loopback address): traffic to it never
    /// leaves the machine, so a `Secure` cookie may go there in the clear, as browsers allow.
    #[must_use]
    pub fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_api_urls() {
        let e = Endpoint::parse("https://engine.example.com/ovirt-engine/api").unwrap();
        assert_eq!(
            (e.scheme(), e.host(), e.port(), e.base_path()),
            (Scheme::Https, "engine.example.com", 443, "/ovirt-engine/api")
        );
        assert_eq!(e.host_header(), "engine.example.com");
        assert!(!e.is_loopback());
        let e = Endpoint::parse("http://127.0.0.1:8080/ovirt-engine/api/").unwrap();
        assert_eq!(
            (e.port(), e.base_path(), e.host_header()),
            (8080, "/ovirt-engine/api", "127.0.0.1:8080")
        );
        assert!(e.is_loopback());
        let e = Endpoint::parse("https://[::1]:8443").unwrap();
        assert_eq!(
            (e.host(), e.port(), e.base_path(), e.host_header()),
            ("::1", 8443, "/", "[::1]:8443")
        );
        assert!(e.is_loopback());
        assert!(Endpoint::parse("http://LOCALHOST/api").unwrap().is_loopback());
    }

    #[test]
    fn refuses_what_is_not_an_api_url() {
        for bad in [
            "engine/api",
            "ftp://engine/api",
            "https://admin:pw@engine/api",
            "https://engine/api?x=1",
            "https://engine:port/api",
            "https://[::1/api",
            "https://",
            "https://en gine/api",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }
}
