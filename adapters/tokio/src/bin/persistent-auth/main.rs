//! `persistent-auth`: see the documented procedure live (`demo`), run the reference server
//! (`serve`), or run a session against an engine (`session`).

mod demo;
mod password;
mod serve;
mod session;
mod trace;

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// HTTP authentication sessions as the oVirt / RHV engine API defines them: login with Basic and
/// `Prefer: persistent-auth`, reuse with the `JSESSIONID` cookie, logout without `Prefer`.
#[derive(Debug, Parser)]
#[command(name = "persistent-auth", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the reference server on 127.0.0.1 and run login, three reuses and logout against it,
    /// printing every request and response head.
    Demo,
    /// Run the reference API server: HEAD and GET on the base path answer 200 to authorised requests.
    Serve(ServeArgs),
    /// Log in to an API, reuse the session, log out; one line per phase.
    Session(SessionArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8443.
    #[arg(long)]
    listen: SocketAddr,
    /// The user name clients log in with.
    #[arg(long)]
    user: String,
    /// Environment variable holding the password (else it is asked for).
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// The API root, also the cookie's Path.
    #[arg(long, default_value = "/ovirt-engine/api")]
    base: String,
    /// The Basic realm in WWW-Authenticate.
    #[arg(long, default_value = "RESTAPI")]
    realm: String,
    /// At most this many sessions at once; more logins get 503.
    #[arg(long, default_value_t = 10_000)]
    max_sessions: usize,
    /// The largest Session-TTL honoured, in minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = persistent_auth::DEFAULT_MAX_SESSION_TTL_MINUTES)]
    session_ttl_max: u32,
    /// The idle timeout of sessions that ask for none, in minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = persistent_auth::DEFAULT_IDLE_TIMEOUT_MINUTES)]
    idle_timeout: u32,
    /// At most this many sessions per user.
    #[arg(long)]
    max_sessions_per_user: Option<std::num::NonZeroUsize>,
    /// Honour Prefer: csrf-protection.
    #[arg(long)]
    csrf_protection: bool,
    /// Certificate chain (PEM) for TLS.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Private key (PEM) for TLS.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Do not mark the session cookie Secure (plain HTTP to clients that refuse Secure cookies
    /// over it; the session id then travels in the clear).
    #[arg(long)]
    insecure_cookie: bool,
    /// Seconds a client has for each request before its connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    request_timeout: u64,
    /// At most this many connections at once.
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// Do not log a line per request.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, clap::Args)]
struct SessionArgs {
    /// The API URL, e.g. https://engine.example.com/ovirt-engine/api.
    url: String,
    /// The user name, e.g. admin@internal.
    #[arg(long)]
    user: String,
    /// Environment variable holding the password (else it is asked for).
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Reuse requests between login and logout.
    #[arg(long, default_value_t = 1)]
    requests: u32,
    /// Method of the login and reuse requests.
    #[arg(long, default_value = "HEAD", value_parser = ["HEAD", "GET"])]
    method: String,
    /// Path below the API URL for the reuse requests, e.g. /vms.
    #[arg(long, default_value = "")]
    path: String,
    /// Ask for this idle timeout at login (minutes, at least 1).
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u32).range(1..))]
    session_ttl: Option<u32>,
    /// Trust only the certificates in this PEM file (else the system's roots).
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Send the credentials on every request, as the oVirt v3 SDKs do.
    #[arg(long)]
    renew: bool,
    /// Ask for CSRF protection.
    #[arg(long)]
    csrf_protection: bool,
    /// Allow http:// to another machine (a Secure session cookie is then not sent back).
    #[arg(long)]
    insecure_plain_http: bool,
    /// Print every request and response head (credentials and session ids shortened).
    #[arg(long)]
    verbose: bool,
    /// Seconds to wait for the connection and for each answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("persistent-auth: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        match cli.command {
            Command::Demo => demo::run().await,
            Command::Serve(args) => serve::run(args).await,
            Command::Session(args) => session::run(args).await,
        }
    })
}
