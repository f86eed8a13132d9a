//! An instance's variables (a node's row › variables): read one by name or several by a
//! `%` pattern; on a storage node, set one, its current value shown beside the new one
//! before applying and both shown after (the server reads them again around the set).

use super::*;
use crate::api::variables::{ReadVariables, SetVariable, VarReading};

#[component]
pub(super) fn VariablesButton(instance: Instance, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="min-h-6 px-1 text-sky-800 underline" data-test="node-variables"
            on:click=move |_| ctx.panel.set(Panel::Variables(instance.clone()))>{tu_string!(i18n, variables.button)}</button>
    }
}

#[component]
pub(super) fn VariablesDialog(c: ClusterDetail, ctx: Ctx, instance: Instance) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let Ok(found) = c.instance(&instance) else {
        return ().into_any();
    };
    let storage = found.machine_type == MachineType::Storage;
    let cluster_id = c.id;
    let (shard_id, hostaddr, port, comp_id) = instance.fields();
    let name = RwSignal::new(String::new());
    let set_name = RwSignal::new(String::new());
    let set_value = RwSignal::new(String::new());
    let read = ServerAction::<ReadVariables>::new();
    let apply = ServerAction::<SetVariable>::new();
    let readings = RwSignal::new(Vec::<VarReading>::new());
    Effect::new(move |_| {
        if let Some(Ok(r)) = read.value().get() {
            readings.set(r);
        }
    });
    // The value of the variable being set, as last read.
    let current = move || {
        let n = set_name.get();
        readings.get().into_iter().find(|r| r.name == n).and_then(|r| r.value)
    };
    let field = NodeRef::new();
    focus_while_open(field);
    let h = hostaddr.clone();
    let do_read = move || {
        read.dispatch(ReadVariables {
            cluster_id,
            shard_id,
            hostaddr: h.clone(),
            port,
            comp_id,
            name: name.get_untracked(),
        });
    };
    let h2 = hostaddr.clone();
    view! {
        <section class="mt-3 max-w-2xl rounded border border-slate-300 bg-white p-3" role="dialog"
            aria-labelledby="variables-title" data-test="variables-dialog"
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="variables-title" class="font-semibold">{fill!(td_string!(l, variables.title), node = found.address())}</h2>
            <form class="mt-2 flex flex-wrap items-end gap-2 text-sm" data-test="variables-read-form"
                on:submit=move |ev| { ev.prevent_default(); do_read(); }>
                <label class="flex flex-col">{td_string!(l, variables.name)}
                    <input class="w-72 rounded border px-2 py-1 font-mono" data-test="variables-name" node_ref=field
                        autocomplete="off" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="rounded border px-3 py-1 disabled:opacity-40" data-test="variables-read"
                    disabled=move || read.pending().get()>{td_string!(l, variables.read)}</button>
                <p class="basis-full min-h-5 text-red-700" role="alert" data-test="variables-error">
                    {move || read.value().get().and_then(Result::err).map(|e| e.message(l))}
                </p>
            </form>
            <table class="mt-1 text-sm" data-test="variables-table">
                <tbody>
                    {move || readings.get().into_iter().map(|r| {
                        let n = r.name.clone();
                        view! {
                            <tr class="border-t border-slate-100" data-test="variable-row" data-name=r.name.clone()>
                                <td class="px-2 py-1 font-mono">{r.name.clone()}</td>
                                <td class="px-2 font-mono" data-test="variable-value">{r.value.clone().unwrap_or_else(|| td_string!(l, variables.unanswered).to_owned())}</td>
                                <td class="px-2">{(storage && r.value.is_some()).then(|| view! {
                                    <button type="button" class="underline" data-test="variable-edit"
                                        on:click=move |_| { set_name.set(n.clone()); set_value.set(String::new()); }>{td_string!(l, variables.set_title)}</button>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {if storage {
                view! {
                    <form class="mt-3 flex flex-wrap items-end gap-2 text-sm" data-test="variables-set-form"
                        on:submit=|ev| ev.prevent_default()>
                        <h3 class="basis-full font-medium">{td_string!(l, variables.set_title)}</h3>
                        <label class="flex flex-col">{td_string!(l, variables.name)}
                            <input class="w-60 rounded border px-2 py-1 font-mono" data-test="variables-set-name" autocomplete="off"
                                prop:value=move || set_name.get() on:input=move |ev| set_name.set(event_target_value(&ev))/>
                        </label>
                        <label class="flex flex-col">{td_string!(l, variables.new_value)}
                            <input class="w-40 rounded border px-2 py-1 font-mono" data-test="variables-set-value" autocomplete="off"
                                prop:value=move || set_value.get() on:input=move |ev| set_value.set(event_target_value(&ev))/>
                        </label>
                        <button type="submit" class="rounded bg-sky-800 px-3 py-1 text-white disabled:opacity-40" data-test="variables-apply"
                            disabled=move || apply.pending().get() || set_name.get().trim().is_empty()
                            on:click=move |_| {
                                apply.dispatch(SetVariable {
                                    cluster_id, shard_id, hostaddr: h2.clone(), port, comp_id,
                                    name: set_name.get_untracked(), value: set_value.get_untracked(),
                                });
                            }>{td_string!(l, variables.apply)}</button>
                        <p class="basis-full text-slate-700" data-test="variables-current">
                            {move || current().map(|v| fill!(td_string!(l, variables.current), value = v))}
                        </p>
                        <p class="basis-full min-h-5" role="status">
                            {move || match apply.value().get() {
                                Some(Ok(ch)) => view! { <span class="text-green-800" data-test="variables-changed">{fill!(td_string!(l, variables.changed), name = ch.name, old = ch.old, new = ch.new)}</span> }.into_any(),
                                Some(Err(e)) => view! { <span class="text-red-700" data-test="variables-set-error">{e.message(l)}</span> }.into_any(),
                                None => ().into_any(),
                            }}
                        </p>
                    </form>
                }.into_any()
            } else {
                view! { <p class="mt-2 text-sm text-slate-600" data-test="variables-read-only">{td_string!(l, variables.compute_read_only)}</p> }.into_any()
            }}
            <button type="button" class="mt-1 rounded border px-3 py-1 text-sm" on:click=move |_| ctx.panel.set(Panel::None)>{td_string!(l, variables.close)}</button>
        </section>
    }
    .into_any()
}
