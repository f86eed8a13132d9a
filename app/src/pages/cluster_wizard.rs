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
use crate::domain::cluster::{ClusterDraft, WizardStep, HA_MODES};
use crate::domain::field::FieldError;
use crate::error::AppError;
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
            .with_untracked(|d| d.problems_up_to(step))
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
        <p class="text-sm"><a class="text-sky-700 underline" href=paths::CLUSTERS>"‹ Clusters · 集群管理"</a></p>
        <h1 class="mt-2 text-xl font-semibold">"Create a cluster · 新增集群"</h1>
        <ol class="my-4 flex flex-wrap gap-2 text-sm" aria-label="Steps · 步骤">
            {WizardStep::ALL
                .into_iter()
                .map(|s| {
                    view! {
                        <li
                            class="rounded-full border px-3 py-1 aria-[current=step]:border-sky-600 aria-[current=step]:bg-sky-50 aria-[current=step]:font-semibold"
                            aria-current=move || (w.step.get() == s).then_some("step")
                        >
                            {format!("{}. {}", s.number(), s.label())}
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
                        "‹ Back · 上一步"
                    </button>
                </Show>
                <Show when=move || { w.step.get() != WizardStep::Review }>
                    <button
                        type="submit"
                        class="rounded bg-sky-700 px-3 py-1 text-white"
                        data-test="wizard-next"
                        on:click=next
                    >
                        "Next › · 下一步"
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
    let ha_error = w.error("ha_mode");
    view! {
        <fieldset class="grid gap-3">
            <legend class="mb-2 font-semibold">"1. Basics · 基本信息"</legend>
            <DraftField w=w field="nick_name" label="Business name · 业务名称"
                get=|d| d.nick_name.clone() set=|d, v| d.nick_name = v/>
            <div class="flex flex-col gap-1">
                <label for="ha_mode" class="text-sm font-medium text-slate-700">"HA mode · 高可用模式"</label>
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
                        .map(|(m, label)| {
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
                "Install ProxySQL (a ProxySQL cluster has exactly one shard) · 安装ProxySQL（只能有一个shard）"
            </label>
        </fieldset>
    }
}

#[component]
fn Topology(w: Wizard, machines: Resource<Result<Vec<OfferedMachine>, AppError>>) -> impl IntoView {
    let proxysql = Signal::derive(move || w.draft.with(|d| d.install_proxysql));
    let warnings = move || w.draft.with(ClusterDraft::warnings);
    view! {
        <fieldset class="grid gap-3 sm:grid-cols-3">
            <legend class="mb-2 font-semibold">"2. Topology · 拓扑"</legend>
            <DraftField w=w field="shards" label="Shards · shard个数" hint="1-256"
                get=|d| d.shards.clone() set=|d, v| d.shards = v disabled=proxysql/>
            <DraftField w=w field="replicas" label="Replicas per shard · 副本数" hint="1-256 (3 or more recommended · 建议至少3)"
                get=|d| d.replicas.clone() set=|d, v| d.replicas = v/>
            <DraftField w=w field="comps" label="Compute nodes · 计算节点个数" hint="1-256"
                get=|d| d.comps.clone() set=|d, v| d.comps = v/>
        </fieldset>
        <ul class="text-sm text-amber-800" data-test="wizard-warnings">
            {move || warnings().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
        </ul>
        <Suspense fallback=|| view! { <p>"Loading machines… · 加载机器"</p> }>
            {move || Suspend::new(async move {
                match machines.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(list) => {
                        let storage: Vec<_> = list.iter().filter(|m| m.machine_type == "storage").cloned().collect();
                        let compute: Vec<_> = list.into_iter().filter(|m| m.machine_type == "computer").collect();
                        view! {
                            <div class="mt-3 grid gap-4 sm:grid-cols-2">
                                <Picker w=w field="storage_hosts" title="Storage machines · 存储机器" machines=storage/>
                                <Picker w=w field="compute_hosts" title="Compute machines · 计算机器" machines=compute/>
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
                "Only running machines with free ports are offered; choose none to let cluster_mgr choose. · 只列出在线且有空闲端口的机器；不选则由集群管理自动选择"
            </p>
            {empty.then(|| view! {
                <p class="text-sm text-red-700">"No running machine of this type: add one first. · 请先添加计算机"</p>
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
                                {format!("{} free · 空闲, {} cores, {} MB", m.free_slots, m.cpu_cores, m.mem_mb)}
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
    let degrade_off = Signal::derive(move || w.draft.with(|d| !d.degrade));
    view! {
        <fieldset class="grid gap-3 sm:grid-cols-2">
            <legend class="mb-2 font-semibold">"3. Resources · 资源"</legend>
            <DraftField w=w field="innodb_mb" label="InnoDB buffer pool (MB) · 缓冲池大小"
                get=|d| d.innodb_mb.clone() set=|d, v| d.innodb_mb = v/>
            <DraftField w=w field="fullsync_level" label="Fullsync level · 每shard强同步备机个数"
                hint="less than the replicas per shard · 必须小于副本数"
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
                "Shard degrade · shard是否退化"
            </label>
            <DraftField w=w field="degrade_secs" label="Degrade time (s) · 退化时间" hint="5-500"
                get=|d| d.degrade_secs.clone() set=|d, v| d.degrade_secs = v disabled=degrade_off/>
            <DraftField w=w field="data_storage_mb" label="Data storage per node (MB) · 数据存储空间"
                get=|d| d.data_storage_mb.clone() set=|d, v| d.data_storage_mb = v/>
            <DraftField w=w field="log_storage_mb" label="Log storage per node (MB) · 日志存储空间"
                get=|d| d.log_storage_mb.clone() set=|d, v| d.log_storage_mb = v/>
            <DraftField w=w field="max_storage_gb" label="Max storage per node (GB) · 每个存储节点最大存储值"
                get=|d| d.max_storage_gb.clone() set=|d, v| d.max_storage_gb = v/>
            <DraftField w=w field="max_connections" label="Max connections per compute node · 最大连接数"
                get=|d| d.max_connections.clone() set=|d, v| d.max_connections = v/>
            <DraftField w=w field="cpu_cores" label="CPU cores per compute node · cpu核数"
                get=|d| d.cpu_cores.clone() set=|d, v| d.cpu_cores = v/>
            <div class="flex flex-col gap-1">
                <label for="cpu_limit_mode" class="text-sm font-medium text-slate-700">"CPU limit mode · cpu限制模式"</label>
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
            <DraftField w=w field="computer_user" label="Compute-node user · 计算节点账号"
                get=|d| d.computer_user.clone() set=|d, v| d.computer_user = v/>
            <DraftField w=w field="computer_password" label="Compute-node password · 计算节点密码" kind="password"
                hint="8-64 characters; not kept if the page reloads · 8到64个字符；刷新页面后需重新输入"
                get=|d| d.computer_password.clone() set=|d, v| d.computer_password = v/>
        </fieldset>
    }
}

#[component]
fn Review(w: Wizard) -> impl IntoView {
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
                w.errors.set(vec![FieldError { field, message: e.to_string() }]);
                w.step.set(WizardStep::of_field(field));
            }
            submit_error.set(Some(e));
        }
        None => {}
    });
    view! {
        <h2 class="mb-2 font-semibold">"4. Review · 确认"</h2>
        <Suspense fallback=|| view! { <p>"Checking… · 检查中"</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(p) => view! { <PlanView plan=p w=w submit=submit/> }.into_any(),
                }
            })}
        </Suspense>
        <p class="mt-2 text-sm text-red-800" role="alert" data-test="submit-error">
            {move || submit_error.get().map(|e| e.to_string())}
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
    let ready = plan.ready();
    let pending = submit.pending();
    view! {
        <div data-test="cluster-plan" data-ready=ready.to_string()>
            <h3 class="text-sm font-semibold">"Pre-checks · 预检查"</h3>
            <ul class="mb-3 text-sm" data-test="pre-checks">
                {plan.checks.iter().map(|c| {
                    let (mark, color) = if c.ok { ("✓", "text-green-700") } else { ("✗", "text-red-700") };
                    view! {
                        <li class=color data-ok=c.ok.to_string()>{format!("{mark} {}", c.text)}</li>
                    }
                }).collect_view()}
            </ul>
            {plan.warnings.iter().map(|t| view! { <p class="text-sm text-amber-800">{format!("⚠ {t}")}</p> }).collect_view()}
            <h3 class="mt-2 text-sm font-semibold">"Where each instance lands · 实例分布"</h3>
            <TopologyView topology=Topology::from(&plan)/>
            <table class="mt-1 text-sm" data-test="plan-table">
                <thead>
                    <tr class="text-left">
                        <th class="px-2">"Instance · 实例"</th>
                        <th class="px-2">"Machine · 机器"</th>
                        <th class="px-2">"Port · 端口"</th>
                        <th class="px-2">"MySQL port · MySQL端口"</th>
                    </tr>
                </thead>
                <tbody>
                    {plan.comps.iter().enumerate().map(|(i, p)| view! {
                        <tr class="border-t" data-test="plan-comp">
                            <td class="px-2">{format!("Compute node {} · 计算节点", i + 1)}</td>
                            <td class="px-2 font-mono">{p.hostaddr.clone()}</td>
                            <td class="px-2 font-mono">{p.port}</td>
                            <td class="px-2 font-mono">{p.mysql_port.map(|m| m.to_string())}</td>
                        </tr>
                    }).collect_view()}
                    {plan.shards.iter().enumerate().flat_map(|(s, nodes)| {
                        nodes.iter().enumerate().map(move |(r, p)| view! {
                            <tr class="border-t" data-test="plan-storage">
                                <td class="px-2">{format!(
                                    "Shard {} {} · {}",
                                    s + 1,
                                    if r == 0 { "primary".to_owned() } else { format!("replica {r}") },
                                    if r == 0 { "主" } else { "备" }
                                )}</td>
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
                {move || if pending.get() { "Submitting… · 提交中" } else { "Create the cluster · 创建集群" }}
            </button>
        </div>
    }
}
