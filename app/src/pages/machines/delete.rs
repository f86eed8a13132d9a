//! Delete a machine, with a typed confirmation and cluster_mgr's in-use rule told first.

use super::dialog::Dialog;
use super::Panel;
use crate::api::machines::{DeleteMachine, MachineRow};
use crate::domain::machine::MachineType;
use crate::i18n::*;
use crate::lang::fill;
use leptos::prelude::*;

/// Delete with a typed confirmation: the user types the IP address.
#[component]
pub(super) fn DeletePanel(
    m: MachineRow,
    panel: RwSignal<Panel>,
    on_job: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let delete = ServerAction::<DeleteMachine>::new();
    let host = m.hostaddr.clone();
    let kind = m.kind.map(MachineType::as_str).unwrap_or_default().to_owned();
    Effect::new(move |_| {
        if let Some(Ok(id)) = delete.value().get() {
            on_job.run(id);
        }
    });
    let matches = {
        let host = host.clone();
        move || typed.get().trim() == host
    };
    // The rule the server function decides by, told before anything is sent.
    let in_use =
        crate::domain::machine::check_delete(i18n.get_locale_untracked(), &host, m.ports_in_use)
            .err();
    let blocked = in_use.is_some();
    let error = move || match delete.value().get() {
        Some(Err(e)) => Some(e.message(i18n.get_locale_untracked())),
        _ => in_use.clone(),
    };
    let (h, k) = (host.clone(), kind.clone());
    view! {
        <Dialog title=fill!(tu_string!(i18n, machines.delete_machine_host), host = host) panel=panel>
            <p class="mb-2 text-sm">
                {tu_string!(i18n, machines.cluster_mgr_refuses_to_delete_a)}
            </p>
            <form novalidate class="flex flex-wrap items-end gap-3" on:submit=move |ev| {
                ev.prevent_default();
                delete.dispatch(DeleteMachine { hostaddr: h.clone(), machine_type: k.clone(), confirm: typed.get_untracked() });
            }>
                <label class="flex flex-col text-sm">
                    {fill!(tu_string!(i18n, machines.type_host), host = host)}
                    <input
                        class="rounded border border-slate-300 px-2 py-1 font-mono"
                        data-test="delete-confirm"
                        autocomplete="off"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                </label>
                <button
                    type="submit"
                    class="rounded bg-red-700 px-4 py-2 font-medium text-white disabled:opacity-40"
                    data-test="delete-submit"
                    disabled=move || blocked || !matches() || delete.pending().get()
                >
                    {tu_string!(i18n, common.delete)}
                </button>
            </form>
            <p class="mt-2 text-sm text-red-700" role="alert" data-test="delete-error">{error}</p>
        </Dialog>
    }
}
