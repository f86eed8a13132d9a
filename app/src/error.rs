//! The one error type that crosses the wire between server functions and the browser.
//!
//! Variants are what the UI can act on; causes of `Internal` stay in the server log.

use crate::domain::klustron::KlustronFailure;
use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No valid session: the user must log in (again).
    #[error("Not logged in, or the session has expired. Please log in.")]
    Unauthorized,
    /// Logged in, but the password must be changed before anything else is allowed.
    #[error("Password change required: change your password before doing anything else.")]
    PasswordChangeRequired,
    /// Wrong user name or password. Deliberately says nothing about which one.
    #[error("Wrong user name or password.")]
    BadCredentials,
    /// Logged in, but the user's role or grants do not allow this.
    #[error("Not allowed: {0}")]
    Forbidden(String),
    /// Too many failed logins for this name or from this address; nothing was checked.
    #[error("Too many failed logins. Try again in {retry_after_secs} s.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Input rejected; `field` names the form field the message belongs to.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// The request came from another site (CSRF defence) or the method is not allowed.
    #[error("Request refused: {0}")]
    Refused(String),
    /// A Klustron backend (metadata database or cluster_mgr) failed or refused: which,
    /// and why, in the backend's own words where it gave any.
    #[error("{0}")]
    Klustron(KlustronFailure),
    /// The console was started without METASEEDS, so it cannot reach Klustron.
    #[error("Klustron is not configured: start the console with METASEEDS (or --metaseeds).")]
    NotConfigured,
    /// The thing asked for does not exist (any more).
    #[error("Not found: {0}")]
    NotFound(String),
    /// Something failed on the server; details are in the server log only.
    #[error("Internal error on the server; the administrator can find details in its log.")]
    Internal,
    /// The request could not be sent, decoded or routed.
    #[error("Request failed: {0}")]
    Transport(String),
    /// The request body is larger than the console takes.
    #[error("The request is larger than {limit} bytes.")]
    PayloadTooLarge { limit: usize },
    /// The request's path is longer than the console answers.
    #[error("The address is too long.")]
    UriTooLong,
    /// The request named a host this console does not answer for (DNS rebinding).
    #[error("This console does not answer for the host {0}; open it by its address or a name it is configured for.")]
    MisdirectedHost(String),
    /// The server could not read the request's arguments (malformed encoding, missing or
    /// mistyped fields): the browser, or whoever sent it, made a mistake.
    #[error("Bad request: {0}")]
    BadRequest(String),
}

impl AppError {
    /// A validation error for one form field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation { field: field.to_owned(), message: message.into() }
    }

    /// The text the user reads, in `l`. (`Display` is the English text for logs and API
    /// clients.) Validation and Klustron texts were written by the server already in the
    /// request's language, or come from Klustron in its own words.
    pub fn message(&self, l: Locale) -> String {
        let t = |template: &str, detail: &str| fill!(template, detail = detail);
        match self {
            AppError::Unauthorized => td_string!(l, error.unauthorized).into(),
            AppError::PasswordChangeRequired => {
                td_string!(l, error.password_change_required).into()
            }
            AppError::BadCredentials => td_string!(l, error.bad_credentials).into(),
            AppError::Forbidden(why) => t(td_string!(l, error.forbidden), why),
            AppError::TooManyAttempts { retry_after_secs } => {
                fill!(td_string!(l, error.too_many_attempts), secs = retry_after_secs)
            }
            AppError::Validation { message, .. } => message.clone(),
            AppError::Klustron(f) => f.message(l),
            AppError::Refused(why) => t(td_string!(l, error.refused), why),
            AppError::NotConfigured => td_string!(l, error.not_configured).into(),
            AppError::NotFound(what) => t(td_string!(l, error.not_found), what),
            AppError::Internal => td_string!(l, error.internal).into(),
            AppError::Transport(why) => t(td_string!(l, error.transport), why),
            AppError::BadRequest(why) => t(td_string!(l, error.bad_request), why),
            AppError::PayloadTooLarge { limit } => {
                fill!(td_string!(l, error.payload_too_large), limit = limit)
            }
            AppError::UriTooLong => td_string!(l, error.uri_too_long).into(),
            AppError::MisdirectedHost(host) => {
                fill!(td_string!(l, error.misdirected_host), host = host)
            }
        }
    }

    /// The form field a validation error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// HTTP status the server answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::PasswordChangeRequired | AppError::Refused(_) | AppError::Forbidden(_) => 403,
            AppError::Validation { .. } => 422,
            AppError::NotFound(_) => 404,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Klustron(_) | AppError::NotConfigured => 502,
            AppError::BadRequest(_) => 400,
            AppError::PayloadTooLarge { .. } => 413,
            AppError::UriTooLong => 414,
            AppError::MisdirectedHost(_) => 421,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Raised on the server while reading a request: the sender's mistake.
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                AppError::BadRequest(m.chars().take(200).collect())
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "store error");
        AppError::Internal
    }
}
