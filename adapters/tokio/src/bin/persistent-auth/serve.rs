//! `persistent-auth serve`: the reference API server.

use crate::{ServeArgs, password};
use persistent_auth_tokio::{Server, ServerConfig, SystemClock, tls};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

pub(crate) async fn run(args: ServeArgs) -> ExitCode {
    let password = match password::read(args.password_env.as_deref(), &args.user) {
        Ok(password) => password,
        Err(code) => return code,
    };
    let mut config = ServerConfig::new(args.listen, &args.user, password);
    config.base_path = args.base;
    config.realm = args.realm;
    config.max_sessions = args.max_sessions;
    config.max_sessions_per_user = args.max_sessions_per_user;
    config.max_session_ttl_minutes = args.session_ttl_max;
    config.idle_timeout_minutes = args.idle_timeout;
    config.csrf_protection = args.csrf_protection;
    config.secure_cookie = !args.insecure_cookie;
    config.request_timeout = Duration::from_secs(args.request_timeout.max(1));
    config.max_connections = args.max_connections;
    config.log = !args.quiet;
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        match tls::server_config(cert, key) {
            Ok(tls) => config.tls = Some(tls),
            Err(e) => {
                eprintln!("persistent-auth serve: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    if config.tls.is_none() && !args.listen.ip().is_loopback() {
        eprintln!(
            "persistent-auth serve: warning: plain HTTP on a non-loopback address: passwords and session ids travel in the clear"
        );
    }
    let base = config.base_path.clone();
    let server = match Server::bind(config, Arc::new(SystemClock::new())).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("persistent-auth serve: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = server.local_addr().map_or_else(|_| args.listen.to_string(), |a| a.to_string());
    eprintln!("persistent-auth serve: listening on {scheme}://{addr}{base}");
    match server.run(shutdown_signal()).await {
        Ok(()) => {
            eprintln!("persistent-auth serve: stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("persistent-auth serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
