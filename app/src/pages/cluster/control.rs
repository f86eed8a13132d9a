//! Starting, stopping or restarting one instance: the dialog says what else the change
//! does (the shard's primary, the last running compute node) and, for a stop or a
//! restart, asks for the instance's `host:port` typed back (the server checks both).

use super::*;
use crate::domain::node_control::{control_label, Instance, InstanceControl, ACTIVE};

/// The controls a row offers: a running instance can be stopped or restarted, any other
/// started.
pub(super) fn offered(status: &str) -> &'static [InstanceControl] {
    if status == ACTIVE {
        &[InstanceControl::Stop, InstanceControl::Restart]
    } else {
        &[InstanceControl::Start]
    }
}

/// The row's buttons, one per offered control.
#[component]
pub(super) fn ControlButtons(instance: Instance, status: String, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    offered(&status)
        .iter()
        .map(|&control| {
            let instance = instance.clone();
            view! {
                <button type="button" class="min-h-6 px-1 text-sky-800 underline"
                    data-test=format!("node-{control}")
                    on:click=move |_| ctx.panel.set(Panel::Control(instance.clone(), control))>
                    {control_label(l, control)}
                </button>
            }
        })
        .collect_view()
}

#[component]
pub(super) fn ControlDialog(
    c: ClusterDetail,
    ctx: Ctx,
    instance: Instance,
    control: InstanceControl,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let Ok(found) = c.instance(&instance) else {
        return ().into_any();
    };
    let what = match found.machine_type {
        MachineType::Storage => td_string!(l, cluster.storage_node),
        MachineType::Computer => td_string!(l, cluster.compute_node),
    };
    let title = fill!(
        td_string!(l, node_control.title),
        action = control_label(l, control),
        what = what,
        address = found.address()
    );
    let warning = c.control_warning(&instance, control).map(|w| w.message(l));
    let word = c.control_confirm_word(&instance, control);
    let typed = RwSignal::new(String::new());
    let field = NodeRef::new();
    focus_while_open(field);
    let storage = ServerAction::<ControlStorageNode>::new();
    let comp = ServerAction::<ControlCompNode>::new();
    let error = RwSignal::new(None::<AppError>);
    let result = Signal::derive(move || storage.value().get().or_else(|| comp.value().get()));
    follow_submission(ctx, result, error);
    let cluster_id = c.id;
    let submit = move |_| {
        let confirm = typed.get_untracked();
        let control = control.as_str().to_owned();
        match instance.clone() {
            Instance::Storage { shard_id, host, port } => {
                storage.dispatch(ControlStorageNode {
                    cluster_id,
                    shard_id,
                    hostaddr: host,
                    port,
                    control,
                    confirm,
                });
            }
            Instance::Compute { comp_id } => {
                comp.dispatch(ControlCompNode { cluster_id, comp_id, control, confirm });
            }
        }
    };
    let w = word.clone();
    let ready = move || w.as_ref().is_none_or(|w| confirmed(w, &typed.get()));
    let alert = control.interrupts();
    view! {
        <form class=if alert { "mt-3 max-w-xl rounded border border-amber-400 bg-amber-50 p-3" } else { "mt-3 max-w-xl rounded border border-slate-300 bg-white p-3" }
            role="alertdialog" aria-labelledby="control-title" data-test="control-dialog"
            on:submit=|ev| ev.prevent_default()
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="control-title" class="font-semibold">{title}</h2>
            {warning.map(|w| view! { <p class="mt-1 text-sm font-medium text-amber-900" data-test="control-warning">{w}</p> })}
            {match word.clone() {
                Some(word) => view! {
                    <TypeToConfirm prompt=tu_string!(i18n, node_control.interrupts) word=word typed=typed field=field/>
                }.into_any(),
                None => view! { <p class="text-sm">{tu_string!(i18n, node_control.start_note)}</p> }.into_any(),
            }}
            <p class="min-h-5 text-sm text-red-700" role="alert" data-test="control-error">{move || error.get().map(|e| e.message(i18n.get_locale_untracked()))}</p>
            <div class="flex gap-2">
                <button type="submit" class="rounded bg-sky-800 px-3 py-1 text-white disabled:opacity-40" data-test="control-submit"
                    disabled=move || !ready() || storage.pending().get() || comp.pending().get() on:click=submit>{control_label(l, control)}</button>
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </form>
    }
    .into_any()
}
