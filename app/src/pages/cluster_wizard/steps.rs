//! The wizard's first three steps: basics, topology (with the machine picker), resources.

use super::*;

#[component]
pub(super) fn Basics(w: Wizard) -> impl IntoView {
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
                    {HaMode::ALL
                        .iter()
                        .map(|&m| {
                            let label = ha_mode_label(i18n.get_locale_untracked(), m);
                            view! {
                                <option value=m.as_str() selected=move || w.draft.with(|d| d.ha_mode == m.as_str())>{label}</option>
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
pub(super) fn TopologyStep(
    w: Wizard,
    machines: Resource<Result<Vec<OfferedMachine>, AppError>>,
) -> impl IntoView {
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
pub(super) fn Picker(
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
pub(super) fn Resources(w: Wizard) -> impl IntoView {
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
