//! 计算机管理 Machines: the list with online status, filters and pages (all on the
//! server), the per-machine node view, and add / edit / delete through cluster_mgr jobs
//! whose progress is shown until they end.

use crate::api::machines::{list_machines, machine_instances};
use crate::api::machines::{
    AddMachine, DeleteMachine, EditMachine, InstanceRow, MachineListQuery, MachinePage, MachineRow,
};
use crate::components::job::JobBanner;
use crate::components::list::{ErrorBox, Pager};
use crate::domain::machine::{FieldError, MachineForm, MachineKind};
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use leptos::prelude::*;

/// What the side panel shows.
#[derive(Clone, PartialEq)]
enum Panel {
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
    match status {
        "running" => ("bg-green-100 text-green-800", td_string!(l, machines.online).into()),
        "idle" => ("bg-slate-200 text-slate-700", td_string!(l, common.idle).into()),
        "dead" => ("bg-red-100 text-red-800", td_string!(l, machines.offline).into()),
        other => ("bg-amber-100 text-amber-800", other.to_owned()),
    }
}

#[component]
fn Row(m: MachineRow, panel: RwSignal<Panel>) -> impl IntoView {
    let i18n = use_i18n();
    let (class, label) = status_badge(&m.status, i18n.get_locale_untracked());
    let kind = m.kind.map(|k| k.label(i18n.get_locale_untracked())).unwrap_or("?");
    let test_id =
        format!("machine-{}-{}", m.hostaddr, m.kind.map(MachineKind::as_str).unwrap_or("none"));
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

/// A dialog-like panel with a title and a close button; focus moves into it.
#[component]
fn Dialog(title: String, panel: RwSignal<Panel>, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section
            role="dialog"
            aria-modal="false"
            aria-labelledby="panel-title"
            class="mt-4 rounded-lg border border-slate-300 bg-white p-5 shadow"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    panel.set(Panel::None);
                }
            }
        >
            <div class="mb-3 flex items-center justify-between">
                <h2 id="panel-title" tabindex="-1" node_ref=heading class="text-lg font-semibold">{title}</h2>
                <button type="button" class="text-slate-500" aria-label=tu_string!(i18n, machines.close) on:click=move |_| panel.set(Panel::None)>
                    "✕"
                </button>
            </div>
            {children()}
        </section>
    }
}

/// A controlled text input with its error tied to it.
#[component]
fn Input(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] disabled: bool,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let error = move || errors.get().into_iter().find(|e| e.field == name).map(|e| e.message);
    view! {
        <div class="flex flex-col gap-1">
            <label for=name class="text-sm font-medium text-slate-700">{label}</label>
            <input
                id=name
                name=name
                class="rounded border border-slate-300 px-3 py-1.5 disabled:bg-slate-100 aria-[invalid=true]:border-red-500"
                disabled=disabled
                placeholder=placeholder
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=format!("{name}-error")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p id=format!("{name}-error") class="min-h-4 text-xs text-red-700" data-test=format!("{name}-error")>
                {error}
            </p>
        </div>
    }
}

/// Add (edit = None) or edit a machine. The shared rules run before anything is sent;
/// the server runs them again.
#[component]
fn MachineFormPanel(
    edit: Option<MachineRow>,
    panel: RwSignal<Panel>,
    on_job: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = edit.is_some();
    let e = edit.clone();
    let get =
        move |f: fn(&MachineRow) -> String| RwSignal::new(e.as_ref().map(f).unwrap_or_default());
    let hostaddr = get(|m| m.hostaddr.clone());
    let machine_type = get(|m| m.kind.map(|k| k.as_str().to_owned()).unwrap_or_default());
    let port_start = get(|m| m.port_range.split('-').next().unwrap_or_default().to_owned());
    let port_end = get(|m| m.port_range.split('-').nth(1).unwrap_or_default().to_owned());
    let datadir = get(|m| m.datadir.clone());
    let logdir = get(|m| m.logdir.clone());
    let wal_log_dir = get(|m| m.wal_log_dir.clone());
    let comp_datadir = get(|m| m.comp_datadir.clone());
    let total_mem = get(|m| m.mem_mb.to_string());
    let total_cpu_cores = get(|m| m.cpu_cores.to_string());
    let rack_id = get(|m| m.rack_id.clone());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let general = RwSignal::new(None::<String>);
    let add = ServerAction::<AddMachine>::new();
    let change = ServerAction::<EditMachine>::new();
    let pending = move || add.pending().get() || change.pending().get();

    // The server's answer: a job to follow, or an error to show by its field.
    Effect::new(move |_| {
        let outcome = if editing { change.value().get() } else { add.value().get() };
        match outcome {
            Some(Ok(id)) => on_job.run(id),
            Some(Err(AppError::Validation { field, message })) => {
                let field = FIELDS.iter().copied().find(|f| *f == field).unwrap_or("hostaddr");
                errors.set(vec![FieldError { field, message }]);
            }
            Some(Err(e)) => general.set(Some(e.message(i18n.get_locale_untracked()))),
            None => {}
        }
    });
    let on_type = move |ev| {
        let t = event_target_value(&ev);
        if let Some(k) = MachineKind::parse(&t) {
            let (a, b) = k.default_ports();
            port_start.set(a.to_string());
            port_end.set(b.to_string());
        }
        machine_type.set(t);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        general.set(None);
        let form = MachineForm {
            hostaddr: hostaddr.get_untracked(),
            machine_type: machine_type.get_untracked(),
            port_start: port_start.get_untracked(),
            port_end: port_end.get_untracked(),
            datadir: datadir.get_untracked(),
            logdir: logdir.get_untracked(),
            wal_log_dir: wal_log_dir.get_untracked(),
            comp_datadir: comp_datadir.get_untracked(),
            total_mem: total_mem.get_untracked(),
            total_cpu_cores: total_cpu_cores.get_untracked(),
            rack_id: rack_id.get_untracked(),
        };
        match form.validate(i18n.get_locale_untracked()) {
            Err(errs) => errors.set(errs),
            Ok(_) => {
                errors.set(Vec::new());
                if editing {
                    change.dispatch(EditMachine { form });
                } else {
                    add.dispatch(AddMachine { form });
                }
            }
        }
    };
    let title = match &edit {
        Some(m) => fill!(tu_string!(i18n, machines.edit_machine_host), host = m.hostaddr),
        None => tu_string!(i18n, common.add_machine).to_owned(),
    };
    let kind_error =
        move || errors.get().into_iter().find(|e| e.field == "machine_type").map(|e| e.message);
    view! {
        <Dialog title=title panel=panel>
            <form novalidate class="grid grid-cols-1 gap-x-4 gap-y-1 md:grid-cols-2" data-test="machine-form" on:submit=submit>
                <Input name="hostaddr" label=tu_string!(i18n, machines.ip_address) value=hostaddr errors=errors disabled=editing placeholder="10.0.0.11 or fe80::1"/>
                <div class="flex flex-col gap-1">
                    <label for="machine_type" class="text-sm font-medium text-slate-700">{tu_string!(i18n, machines.type_text)}</label>
                    <select
                        id="machine_type"
                        name="machine_type"
                        class="rounded border border-slate-300 px-3 py-1.5 disabled:bg-slate-100"
                        disabled=editing
                        aria-describedby="machine_type-error"
                        prop:value=move || machine_type.get()
                        on:change=on_type
                    >
                        <option value="">{tu_string!(i18n, machines.choose)}</option>
                        <option value="storage">{tu_string!(i18n, common.storage)}</option>
                        <option value="computer">{tu_string!(i18n, common.compute)}</option>
                    </select>
                    <p id="machine_type-error" class="min-h-4 text-xs text-red-700" data-test="machine_type-error">{kind_error}</p>
                </div>
                <Input name="port_start" label=tu_string!(i18n, machines.first_port) value=port_start errors=errors/>
                <Input name="port_end" label=tu_string!(i18n, machines.last_port) value=port_end errors=errors/>
                <Show when=move || machine_type.get() == "storage">
                    <Input name="datadir" label=tu_string!(i18n, machines.storage_data_dirs) value=datadir errors=errors placeholder="/data1;/data2"/>
                    <Input name="logdir" label=tu_string!(i18n, machines.log_dirs) value=logdir errors=errors/>
                    <Input name="wal_log_dir" label=tu_string!(i18n, machines.wal_dirs) value=wal_log_dir errors=errors/>
                </Show>
                <Show when=move || machine_type.get() == "computer">
                    <Input name="comp_datadir" label=tu_string!(i18n, machines.compute_data_dirs) value=comp_datadir errors=errors/>
                </Show>
                <Input name="total_mem" label=tu_string!(i18n, machines.memory_mb) value=total_mem errors=errors/>
                <Input name="total_cpu_cores" label=tu_string!(i18n, machines.cpu_cores) value=total_cpu_cores errors=errors/>
                <Input name="rack_id" label=tu_string!(i18n, machines.rack) value=rack_id errors=errors disabled=editing placeholder="0"/>
                <div class="col-span-full flex items-center gap-3">
                    <button
                        type="submit"
                        class="rounded bg-sky-700 px-4 py-2 font-medium text-white disabled:opacity-50"
                        data-test="machine-submit"
                        disabled=pending
                    >
                        {if editing { tu_string!(i18n, common.save) } else { tu_string!(i18n, machines.add) }}
                    </button>
                    <p class="text-sm text-red-700" role="alert" data-test="machine-form-error">{move || general.get()}</p>
                </div>
            </form>
        </Dialog>
    }
}

const FIELDS: [&str; 11] = [
    "hostaddr",
    "machine_type",
    "port_start",
    "port_end",
    "datadir",
    "logdir",
    "wal_log_dir",
    "comp_datadir",
    "total_mem",
    "total_cpu_cores",
    "rack_id",
];

/// Delete with a typed confirmation: the user types the IP address.
#[component]
fn DeletePanel(m: MachineRow, panel: RwSignal<Panel>, on_job: Callback<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let delete = ServerAction::<DeleteMachine>::new();
    let host = m.hostaddr.clone();
    let kind = m.kind.map(MachineKind::as_str).unwrap_or_default().to_owned();
    Effect::new(move |_| {
        if let Some(Ok(id)) = delete.value().get() {
            on_job.run(id);
        }
    });
    let matches = {
        let host = host.clone();
        move || typed.get().trim() == host
    };
    let error = move || match delete.value().get() {
        Some(Err(e)) => Some(e.message(i18n.get_locale_untracked())),
        _ => None,
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
                    disabled=move || !matches() || delete.pending().get()
                >
                    {tu_string!(i18n, common.delete)}
                </button>
            </form>
            <p class="mt-2 text-sm text-red-700" role="alert" data-test="delete-error">{error}</p>
        </Dialog>
    }
}

/// 节点视图: the instances on one host.
#[component]
fn NodesPanel(host: String, panel: RwSignal<Panel>) -> impl IntoView {
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
