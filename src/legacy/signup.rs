//! `PUT /sign-up`: the old validation rules and messages, plus the service's password policy;
//! the account is a normal sharify account (argon2id), usable on `/v1` too.

use axum::http::StatusCode;

use super::respond::{LegacyBody, LegacyError};
use crate::{
    app::AppState,
    auth::password::check_password_policy,
    users::service::{create_account, parse_display_name, Username},
};

/// `^[A-Za-z][A-Za-z0-9_]{7,29}$`
fn valid_username(u: &str) -> bool {
    let mut chars = u.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && (8..=30).contains(&u.len())
}

/// 8–32 characters with at least one digit, one lowercase and one uppercase letter.
fn valid_password(p: &str) -> bool {
    (8..=32).contains(&p.chars().count())
        && p.chars().any(|c| c.is_ascii_digit())
        && p.chars().any(|c| c.is_ascii_lowercase())
        && p.chars().any(|c| c.is_ascii_uppercase())
}

/// Signs a user up under the legacy rules.
pub async fn sign_up(state: &AppState, body: &LegacyBody, addr: Option<&str>) -> Result<(), LegacyError> {
    let (username, password, name) = (body.field("username"), body.field("password"), body.field("name"));
    if username.is_empty() || password.is_empty() || name.is_empty() {
        return Err(LegacyError::bad_request("Username, password and name should be non-empty"));
    }
    let taken = || LegacyError::conflict("Username already exists");
    // The inputs are checked before anything is looked up, so a request that could never create
    // an account learns nothing about which usernames exist (the old service answered 409 first).
    if !valid_username(&username) {
        return Err(LegacyError::bad_request("Invalid Username"));
    }
    // The old rules, and the service's own (length, not a common password), like every sign-up.
    if !valid_password(&password) || check_password_policy(&password, &username).is_err() {
        return Err(LegacyError::bad_request("Invalid Password"));
    }
    let display_name = parse_display_name(&name).map_err(|e| LegacyError::bad_request(e.message))?;
    let username = Username::parse(&username)?;
    match create_account(state, username, password, display_name, addr).await {
        Ok(_) => Ok(()),
        Err(e) if e.status == StatusCode::CONFLICT => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_username_and_password_rules() {
        assert!(valid_username("johnsmith") && valid_username("J1234567") && valid_username(&"a".repeat(30)));
        assert!(!valid_username("john") && !valid_username("1johnsmith") && !valid_username("john.smith"));
        assert!(!valid_username(&"a".repeat(31)) && !valid_username("jöhnsmith"));
        assert!(valid_password("Passw0rd") && valid_password(&format!("Aa1{}", "x".repeat(29))));
        assert!(!valid_password("password1") && !valid_password("PASSWORD1") && !valid_password("Password"));
        assert!(!valid_password("Pa1") && !valid_password(&format!("Aa1{}", "x".repeat(30))));
    }
}
