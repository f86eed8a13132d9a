//! What `add_shards` and `add_comps` (and create_cluster, through them) share: the
//! refusal reply and `CheckMachineIplists`.

use klustron::jobs::MachineType;
use serde_json::json;

use super::{Checked, Engine, Setup};
use crate::codes::Code;
use crate::paras::Read;

/// A refused request: `{"error_code","error_info","rollback_flag":"0"}`, failed.
pub(super) async fn refuse(e: &Engine, id: i64, code: Code) -> Checked<Setup> {
    if let Err(err) = e.fail(id, code, json!({"rollback_flag": "0"})).await {
        tracing::error!(error = %err, "could not record a refusal");
    }
    Ok(Setup::Over)
}

/// `CheckMachineIplists` (`cluster_comm.cc`): every listed host has exactly one
/// `server_nodes` row of the type (whatever its `node_stats`).
pub(super) async fn registered(
    e: &Engine,
    ips: &[String],
    t: MachineType,
    code: Code,
) -> Result<(), Read> {
    for ip in ips {
        let n = e.store.machine_rows(ip, t, false).await.map_err(|_| Read::Refuse(code))?;
        if n != 1 {
            return Err(Read::Refuse(code));
        }
    }
    Ok(())
}
