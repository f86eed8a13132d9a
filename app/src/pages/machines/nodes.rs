//! 节点视图: the storage and compute instances on one host.

use super::dialog::Dialog;
use super::Panel;
use crate::api::machines::{machine_instances, InstanceRow};
use crate::components::list::ErrorBox;
use crate::i18n::*;
use crate::lang::fill;
use leptos::prelude::*;

/// 节点视图: the instances on one host.
#[component]
pub(super) fn NodesPanel(host: String, panel: RwSignal<Panel>) -> impl IntoView {
    let i18n = use_i18n();
    let h = host.clone();
    let nodes = Resource::new(move || h.clone(), machine_instances);
    view! {
        <Dialog title=fill!(tu_string!(i18n, machines.instances_on), host = host) panel=panel>
            <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match nodes.await {
                        Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p data-test="no-instances">{tu_string!(i18n, machines.no_instances_on_this_machine)}</p>
                        }.into_any(),
                        Ok(list) => view! { <InstanceTable list=list/> }.into_any(),
                    }
                })}
            </Transition>
        </Dialog>
    }
}

#[component]
fn InstanceTable(list: Vec<InstanceRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="min-w-full text-sm" data-test="instance-table">
            <thead class="bg-slate-50">
                <tr>
                    <th class="px-2 py-1 text-left">{tu_string!(i18n, machines.kind)}</th>
                    <th class="px-2 py-1 text-left">{tu_string!(i18n, machines.cluster)}</th>
                    <th class="px-2 py-1 text-left">{tu_string!(i18n, machines.shard_node)}</th>
                    <th class="px-2 py-1 text-left">{tu_string!(i18n, common.port)}</th>
                    <th class="px-2 py-1 text-left">{tu_string!(i18n, common.role)}</th>
                    <th class="px-2 py-1 text-left">{tu_string!(i18n, common.status)}</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|i| view! {
                        <tr class="border-t border-slate-100">
                            <td class="px-2 py-1">{i.kind}</td>
                            <td class="px-2 py-1">{i.cluster}</td>
                            <td class="px-2 py-1">{i.part}</td>
                            <td class="px-2 py-1 font-mono">{i.port}</td>
                            <td class="px-2 py-1">{i.role}</td>
                            <td class="px-2 py-1">{i.status}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
