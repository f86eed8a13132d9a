//! Login names: the same alphabet as XPanel's (`[A-Za-z0-9_]`), bounded length.

use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted login name.
pub const MAX_LEN: usize = 32;

/// A syntactically valid login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    #[error("The user name is empty.")]
    Empty,
    #[error("The user name is longer than {MAX_LEN} characters.")]
    TooLong,
    #[error("The user name may contain only letters, digits and '_'.")]
    BadCharacter,
}

impl UserNameError {
    /// The problem, in `l`, for the user.
    pub fn message(&self, l: Locale) -> String {
        match self {
            UserNameError::Empty => td_string!(l, user_name_rule.empty).into(),
            UserNameError::TooLong => fill!(td_string!(l, user_name_rule.too_long), n = MAX_LEN),
            UserNameError::BadCharacter => td_string!(l, user_name_rule.bad_character).into(),
        }
    }
}

impl UserName {
    pub fn parse(raw: &str) -> Result<Self, UserNameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(UserNameError::Empty);
        }
        if name.chars().count() > MAX_LEN {
            return Err(UserNameError::TooLong);
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(UserNameError::BadCharacter);
        }
        Ok(UserName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserName {
    type Error = UserNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UserName::parse(&s)
    }
}

impl From<UserName> for String {
    fn from(n: UserName) -> String {
        n.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_account_name_is_valid() {
        assert_eq!(UserName::parse("super_dba").unwrap().as_str(), "super_dba");
    }

    #[test]
    fn surrounding_spaces_are_trimmed() {
        assert_eq!(UserName::parse("  dba1 ").unwrap().as_str(), "dba1");
    }

    #[test]
    fn empty_long_and_hostile_names_are_rejected() {
        assert_eq!(UserName::parse(" "), Err(UserNameError::Empty));
        assert_eq!(UserName::parse(&"a".repeat(33)), Err(UserNameError::TooLong));
        for bad in ["a b", "x'--", "<script>", "名字", "a;b", "../etc"] {
            assert_eq!(UserName::parse(bad), Err(UserNameError::BadCharacter), "{bad}");
        }
    }
}
