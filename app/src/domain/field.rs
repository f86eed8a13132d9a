//! What every form shares: a problem reported against one field, and the small parsers
//! that turn typed text into numbers without trusting it.

use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// At most 40 characters of hostile input go back into a message.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Plain decimal digits only (no sign, no exponent, no spaces inside), at most 10.
pub fn digits(s: &str) -> Option<u64> {
    (!s.is_empty() && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A whole number in `lo..=hi`, or the message (in `l`) that says what is expected.
pub fn number_in(l: Locale, raw: &str, lo: u32, hi: u32, unit: &str) -> Result<u32, String> {
    let raw = raw.trim();
    match digits(raw) {
        Some(v) if v >= u64::from(lo) && v <= u64::from(hi) => Ok(v as u32),
        _ if raw.is_empty() => Err(td_string!(l, field.required).into()),
        _ => Err(range_message(l, lo, hi, unit)),
    }
}

/// "A whole number from `lo` to `hi` `unit`" in `l`.
pub fn range_message(l: Locale, lo: u32, hi: u32, unit: &str) -> String {
    if unit.is_empty() {
        fill!(td_string!(l, field.range), lo = lo, hi = hi)
    } else {
        fill!(td_string!(l, field.range_unit), lo = lo, hi = hi, unit = unit)
    }
}
