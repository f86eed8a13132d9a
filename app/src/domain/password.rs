//! The password rule. XPanel's is 8-12 characters with upper, lower, digit and special;
//! ours keeps every class but allows long passphrases (up to 128), because capping length
//! only weakens passwords.

use crate::i18n::*;
use crate::lang::fill;
use std::fmt;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 128;

/// What is wrong with a proposed new password. Each variant is a rule the UI lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRuleError {
    #[error("The password must have at least {MIN_LEN} characters.")]
    TooShort,
    #[error("The password must have at most {MAX_LEN} characters.")]
    TooLong,
    #[error("The password must not contain spaces or other whitespace.")]
    Whitespace,
    #[error("The password needs at least one lower-case letter.")]
    NoLower,
    #[error("The password needs at least one upper-case letter.")]
    NoUpper,
    #[error("The password needs at least one digit.")]
    NoDigit,
    #[error("The password needs at least one special character, such as !@#$%.")]
    NoSpecial,
    #[error("The new password must differ from the current one.")]
    SameAsOld,
    #[error("The password must not contain the user name.")]
    ContainsUserName,
    #[error("The two new passwords do not match.")]
    Mismatch,
}

impl PasswordRuleError {
    /// The rule, in `l`, for the user.
    pub fn message(self, l: Locale) -> String {
        use PasswordRuleError as E;
        match self {
            E::TooShort => fill!(td_string!(l, password_rule.too_short), n = MIN_LEN),
            E::TooLong => fill!(td_string!(l, password_rule.too_long), n = MAX_LEN),
            E::Whitespace => td_string!(l, password_rule.whitespace).into(),
            E::NoLower => td_string!(l, password_rule.no_lower).into(),
            E::NoUpper => td_string!(l, password_rule.no_upper).into(),
            E::NoDigit => td_string!(l, password_rule.no_digit).into(),
            E::NoSpecial => td_string!(l, password_rule.no_special).into(),
            E::SameAsOld => td_string!(l, password_rule.same_as_old).into(),
            E::ContainsUserName => td_string!(l, password_rule.contains_user_name).into(),
            E::Mismatch => td_string!(l, password_rule.mismatch).into(),
        }
    }
}

/// A new password that satisfies the rule. Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// Checks `new` (and its confirmation) against the rule for `user`, whose current
    /// password is `old`. Returns the first broken rule.
    pub fn parse(
        user: &str,
        old: &str,
        new: &str,
        confirm: &str,
    ) -> Result<Self, PasswordRuleError> {
        check_shape(new)?;
        if !user.is_empty() && new.to_lowercase().contains(&user.to_lowercase()) {
            return Err(PasswordRuleError::ContainsUserName);
        }
        if new == old {
            return Err(PasswordRuleError::SameAsOld);
        }
        if new != confirm {
            return Err(PasswordRuleError::Mismatch);
        }
        Ok(NewPassword(new.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl PasswordRuleError {
    /// A short fixed label for logs and the audit trail.
    pub fn audit_label(self) -> &'static str {
        match self {
            PasswordRuleError::TooShort => "rule: too short",
            PasswordRuleError::TooLong => "rule: too long",
            PasswordRuleError::Whitespace => "rule: whitespace",
            PasswordRuleError::NoLower => "rule: no lower-case letter",
            PasswordRuleError::NoUpper => "rule: no upper-case letter",
            PasswordRuleError::NoDigit => "rule: no digit",
            PasswordRuleError::NoSpecial => "rule: no special character",
            PasswordRuleError::SameAsOld => "rule: same as current",
            PasswordRuleError::ContainsUserName => "rule: contains user name",
            PasswordRuleError::Mismatch => "rule: confirmation differs",
        }
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The rules that depend on the password alone (length and character classes).
pub fn check_shape(p: &str) -> Result<(), PasswordRuleError> {
    let len = p.chars().count();
    if len < MIN_LEN {
        return Err(PasswordRuleError::TooShort);
    }
    if len > MAX_LEN {
        return Err(PasswordRuleError::TooLong);
    }
    if p.chars().any(char::is_whitespace) {
        return Err(PasswordRuleError::Whitespace);
    }
    if !p.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(PasswordRuleError::NoLower);
    }
    if !p.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(PasswordRuleError::NoUpper);
    }
    if !p.chars().any(|c| c.is_ascii_digit()) {
        return Err(PasswordRuleError::NoDigit);
    }
    if p.chars().all(char::is_alphanumeric) {
        return Err(PasswordRuleError::NoSpecial);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use PasswordRuleError::*;

    fn parse(new: &str) -> Result<NewPassword, PasswordRuleError> {
        NewPassword::parse("super_dba", "super_dba", new, new)
    }

    #[test]
    fn a_password_with_every_class_is_accepted() {
        assert!(parse("Kunlun#2026").is_ok());
    }

    #[test]
    fn each_missing_class_is_named() {
        assert_eq!(parse("Ab1!").unwrap_err(), TooShort);
        assert_eq!(parse(&format!("Ab1!{}", "x".repeat(MAX_LEN))).unwrap_err(), TooLong);
        assert_eq!(parse("Kunlun #2026").unwrap_err(), Whitespace);
        assert_eq!(parse("KUNLUN#2026").unwrap_err(), NoLower);
        assert_eq!(parse("kunlun#2026").unwrap_err(), NoUpper);
        assert_eq!(parse("Kunlun#abcd").unwrap_err(), NoDigit);
        assert_eq!(parse("Kunlun2026").unwrap_err(), NoSpecial);
    }

    #[test]
    fn the_default_password_cannot_be_kept_or_contain_the_name() {
        assert_eq!(parse("Super_dba1!").unwrap_err(), ContainsUserName);
        let same = NewPassword::parse("admin", "Kunlun#2026", "Kunlun#2026", "Kunlun#2026");
        assert_eq!(same.unwrap_err(), SameAsOld);
    }

    #[test]
    fn the_confirmation_must_match() {
        let r = NewPassword::parse("super_dba", "super_dba", "Kunlun#2026", "Kunlun#2027");
        assert_eq!(r.unwrap_err(), Mismatch);
    }

    #[test]
    fn debug_output_hides_the_secret() {
        assert!(!format!("{:?}", parse("Kunlun#2026").unwrap()).contains("Kunlun"));
    }
}
