//! Add or edit a machine: the shared rules run in the browser before anything is sent.

use super::dialog::{Dialog, Input};
use super::Panel;
use crate::api::machines::{AddMachine, EditMachine, MachineRow};
use crate::domain::machine::{FieldError, MachineForm, MachineType};
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use leptos::prelude::*;

/// Add (edit = None) or edit a machine. The shared rules run before anything is sent;
/// the server runs them again.
#[component]
pub(super) fn MachineFormPanel(
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
        if let Some(k) = MachineType::parse(&t) {
            let (a, b) = k.default_port_range();
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
