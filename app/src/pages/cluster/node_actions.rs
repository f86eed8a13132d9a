//! What can be done to an instance picked in the topology picture: the same actions as
//! its row offers (start / stop / restart, variables, CPU limit; for a primary the
//! shard's switchover, for a replica the shard's rebuild), each opening its dialog.

use super::*;

/// An instance found by its address.
struct Picked {
    instance: Instance,
    status: String,
    /// A storage node's shard, and whether it is the shard's primary.
    shard: Option<(ShardDetail, bool)>,
}

/// The instance at `address` (`host:port`): a storage node with its shard, or a compute
/// node.
fn find(c: &ClusterDetail, address: &str) -> Option<Picked> {
    for s in &c.shards {
        if let Some(n) = s.nodes.iter().find(|n| format!("{}:{}", n.hostaddr, n.port) == address) {
            let instance =
                Instance::Storage { shard_id: s.id, host: n.hostaddr.clone(), port: n.port };
            let shard = Some((s.clone(), n.primary));
            return Some(Picked { instance, status: n.status.clone(), shard });
        }
    }
    let n = c.comps.iter().find(|n| format!("{}:{}", n.hostaddr, n.pg_port) == address)?;
    let instance = Instance::Compute { comp_id: n.id };
    Some(Picked { instance, status: n.status.clone(), shard: None })
}

#[component]
pub(super) fn NodeActions(c: ClusterDetail, ctx: Ctx, address: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let Some(Picked { instance, status, shard }) = find(&c, &address) else {
        return ().into_any();
    };
    let role = match &shard {
        Some((s, true)) => format!("{} · {}", s.name, td_string!(l, common.primary)),
        Some((s, false)) => format!("{} · {}", s.name, td_string!(l, common.replica)),
        None => td_string!(l, cluster.compute_node).to_owned(),
    };
    view! {
        <section class="mt-3 max-w-2xl rounded border border-slate-300 bg-white p-3" role="dialog"
            aria-labelledby="node-actions-title" data-test="node-actions"
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="node-actions-title" class="font-semibold">
                <span class="font-mono">{address.clone()}</span> " · " {role} " · " {status.clone()}
            </h2>
            <div class="mt-2 flex flex-wrap items-center gap-2 text-sm">
                <ControlButtons instance=instance.clone() status=status ctx=ctx/>
                <VariablesButton instance=instance.clone() ctx=ctx/>
                <CpuButton instance=instance ctx=ctx/>
                {shard.map(|(s, primary)| if primary {
                    view! { <SwitchButton c=c.clone() shard_id=s.id ctx=ctx/> }.into_any()
                } else {
                    view! { <RebuildButton s=s ctx=ctx/> }.into_any()
                })}
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </section>
    }
    .into_any()
}
