//! Passwords come from an environment variable or a prompt, never from the command line (where
//! every user of the machine could read them in the process list).

use std::process::ExitCode;
use zeroize::Zeroizing;

/// The password from `$var`, or typed at a prompt without echo.
pub(crate) fn read(var: Option<&str>, user: &str) -> Result<Zeroizing<String>, ExitCode> {
    match var {
        Some(var) => match std::env::var(var) {
            Ok(password) => Ok(Zeroizing::new(password)),
            Err(_) => {
                eprintln!(
                    "persistent-auth: the environment variable {var} (--password-env) is not set"
                );
                Err(ExitCode::from(2))
            }
        },
        None => match rpassword::prompt_password(format!("password for {user}: ")) {
            Ok(password) => Ok(Zeroizing::new(password)),
            Err(e) => {
                eprintln!("persistent-auth: cannot read a password ({e}); use --password-env VAR");
                Err(ExitCode::from(2))
            }
        },
    }
}
