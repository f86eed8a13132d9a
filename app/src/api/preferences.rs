//! The user's own settings: the language of the console.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::*;
use leptos::prelude::*;

/// Makes `lang` (`en` or `zh-CN`) this browser's language and, for a logged-in user, the
/// user's language in every browser from the next login on (stored, audited). Callable
/// without a session, from the login page.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::backend::{app_state, auth::guard, store::audit::Outcome};
    let locale = crate::lang::parse_locale(&lang).ok_or_else(|| {
        AppError::invalid(
            "lang",
            td_string!(crate::backend::locale::request_locale(), lang.unknown),
        )
    })?;
    let session = guard::current_session();
    if let Some(s) = &session {
        let state = app_state()?;
        state.store.set_user_language(s.user_id, locale.as_str()).await?;
        guard::audit(s, "set_language", &s.user_name, Outcome::Ok, locale.as_str()).await;
    }
    // A form posted without JavaScript is sent back to its page by leptos_axum.
    super::auth::set_cookie(crate::backend::locale::language_cookie(locale));
    if session.is_none() {
        super::auth::set_cookie(crate::backend::locale::chosen_before_login_cookie(true));
    }
    Ok(())
}
