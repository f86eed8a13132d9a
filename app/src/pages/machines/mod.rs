//! 计算机管理 Machines: the list with online status, filters and pages (all on the
//! server), the per-machine node view, and add / edit / delete through cluster_mgr jobs
//! whose progress is shown until they end.
mod delete;
mod dialog;
mod form;
mod nodes;

use crate::api::machines::list_machines;
use crate::api::machines::{MachineListQuery, MachinePage, MachineRow};
use crate::components::job::JobBanner;
use crate::components::list::{ErrorBox, Pager};
use crate::domain::machine::MachineType;
use crate::i18n::*;
use leptos::prelude::*;

use delete::DeletePanel;
use form::MachineFormPanel;
use nodes::NodesPanel;

/// What the side panel shows.
#[derive(Clone, PartialEq)]
pub(super) enum Panel {
    None,
    Add,
    Edit(MachineRow),
    Delete(MachineRow),
    Nodes(String),
}

#[component]
pub fn MachinesPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let sort = RwSignal::new(String::from("host"));
    let descending = RwSignal::new(false);
    let page = RwSignal::new(1u32);
    // Bumped when a job ends, so the list reloads.
    let reload = RwSignal::new(0u32);
    let panel = RwSignal::new(Panel::None);
    let job = RwSignal::new(None::<i64>);

    let query = move || MachineListQuery {
        search: search.get(),
        kind: kind.get(),
        status: status.get(),
        sort: sort.get(),
        descending: descending.get(),
        page: page.get(),
    };
    let machines = Resource::new(move || (query(), reload.get()), |(q, _)| list_machines(q));
    let on_job = Callback::new(move |id: i64| {
        job.set(Some(id));
        panel.set(Panel::None);
    });
    let on_job_end = Callback::new(move |_ok: bool| reload.update(|n| *n += 1));
    let sort_by = move |col: &'static str| {
        if sort.get_untracked() == col {
            descending.update(|d| *d = !*d);
        } else {
            sort.set(col.to_owned());
            descending.set(false);
        }
        page.set(1);
    };
    let header = move |col: &'static str, label: &'static str| {
        let mark = move || match (sort.get() == col, descending.get()) {
            (true, false) => " ▲",
            (true, true) => " ▼",
            _ => "",
        };
        view! {
            <th class="px-2 py-2 text-left" aria-sort=move || match (sort.get() == col, descending.get()) {
                (true, false) => "ascending",
                (true, true) => "descending",
                _ => "none",
            }>
                <button type="button" class="font-semibold hover:underline" on:click=move |_| sort_by(col)>
                    {label}{mark}
                </button>
            </th>
        }
    };

    view! {
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-xl font-semibold">{tu_string!(i18n, common.machines)}</h1>
            <button
                type="button"
                class="rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800"
                data-test="add-machine"
                on:click=move |_| panel.set(Panel::Add)
            >
                {tu_string!(i18n, machines.add_machine)}
            </button>
        </div>
        {move || job.get().map(|id| view! { <JobBanner id=id on_end=on_job_end/> })}
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                machines.await.map(|p| view! { <Counts page=p/> })
            })}
        </Transition>
        <form class="my-3 flex flex-wrap items-end gap-3" role="search" on:submit=|ev| ev.prevent_default()>
            <label class="flex flex-col text-sm">
                {tu_string!(i18n, machines.search_ip)}
                <input
                    type="search"
                    class="rounded border border-slate-300 px-2 py-1"
                    maxlength=45
                    data-test="machine-search"
                    prop:value=move || search.get()
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        page.set(1);
                    }
                />
            </label>
            <label class="flex flex-col text-sm">
                {tu_string!(i18n, machines.show_type)}
                <select
                    class="rounded border border-slate-300 px-2 py-1"
                    data-test="machine-kind-filter"
                    on:change=move |ev| {
                        kind.set(event_target_value(&ev));
                        page.set(1);
                    }
                >
                    <option value="">{tu_string!(i18n, common.all)}</option>
                    <option value="storage">{tu_string!(i18n, common.storage)}</option>
                    <option value="computer">{tu_string!(i18n, common.compute)}</option>
                </select>
            </label>
            <label class="flex flex-col text-sm">
                {tu_string!(i18n, machines.show_status)}
                <select
                    class="rounded border border-slate-300 px-2 py-1"
                    data-test="machine-status-filter"
                    on:change=move |ev| {
                        status.set(event_target_value(&ev));
                        page.set(1);
                    }
                >
                    <option value="">{tu_string!(i18n, common.all)}</option>
                    <option value="running">{tu_string!(i18n, machines.online)}</option>
                    <option value="idle">{tu_string!(i18n, common.idle)}</option>
                    <option value="dead">{tu_string!(i18n, machines.offline)}</option>
                </select>
            </label>
        </form>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match machines.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(p) => {
                        let pages = p.pages;
                        let rows = p.rows.clone();
                        view! {
                            <div class="overflow-x-auto rounded border border-slate-200 bg-white">
                                <table class="min-w-full text-sm" data-test="machine-table">
                                    <thead class="bg-slate-50">
                                        <tr>
                                            {header("host", tu_string!(i18n, machines.h_ip))}
                                            {header("type", tu_string!(i18n, machines.h_type))}
                                            <th class="px-2 py-2 text-left">{tu_string!(i18n, machines.port_range)}</th>
                                            <th class="px-2 py-2 text-left">{tu_string!(i18n, machines.used)}</th>
                                            <th class="px-2 py-2 text-left">{tu_string!(i18n, machines.installing)}</th>
                                            {header("status", tu_string!(i18n, common.status))}
                                            {header("cores", tu_string!(i18n, machines.h_cpu))}
                                            {header("memory", tu_string!(i18n, machines.h_memory))}
                                            {header("rack", tu_string!(i18n, machines.h_rack))}
                                            <th class="px-2 py-2 text-left">{tu_string!(i18n, machines.actions)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows
                                            .into_iter()
                                            .map(|m| view! { <Row m=m panel=panel/> })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                {(p.total == 0).then(|| view! {
                                    <p class="p-4 text-slate-500" data-test="no-machines">
                                        {tu_string!(i18n, machines.no_machines_match)}
                                    </p>
                                })}
                            </div>
                            <Pager page=page pages=pages total=p.total test_id="machine-pages"/>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
        {move || match panel.get() {
            Panel::None => ().into_any(),
            Panel::Add => view! { <MachineFormPanel edit=None panel=panel on_job=on_job/> }.into_any(),
            Panel::Edit(m) => view! { <MachineFormPanel edit=Some(m) panel=panel on_job=on_job/> }.into_any(),
            Panel::Delete(m) => view! { <DeletePanel m=m panel=panel on_job=on_job/> }.into_any(),
            Panel::Nodes(host) => view! { <NodesPanel host=host panel=panel/> }.into_any(),
        }}
    }
}

#[component]
fn Counts(page: MachinePage) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="mt-2 flex gap-4 text-sm" data-test="machine-counts">
            <span class="text-green-700">{tu_string!(i18n, machines.online)} " " {page.online}</span>
            <span class="text-slate-500">{tu_string!(i18n, common.idle)} " " {page.idle}</span>
            <span class="text-red-700">{tu_string!(i18n, machines.offline)} " " {page.offline}</span>
        </p>
    }
}

/// `running` → 在线 (green), `idle` → 不允许再装实例 (grey), `dead` → 离线 (red).
fn status_badge(status: &str, l: Locale) -> (&'static str, String) {
    use klustron_vocab::NodeStats;
    match NodeStats::parse(status) {
        NodeStats::Running => {
            ("bg-green-100 text-green-800", td_string!(l, machines.online).into())
        }
        NodeStats::Idle => ("bg-slate-200 text-slate-700", td_string!(l, common.idle).into()),
        NodeStats::Dead => ("bg-red-100 text-red-800", td_string!(l, machines.offline).into()),
        NodeStats::Unknown(other) => ("bg-amber-100 text-amber-800", other),
    }
}

#[component]
fn Row(m: MachineRow, panel: RwSignal<Panel>) -> impl IntoView {
    let i18n = use_i18n();
    let (class, label) = status_badge(&m.status, i18n.get_locale_untracked());
    let kind = m
        .kind
        .map(|k| crate::domain::machine::machine_type_label(i18n.get_locale_untracked(), k))
        .unwrap_or("?");
    let test_id =
        format!("machine-{}-{}", m.hostaddr, m.kind.map(MachineType::as_str).unwrap_or("none"));
    let (edit, delete, nodes) = (m.clone(), m.clone(), m.hostaddr.clone());
    view! {
        <tr class="border-t border-slate-100" data-test=test_id>
            <td class="px-2 py-1 font-mono">{m.hostaddr.clone()}</td>
            <td class="whitespace-nowrap px-2 py-1">{kind}</td>
            <td class="px-2 py-1 font-mono">{m.port_range.clone()}</td>
            <td class="max-w-40 truncate px-2 py-1 font-mono" title=m.used_ports.clone()>{m.used_ports.clone()}</td>
            <td class="max-w-40 truncate px-2 py-1 font-mono">{m.installing_ports.clone()}</td>
            <td class="px-2 py-1">
                <span class=format!("whitespace-nowrap rounded px-2 py-0.5 text-xs {class}") data-test="status">{label}</span>
            </td>
            <td class="px-2 py-1">{m.cpu_cores}</td>
            <td class="px-2 py-1">{format!("{} MB", m.mem_mb)}</td>
            <td class="px-2 py-1">{m.rack_id.clone()}</td>
            <td class="flex gap-2 whitespace-nowrap px-2 py-1">
                <button type="button" class="text-sky-700 underline" on:click=move |_| panel.set(Panel::Nodes(nodes.clone()))>
                    {tu_string!(i18n, machines.nodes)}
                </button>
                <button type="button" class="text-sky-700 underline" on:click=move |_| panel.set(Panel::Edit(edit.clone()))>
                    {tu_string!(i18n, machines.edit)}
                </button>
                <button type="button" class="text-red-700 underline" on:click=move |_| panel.set(Panel::Delete(delete.clone()))>
                    {tu_string!(i18n, common.delete)}
                </button>
            </td>
        </tr>
    }
}
