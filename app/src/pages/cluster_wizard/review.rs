//! The wizard's last step: the server's placement preview and pre-checks, then submit.

use super::*;

#[component]
pub(super) fn Review(w: Wizard) -> impl IntoView {
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
pub(super) fn PlanView(
    plan: ClusterPlan,
    w: Wizard,
    submit: ServerAction<CreateCluster>,
) -> impl IntoView {
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
