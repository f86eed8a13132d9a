//! argon2id hashing with one of OWASP's equally strong parameter sets (12 MiB, 3 passes,
//! 1 lane), always run on the blocking pool so a burst of logins cannot stall other
//! requests. Hashes made with other parameters (19 MiB, 2 passes before issue #18) still
//! verify: a PHC string carries its own.

use crate::backend::store::users::PasswordHash;
use crate::error::AppError;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use std::sync::OnceLock;

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet lists m=19 MiB t=2, m=12 MiB t=3, m=9 MiB t=4 and
    // m=7 MiB t=5 as equal defences. A login holds this memory while it hashes and the
    // allocator keeps some of it afterwards: 12 MiB with one more pass is the trade for a
    // console whose idle memory is a goal (40 MiB, #18) at about the same CPU time.
    let params = Params::new(12 * 1024, 3, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string.
pub async fn hash(password: &str) -> Result<PasswordHash, AppError> {
    let password = password.to_owned();
    run_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| PasswordHash(h.to_string()))
            .map_err(|e| {
                tracing::error!(error = %e, "argon2 hashing failed");
                AppError::Internal
            })
    })
    .await
}

/// Checks a password against a stored hash. With `None` (unknown user) it verifies against
/// a fixed dummy hash and fails, so unknown users take as long as wrong passwords.
pub async fn verify(password: &str, stored: Option<&PasswordHash>) -> Result<bool, AppError> {
    let password = password.to_owned();
    let (phc, known) = match stored {
        Some(h) => (h.0.clone(), true),
        None => (dummy_hash().to_owned(), false),
    };
    run_blocking(move || {
        let parsed = argon2::PasswordHash::new(&phc).map_err(|e| {
            tracing::error!(error = %e, "stored password hash is not a PHC string");
            AppError::Internal
        })?;
        let ok = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && known)
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"no such user: timing equaliser", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// How many argon2 computations may run at once: one core is always left to the rest of
/// the console, so a burst of logins queues instead of stalling every page
/// (bench/logins.py measures it).
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
    })
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let _slot = hashing_slots().acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(error = %e, "password task panicked");
        AppError::Internal
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let h = hash("Kunlun#2026").await.unwrap();
        assert!(h.0.starts_with("$argon2id$v=19$m=12288,t=3,p=1$"), "{}", h.0);
        assert!(verify("Kunlun#2026", Some(&h)).await.unwrap());
        assert!(!verify("kunlun#2026", Some(&h)).await.unwrap());
    }

    #[tokio::test]
    async fn a_hash_made_with_the_earlier_parameters_still_verifies() {
        let earlier = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(19 * 1024, 2, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut OsRng);
        let h = PasswordHash(earlier.hash_password(b"Kunlun#2026", &salt).unwrap().to_string());
        assert!(h.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", h.0);
        assert!(verify("Kunlun#2026", Some(&h)).await.unwrap());
        assert!(!verify("Kunlun#2025", Some(&h)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify("no such user: timing equaliser", None).await.unwrap());
    }
}
