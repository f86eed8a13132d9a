//! An instance's CPU limit (a node's row › CPU, cluster_mgr 1.1+): cores and mode, sent
//! as a job the page's banner follows; the row shows the new count when it ends.

use super::*;
use crate::api::instances::SetCpuLimit;

#[component]
pub(super) fn CpuButton(instance: Instance, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    // cluster_mgr 1.0 has no update_instance_cgroup: said before it would answer 70001.
    let why = move || (!ctx.supported.get()).then(|| td_string!(l, cpu_limit.needs_1_1));
    view! {
        <button type="button" class="min-h-6 px-1 text-sky-800 underline disabled:text-slate-400 disabled:no-underline"
            data-test="node-cpu" disabled=move || why().is_some() title=move || why().unwrap_or_default()
            on:click=move |_| ctx.panel.set(Panel::Cpu(instance.clone()))>{tu_string!(i18n, cpu_limit.button)}</button>
    }
}

#[component]
pub(super) fn CpuDialog(c: ClusterDetail, ctx: Ctx, instance: Instance) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let Ok(found) = c.instance(&instance) else {
        return ().into_any();
    };
    let now = match &instance {
        Instance::Storage { shard_id, host, port } => c
            .shard(*shard_id)
            .and_then(|s| s.nodes.iter().find(|n| &n.hostaddr == host && n.port == *port))
            .map(|n| n.cpu_cores),
        Instance::Compute { comp_id } => {
            c.comps.iter().find(|n| n.id == *comp_id).map(|n| n.cpu_cores)
        }
    }
    .unwrap_or(0);
    let cores = RwSignal::new(if now > 0 { now.to_string() } else { String::new() });
    let mode = RwSignal::new("quota".to_owned());
    let action = ServerAction::<SetCpuLimit>::new();
    let error = RwSignal::new(None::<AppError>);
    follow_submission(ctx, Signal::derive(move || action.value().get()), error);
    let field = NodeRef::new();
    focus_while_open(field);
    let cluster_id = c.id;
    let (shard_id, hostaddr, port, comp_id) = instance.fields();
    view! {
        <form class="mt-3 max-w-xl rounded border border-slate-300 bg-white p-3" role="dialog"
            aria-labelledby="cpu-title" data-test="cpu-dialog" on:submit=|ev| ev.prevent_default()
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="cpu-title" class="font-semibold">{fill!(td_string!(l, cpu_limit.title), node = found.address())}</h2>
            <p class="text-sm text-slate-700">{fill!(td_string!(l, cpu_limit.now), cores = now)}</p>
            <div class="mt-2 flex flex-wrap items-end gap-3 text-sm">
                <label class="flex flex-col">{td_string!(l, cpu_limit.cores)}
                    <input class="w-24 rounded border px-2 py-1" data-test="cpu-cores" inputmode="numeric" node_ref=field
                        prop:value=move || cores.get() on:input=move |ev| cores.set(event_target_value(&ev))/>
                </label>
                <fieldset class="flex flex-col gap-1">
                    <legend>{td_string!(l, cpu_limit.mode)}</legend>
                    <label class="flex items-center gap-2">
                        <input type="radio" name="cpu-mode" value="quota" checked=true data-test="cpu-quota"
                            on:change=move |_| mode.set("quota".into())/>
                        {td_string!(l, cpu_limit.quota)}
                    </label>
                    <label class="flex items-center gap-2">
                        <input type="radio" name="cpu-mode" value="share" data-test="cpu-share"
                            on:change=move |_| mode.set("share".into())/>
                        {td_string!(l, cpu_limit.share)}
                    </label>
                </fieldset>
            </div>
            <p class="min-h-5 text-sm text-red-700" role="alert" data-test="cpu-error">{move || error.get().map(|e| e.message(l))}</p>
            <div class="flex gap-2">
                <button type="submit" class="rounded bg-sky-800 px-3 py-1 text-white disabled:opacity-40" data-test="cpu-submit"
                    disabled=move || action.pending().get()
                    on:click=move |_| {
                        action.dispatch(SetCpuLimit {
                            cluster_id, shard_id, hostaddr: hostaddr.clone(), port, comp_id,
                            cores: cores.get_untracked(), mode: mode.get_untracked(),
                        });
                    }>{td_string!(l, cpu_limit.save)}</button>
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </form>
    }
    .into_any()
}
