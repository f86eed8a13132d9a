//! An instance's variables through cluster_mgr's `get_variable` / `set_variable`
//! (answered at once). Names and values are checked by `domain::variables` before they
//! are sent; a set reads the value before and after, and audits both.

use klustron::jobs::{GetVariable, SetVariable};
use serde_json::Value;

use super::auth::{guard, CurrentSession};
use super::clusters::load;
use super::klustron::klustron;
use super::store::audit::Outcome;
use crate::backend::locale::request_locale;
use crate::domain::node_control::{Found, Instance, MachineType};
use crate::domain::variables::{self, VarChange, VarReading, VarValue};
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;

/// The instance `i` of cluster `cluster_id`, as cluster_mgr names it.
async fn found(cluster_id: i64, i: &Instance) -> Result<(Found, String), AppError> {
    let c = load(cluster_id).await?;
    let f = c.instance(i).map_err(|r| AppError::invalid("", r.message(request_locale())))?;
    let target =
        format!("{} {} in {} (cluster {})", f.machine_type, f.address(), c.confirm_word(), c.id);
    Ok((f, target))
}

/// One `get_variable`: the value, or `None` when the instance answered `result` false.
async fn get(user: &str, f: &Found, name: &str) -> Result<Option<String>, AppError> {
    let job = GetVariable { hostaddr: f.host.clone(), port: f.port, variable: name.to_owned() };
    let a = klustron()?.cluster_mgr.call(user, &job, true).await?;
    // Untrusted: only a string `value` beside `result: "true"` is a value.
    Ok(match (a.get("result").and_then(Value::as_str), a.get("value")) {
        (Some("true"), Some(Value::String(v))) => Some(v.chars().take(4096).collect()),
        _ => None,
    })
}

/// The variable `raw` names (or those its pattern matches) of instance `i`.
pub async fn read(
    who: &CurrentSession,
    cluster_id: i64,
    i: &Instance,
    raw: &str,
) -> Result<Vec<VarReading>, AppError> {
    let (f, _) = found(cluster_id, i).await?;
    // cluster_mgr holds its global lock while it waits on the instance: not on one that
    // the metadata says is not running.
    if f.status != crate::domain::node_control::ACTIVE {
        let l = request_locale();
        return Err(AppError::invalid(
            "",
            fill!(td_string!(l, variables.not_running), node = f.address()),
        ));
    }
    let storage = f.machine_type == MachineType::Storage;
    let names = variables::names(request_locale(), raw, storage)
        .map_err(|m| AppError::invalid("name", m))?;
    let pattern = names.len() > 1 || raw.contains('%');
    let mut out = Vec::new();
    for name in names {
        let value = get(&who.user_name, &f, &name).await?;
        // A pattern lists what the instance has; one name is listed whatever it answered.
        if value.is_some() || !pattern {
            out.push(VarReading { name, value });
        }
    }
    Ok(out)
}

/// Sets storage instance `i`'s variable `name` to `raw`: the value read before, the set,
/// the value read after; audited with both.
pub async fn set(
    who: &CurrentSession,
    cluster_id: i64,
    i: &Instance,
    name: &str,
    raw: &str,
) -> Result<VarChange, AppError> {
    let l = request_locale();
    let (f, target) = found(cluster_id, i).await?;
    if f.machine_type != MachineType::Storage {
        return Err(AppError::invalid("", td_string!(l, variables.compute_read_only)));
    }
    let name = match variables::names(l, name, true).map_err(|m| AppError::invalid("name", m))? {
        n if n.len() == 1 && !name.contains('%') => n[0].clone(),
        _ => return Err(AppError::invalid("name", td_string!(l, variables.bad_name))),
    };
    if !variables::settable(&name) {
        return Err(AppError::invalid(
            "name",
            fill!(td_string!(l, variables.not_settable), name = name),
        ));
    }
    let value = variables::value(l, raw).map_err(|m| AppError::invalid("value", m))?;
    let old = get(&who.user_name, &f, &name).await?.ok_or_else(|| {
        AppError::invalid("name", fill!(td_string!(l, variables.unreadable), name = name))
    })?;
    let job = match value {
        VarValue::Number(v) => SetVariable::unquoted(f.host.clone(), f.port, name.clone(), v),
        VarValue::Text(v) => SetVariable::quoted(f.host.clone(), f.port, name.clone(), v),
    };
    let asked = job.value.clone();
    let result = klustron()?.cluster_mgr.call(&who.user_name, &job, false).await;
    let accepted =
        matches!(&result, Ok(a) if a.get("result").and_then(Value::as_str) == Some("true"));
    let new = if accepted { get(&who.user_name, &f, &name).await.ok().flatten() } else { None };
    let (outcome, detail) = match (&result, &new) {
        (Ok(_), Some(new)) => (Outcome::Ok, format!("{name}: {old} -> {new}")),
        (Ok(_), None) if accepted => {
            (Outcome::Ok, format!("{name}: {old} -> {asked}: set, the new value not read back"))
        }
        (Ok(_), None) => {
            (Outcome::Failed, format!("{name}: {old} -> {asked}: refused by the instance"))
        }
        (Err(e), _) => (Outcome::Failed, format!("{name}: {old} -> {asked}: {e}")),
    };
    guard::audit(who, "set_variable", &target, outcome, &detail).await;
    result?;
    match new {
        Some(new) => Ok(VarChange { name, old, new }),
        None if accepted => {
            Err(AppError::invalid("", fill!(td_string!(l, variables.set_unread), name = name)))
        }
        None => {
            Err(AppError::invalid("value", fill!(td_string!(l, variables.not_set), name = name)))
        }
    }
}
