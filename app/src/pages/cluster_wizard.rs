//! 新增集群 The cluster creation wizard: basics, topology, resources, review.
//!
//! The draft lives in the browser and is saved to `localStorage` on every change (the
//! compute-node password excepted: it is never written to disk), so a reload mid-wizard
//! comes back to the same step with the same values. Each step is checked with the same
//! rules the server runs at submit (`domain::cluster`); the review step asks the server
//! for the placement preview and the pre-checks against the metadata as it is now.

use crate::api::cluster_create::{
    offered_machines, plan_cluster, ClusterPlan, CreateCluster, OfferedMachine,
};
use crate::components::list::ErrorBox;
use crate::components::topology::{Topology, TopologyView};
use crate::domain::cluster::{ha_mode_label, ClusterDraft, WizardStep, HA_MODES};
use crate::domain::field::FieldError;
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use crate::paths;
use leptos::prelude::*;

/// Where the draft is kept between reloads.
const DRAFT_KEY: &str = "xpanel.cluster-draft";

#[derive(Clone, Copy)]
struct Wizard {
    draft: RwSignal<ClusterDraft>,
    step: RwSignal<WizardStep>,
    errors: RwSignal<Vec<FieldError>>,
}

impl Wizard {
    fn error(&self, field: &'static str) -> Signal<Option<String>> {
        let errors = self.errors;
        Signal::derive(move || {
            errors.with(|e| e.iter().find(|e| e.field == field).map(|e| e.message.clone()))
        })
    }
}

#[component]
pub fn ClusterWizardPage() -> impl IntoView {
    let i18n = use_i18n();
    let w = Wizard {
        draft: RwSignal::new(ClusterDraft::default()),
        step: RwSignal::new(WizardStep::Basics),
        errors: RwSignal::new(vec![]),
    };
    keep_draft(w);
    let machines = Resource::new(|| (), |_| offered_machines());
    let next = move |_| {
        let step = w.step.get_untracked();
        let problems: Vec<FieldError> = w
            .draft
            .with_untracked(|d| d.problems_up_to(i18n.get_locale_untracked(), step))
            .into_iter()
            .filter(|e| WizardStep::of_field(e.field) == step)
            .collect();
        let ok = problems.is_empty();
        w.errors.set(problems);
        if ok {
            w.step.set(WizardStep::ALL[(step.number()).min(3)]);
        }
    };
    let back = move |_| {
        w.errors.set(vec![]);
        let n = w.step.get_untracked().number();
        w.step.set(WizardStep::ALL[n.saturating_sub(2)]);
    };
    view! {
        <p class="text-sm"><a class="text-sky-700 underline" href=paths::CLUSTERS>{tu_string!(i18n, common.clusters)}</a></p>
        <h1 class="mt-2 text-xl font-semibold">{tu_string!(i18n, cluster_wizard.create_a_cluster)}</h1>
        <ol class="my-4 flex flex-wrap gap-2 text-sm" aria-label=tu_string!(i18n, common.steps)>
            {WizardStep::ALL
                .into_iter()
                .map(|s| {
                    view! {
                        <li
                            class="rounded-full border px-3 py-1 aria-[current=step]:border-sky-600 aria-[current=step]:bg-sky-50 aria-[current=step]:font-semibold"
                            aria-current=move || (w.step.get() == s).then_some("step")
                        >
                            {format!("{}. {}", s.number(), s.label(i18n.get_locale_untracked()))}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        <form
            class="max-w-3xl rounded border border-slate-200 bg-white p-4"
            data-test="cluster-wizard"
            data-step=move || w.step.get().number()
            on:submit=|ev| ev.prevent_default()
        >
            {move || match w.step.get() {
                WizardStep::Basics => view! { <Basics w=w/> }.into_any(),
                WizardStep::Topology => view! { <Topology w=w machines=machines/> }.into_any(),
                WizardStep::Resources => view! { <Resources w=w/> }.into_any(),
                WizardStep::Review => view! { <Review w=w/> }.into_any(),
            }}
            <div class="mt-4 flex gap-3">
                <Show when=move || { w.step.get() != WizardStep::Basics }>
                    <button type="button" class="rounded border px-3 py-1" data-test="wizard-back" on:click=back>
                        {tu_string!(i18n, cluster_wizard.back)}
                    </button>
                </Show>
                <Show when=move || { w.step.get() != WizardStep::Review }>
                    <button
                        type="submit"
                        class="rounded bg-sky-700 px-3 py-1 text-white"
                        data-test="wizard-next"
                        on:click=next
                    >
                        {tu_string!(i18n, cluster_wizard.next)}
                    </button>
                </Show>
            </div>
        </form>
    }
}

/// Loads the saved draft once in the browser and saves every change after that.
fn keep_draft(w: Wizard) {
    #[cfg(feature = "hydrate")]
    {
        let storage = || web_sys::window().and_then(|win| win.local_storage().ok().flatten());
        let loaded = StoredValue::new(false);
        Effect::new(move |_| {
            let draft = w.draft.get();
            let step = w.step.get();
            let Some(store) = storage() else { return };
            if !loaded.get_value() {
                loaded.set_value(true);
                let saved = store.get_item(DRAFT_KEY).ok().flatten();
                if let Some((d, s)) =
                    saved.and_then(|t| serde_json::from_str::<(ClusterDraft, WizardStep)>(&t).ok())
                {
                    w.draft.set(d);
                    w.step.set(s);
                }
                return;
            }
            // The password stays in memory only.
            let kept = ClusterDraft { computer_password: String::new(), ..draft };
            if let Ok(text) = serde_json::to_string(&(kept, step)) {
                let _ = store.set_item(DRAFT_KEY, &text);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (w, DRAFT_KEY);
}

fn forget_draft() {
    #[cfg(feature = "hydrate")]
    if let Some(store) = web_sys::window().and_then(|win| win.local_storage().ok().flatten()) {
        let _ = store.remove_item(DRAFT_KEY);
    }
}

/// A text or number input bound to one field of the draft, with its error under it.
#[component]
fn DraftField(
    w: Wizard,
    field: &'static str,
    label: &'static str,
    get: fn(&ClusterDraft) -> String,
    set: fn(&mut ClusterDraft, String),
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(into, optional)] disabled: Signal<bool>,
) -> impl IntoView {
    let error = w.error(field);
    let error_id = format!("{field}-error");
    view! {
        <div class="flex flex-col gap-1">
            <label for=field class="text-sm font-medium text-slate-700">{label}</label>
            <input
                id=field
                name=field
                type=kind
                inputmode=(kind == "text" && field != "nick_name" && field != "computer_user").then_some("numeric")
                autocomplete="off"
                class="rounded border border-slate-300 px-3 py-1.5 disabled:bg-slate-100 aria-[invalid=true]:border-red-500"
                disabled=move || disabled.get()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || w.draft.with(get)
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    w.draft.update(|d| set(d, v));
                }
            />
            {(!hint.is_empty()).then(|| view! { <p class="text-xs text-slate-500">{hint}</p> })}
            <p id=error_id class="min-h-5 text-sm text-red-700" data-test=format!("{field}-error")>
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
fn Basics(w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let ha_error = w.error("ha_mode");
    view! {
        <fieldset class="grid gap-3">
            <legend class="mb-2 font-semibold">{tu_string!(i18n, cluster_wizard.n_1_basics)}</legend>
            <DraftField w=w field="nick_name" label=tu_string!(i18n, cluster_wizard.business_name)
                get=|d| d.nick_name.clone() set=|d, v| d.nick_name = v/>
            <div class="flex flex-col gap-1">
                <label for="ha_mode" class="text-sm font-medium text-slate-700">{tu_string!(i18n, common.ha_mode)}</label>
                <select
                    id="ha_mode"
                    class="rounded border border-slate-300 px-3 py-1.5"
                    aria-describedby="ha_mode-error"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        w.draft.update(|d| {
                            if v == "no_rep" {
                                d.replicas = "1".into();
                                d.fullsync_level = "0".into();
                            }
                            d.ha_mode = v;
                        });
                    }
                >
                    {HA_MODES
                        .into_iter()
                        .map(|m| {
                            let label = ha_mode_label(i18n.get_locale_untracked(), m);
                            view! {
                                <option value=m selected=move || w.draft.with(|d| d.ha_mode == m)>{label}</option>
                            }
                        })
                        .collect_view()}
                </select>
                <p id="ha_mode-error" class="min-h-5 text-sm text-red-700">{move || ha_error.get()}</p>
            </div>
            <label class="flex items-center gap-2 text-sm">
                <input
                    type="checkbox"
                    data-test="install_proxysql"
                    prop:checked=move || w.draft.with(|d| d.install_proxysql)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        w.draft.update(|d| {
                            d.install_proxysql = on;
                            if on {
                                d.shards = "1".into();
                            }
                        });
                    }
                />
                {tu_string!(i18n, cluster_wizard.install_proxysql_a_proxysql_cluster_has)}
            </label>
        </fieldset>
    }
}

#[component]
fn Topology(w: Wizard, machines: Resource<Result<Vec<OfferedMachine>, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let proxysql = Signal::derive(move || w.draft.with(|d| d.install_proxysql));
    let warnings = move || w.draft.with(|d| d.warnings(i18n.get_locale_untracked()));
    view! {
        <fieldset class="grid gap-3 sm:grid-cols-3">
            <legend class="mb-2 font-semibold">{tu_string!(i18n, cluster_wizard.n_2_topology)}</legend>
            <DraftField w=w field="shards" label=tu_string!(i18n, cluster_wizard.shards) hint="1-256"
                get=|d| d.shards.clone() set=|d, v| d.shards = v disabled=proxysql/>
            <DraftField w=w field="replicas" label=tu_string!(i18n, cluster_wizard.replicas_per_shard) hint=tu_string!(i18n, cluster_wizard.n_1_256_3_or_more_recommended)
                get=|d| d.replicas.clone() set=|d, v| d.replicas = v/>
            <DraftField w=w field="comps" label=tu_string!(i18n, cluster_wizard.compute_nodes) hint="1-256"
                get=|d| d.comps.clone() set=|d, v| d.comps = v/>
        </fieldset>
        <ul class="text-sm text-amber-800" data-test="wizard-warnings">
            {move || warnings().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
        </ul>
        <Suspense fallback=move || view! { <p>{tu_string!(i18n, cluster_wizard.loading_machines)}</p> }>
            {move || Suspend::new(async move {
                match machines.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(list) => {
                        let storage: Vec<_> = list.iter().filter(|m| m.machine_type == "storage").cloned().collect();
                        let compute: Vec<_> = list.into_iter().filter(|m| m.machine_type == "computer").collect();
                        view! {
                            <div class="mt-3 grid gap-4 sm:grid-cols-2">
                                <Picker w=w field="storage_hosts" title=tu_string!(i18n, cluster_wizard.storage_machines) machines=storage/>
                                <Picker w=w field="compute_hosts" title=tu_string!(i18n, cluster_wizard.compute_machines) machines=compute/>
                            </div>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Running machines of one type as checkboxes; none chosen lets cluster_mgr choose.
#[component]
fn Picker(
    w: Wizard,
    field: &'static str,
    title: &'static str,
    machines: Vec<OfferedMachine>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = w.error(field);
    let chosen = move |d: &ClusterDraft| -> Vec<String> {
        if field == "storage_hosts" {
            d.storage_hosts.clone()
        } else {
            d.compute_hosts.clone()
        }
    };
    let empty = machines.is_empty();
    view! {
        <fieldset class="rounded border border-slate-200 p-2" data-test=format!("picker-{field}")>
            <legend class="px-1 text-sm font-medium">{title}</legend>
            <p class="text-xs text-slate-500">
                {tu_string!(i18n, cluster_wizard.only_running_machines_with_free_ports)}
            </p>
            {empty.then(|| view! {
                <p class="text-sm text-red-700">{tu_string!(i18n, cluster_wizard.no_running_machine_of_this_type)}</p>
            })}
            {machines
                .into_iter()
                .map(|m| {
                    let host = m.hostaddr.clone();
                    let host_for_check = host.clone();
                    view! {
                        <label class="flex items-center gap-2 text-sm">
                            <input
                                type="checkbox"
                                value=host.clone()
                                prop:checked=move || w.draft.with(|d| chosen(d).contains(&host_for_check))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let h = host.clone();
                                    w.draft.update(|d| {
                                        let list = if field == "storage_hosts" { &mut d.storage_hosts } else { &mut d.compute_hosts };
                                        list.retain(|x| *x != h);
                                        if on {
                                            list.push(h);
                                        }
                                    });
                                }
                            />
                            <span class="font-mono">{m.hostaddr.clone()}</span>
                            <span class="text-xs text-slate-500">
                                {fill!(tu_string!(i18n, cluster_wizard.machine_room), free = m.free_slots, cores = m.cpu_cores, mb = m.mem_mb)}
                            </span>
                        </label>
                    }
                })
                .collect_view()}
            <p class="min-h-5 text-sm text-red-700" data-test=format!("{field}-error")>{move || error.get()}</p>
        </fieldset>
    }
}

#[component]
fn Resources(w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let degrade_off = Signal::derive(move || w.draft.with(|d| !d.degrade));
    view! {
        <fieldset class="grid gap-3 sm:grid-cols-2">
            <legend class="mb-2 font-semibold">{tu_string!(i18n, cluster_wizard.n_3_resources)}</legend>
            <DraftField w=w field="innodb_mb" label=tu_string!(i18n, cluster_wizard.innodb_buffer_pool_mb)
                get=|d| d.innodb_mb.clone() set=|d, v| d.innodb_mb = v/>
            <DraftField w=w field="fullsync_level" label=tu_string!(i18n, cluster_wizard.fullsync_level)
                hint=tu_string!(i18n, cluster_wizard.less_than_the_replicas_per_shard)
                get=|d| d.fullsync_level.clone() set=|d, v| d.fullsync_level = v/>
            <label class="flex items-center gap-2 self-center text-sm">
                <input
                    type="checkbox"
                    data-test="degrade"
                    prop:checked=move || w.draft.with(|d| d.degrade)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        w.draft.update(|d| d.degrade = on);
                    }
                />
                {tu_string!(i18n, cluster_wizard.shard_degrade)}
            </label>
            <DraftField w=w field="degrade_secs" label=tu_string!(i18n, cluster_wizard.degrade_time_s) hint="5-500"
                get=|d| d.degrade_secs.clone() set=|d, v| d.degrade_secs = v disabled=degrade_off/>
            <DraftField w=w field="data_storage_mb" label=tu_string!(i18n, cluster_wizard.data_storage_per_node_mb)
                get=|d| d.data_storage_mb.clone() set=|d, v| d.data_storage_mb = v/>
            <DraftField w=w field="log_storage_mb" label=tu_string!(i18n, cluster_wizard.log_storage_per_node_mb)
                get=|d| d.log_storage_mb.clone() set=|d, v| d.log_storage_mb = v/>
            <DraftField w=w field="max_storage_gb" label=tu_string!(i18n, cluster_wizard.max_storage_per_node_gb)
                get=|d| d.max_storage_gb.clone() set=|d, v| d.max_storage_gb = v/>
            <DraftField w=w field="max_connections" label=tu_string!(i18n, cluster_wizard.max_connections_per_compute_node)
                get=|d| d.max_connections.clone() set=|d, v| d.max_connections = v/>
            <DraftField w=w field="cpu_cores" label=tu_string!(i18n, cluster_wizard.cpu_cores_per_compute_node)
                get=|d| d.cpu_cores.clone() set=|d, v| d.cpu_cores = v/>
            <div class="flex flex-col gap-1">
                <label for="cpu_limit_mode" class="text-sm font-medium text-slate-700">{tu_string!(i18n, cluster_wizard.cpu_limit_mode)}</label>
                <select
                    id="cpu_limit_mode"
                    class="rounded border border-slate-300 px-3 py-1.5"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        w.draft.update(|d| d.cpu_limit_mode = v);
                    }
                >
                    <option value="quota" selected=move || w.draft.with(|d| d.cpu_limit_mode == "quota")>"quota"</option>
                    <option value="share" selected=move || w.draft.with(|d| d.cpu_limit_mode == "share")>"share"</option>
                </select>
            </div>
            <DraftField w=w field="computer_user" label=tu_string!(i18n, cluster_wizard.compute_node_user)
                get=|d| d.computer_user.clone() set=|d, v| d.computer_user = v/>
            <DraftField w=w field="computer_password" label=tu_string!(i18n, cluster_wizard.compute_node_password) kind="password"
                hint=tu_string!(i18n, cluster_wizard.n_8_64_characters_not_kept_if)
                get=|d| d.computer_password.clone() set=|d, v| d.computer_password = v/>
        </fieldset>
    }
}

#[component]
fn Review(w: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    // Re-asked whenever the draft changes; the answer reflects the metadata right now.
    let plan = Resource::new(move || w.draft.get(), plan_cluster);
    let submit = ServerAction::<CreateCluster>::new();
    let submit_error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(id)) => {
            forget_draft();
            let nav = leptos_router::hooks::use_navigate();
            nav(&format!("{}/{id}", paths::JOBS), Default::default());
        }
        Some(Err(e)) => {
            // A field problem sends the user back to the step that has the field.
            if let Some(field) = e.field().filter(|f| !f.is_empty()) {
                let field: &'static str = leak_field(field);
                w.errors.set(vec![FieldError {
                    field,
                    message: e.message(i18n.get_locale_untracked()),
                }]);
                w.step.set(WizardStep::of_field(field));
            }
            submit_error.set(Some(e));
        }
        None => {}
    });
    view! {
        <h2 class="mb-2 font-semibold">{tu_string!(i18n, cluster_wizard.n_4_review)}</h2>
        <Suspense fallback=move || view! { <p>{tu_string!(i18n, cluster_wizard.checking)}</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(p) => view! { <PlanView plan=p w=w submit=submit/> }.into_any(),
                }
            })}
        </Suspense>
        <p class="mt-2 text-sm text-red-800" role="alert" data-test="submit-error">
            {move || submit_error.get().map(|e| e.message(i18n.get_locale_untracked()))}
        </p>
    }
}

/// Field names come back from the server as strings; map them to the draft's own names.
fn leak_field(field: &str) -> &'static str {
    const FIELDS: [&str; 20] = [
        "nick_name",
        "ha_mode",
        "install_proxysql",
        "shards",
        "replicas",
        "comps",
        "storage_hosts",
        "compute_hosts",
        "innodb_mb",
        "fullsync_level",
        "degrade",
        "degrade_secs",
        "data_storage_mb",
        "log_storage_mb",
        "max_storage_gb",
        "max_connections",
        "cpu_cores",
        "cpu_limit_mode",
        "computer_user",
        "computer_password",
    ];
    FIELDS.into_iter().find(|f| *f == field).unwrap_or("")
}

#[component]
fn PlanView(plan: ClusterPlan, w: Wizard, submit: ServerAction<CreateCluster>) -> impl IntoView {
    let i18n = use_i18n();
    let ready = plan.ready();
    let pending = submit.pending();
    view! {
        <div data-test="cluster-plan" data-ready=ready.to_string()>
            <h3 class="text-sm font-semibold">{tu_string!(i18n, cluster_wizard.pre_checks)}</h3>
            <ul class="mb-3 text-sm" data-test="pre-checks">
                {plan.checks.iter().map(|c| {
                    let (mark, color) = if c.ok { ("✓", "text-green-700") } else { ("✗", "text-red-700") };
                    view! {
                        <li class=color data-ok=c.ok.to_string()>{format!("{mark} {}", c.text)}</li>
                    }
                }).collect_view()}
            </ul>
            {plan.warnings.iter().map(|t| view! { <p class="text-sm text-amber-800">{format!("⚠ {t}")}</p> }).collect_view()}
            <h3 class="mt-2 text-sm font-semibold">{tu_string!(i18n, cluster_wizard.where_each_instance_lands)}</h3>
            <TopologyView topology=Topology::from(&plan)/>
            <table class="mt-1 text-sm" data-test="plan-table">
                <thead>
                    <tr class="text-left">
                        <th class="px-2">{tu_string!(i18n, cluster_wizard.instance)}</th>
                        <th class="px-2">{tu_string!(i18n, cluster_wizard.machine)}</th>
                        <th class="px-2">{tu_string!(i18n, common.port)}</th>
                        <th class="px-2">{tu_string!(i18n, common.mysql_port)}</th>
                    </tr>
                </thead>
                <tbody>
                    {plan.comps.iter().enumerate().map(|(i, p)| view! {
                        <tr class="border-t" data-test="plan-comp">
                            <td class="px-2">{fill!(tu_string!(i18n, cluster_wizard.compute_node_n), n = (i + 1))}</td>
                            <td class="px-2 font-mono">{p.hostaddr.clone()}</td>
                            <td class="px-2 font-mono">{p.port}</td>
                            <td class="px-2 font-mono">{p.mysql_port.map(|m| m.to_string())}</td>
                        </tr>
                    }).collect_view()}
                    {plan.shards.iter().enumerate().flat_map(|(s, nodes)| {
                        nodes.iter().enumerate().map(move |(r, p)| view! {
                            <tr class="border-t" data-test="plan-storage">
                                <td class="px-2">{if r == 0 {
                                    fill!(tu_string!(i18n, cluster_wizard.shard_primary), s = (s + 1))
                                } else {
                                    fill!(tu_string!(i18n, cluster_wizard.shard_replica), s = (s + 1), r = r)
                                }}</td>
                                <td class="px-2 font-mono">{p.hostaddr.clone()}</td>
                                <td class="px-2 font-mono">{p.port}</td>
                                <td class="px-2"></td>
                            </tr>
                        }).collect::<Vec<_>>()
                    }).collect_view()}
                </tbody>
            </table>
            <button
                type="button"
                class="mt-4 rounded bg-sky-700 px-4 py-1.5 text-white disabled:opacity-40"
                data-test="wizard-submit"
                disabled=move || !ready || pending.get()
                on:click=move |_| {
                    submit.dispatch(CreateCluster { draft: w.draft.get_untracked() });
                }
            >
                {move || if pending.get() { tu_string!(i18n, cluster_wizard.submitting) } else { tu_string!(i18n, cluster_wizard.create_the_cluster) }}
            </button>
        </div>
    }
}
