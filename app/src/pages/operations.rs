//! 操作记录 Operation log: cluster_mgr's jobs and the console's audit trail, paged on the
//! server. Everything is shown as text (job memos are cluster_mgr's JSON).

use crate::api::operations::{list_operations, AuditQuery};
use crate::components::list::{ErrorBox, Pager};
use leptos::prelude::*;

#[component]
pub fn OperationsPage() -> impl IntoView {
    let source = RwSignal::new(String::from("cluster_mgr"));
    let page = RwSignal::new(1u32);
    let filter = RwSignal::new(AuditQuery::default());
    let ops = Resource::new(
        move || (source.get(), page.get(), filter.get()),
        |(s, p, f)| list_operations(s, p, f),
    );
    let tab = move |value: &'static str, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="rounded-t border border-b-0 px-3 py-1 aria-selected:bg-white aria-selected:font-semibold"
                aria-selected=move || (source.get() == value).to_string()
                data-test=format!("tab-{value}")
                on:click=move |_| {
                    source.set(value.to_owned());
                    page.set(1);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <h1 class="text-xl font-semibold">"Operation log · 操作记录"</h1>
        <div class="mt-3 flex gap-1" role="tablist">
            {tab("cluster_mgr", "cluster_mgr jobs · 集群任务")}
            {tab("console", "Console audit · 控制台审计")}
        </div>
        <Show when=move || source.get() == "console">
            <AuditFilterForm on_apply=move |q| {
                filter.set(q);
                page.set(1);
            }/>
        </Show>
        <Transition fallback=|| view! { <p>"Loading… · 加载中"</p> }>
            {move || Suspend::new(async move {
                match ops.await {
                    Err(e) => view! {
                        <ErrorBox error=e/>
                    }.into_any(),
                    Ok(p) => {
                        let pages = p.pages;
                        view! {
                            <div class="overflow-x-auto rounded border border-slate-200 bg-white">
                                <table class="min-w-full text-sm" data-test="operation-table">
                                    <thead class="bg-slate-50 text-left">
                                        <tr>
                                            <th class="px-2 py-1">"ID"</th>
                                            <th class="px-2 py-1">"Operation · 操作"</th>
                                            <th class="px-2 py-1">"User · 操作人"</th>
                                            <th class="px-2 py-1">"Target · 对象"</th>
                                            <th class="px-2 py-1">"Result · 结果"</th>
                                            <th class="px-2 py-1">"Started · 开始"</th>
                                            <th class="px-2 py-1">"Ended · 结束"</th>
                                            <th class="px-2 py-1">"Detail · 详情"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| view! {
                                            <tr class="border-t border-slate-100 align-top">
                                                <td class="px-2 py-1">{r.id}</td>
                                                <td class="px-2 py-1">
                                                    <div class="font-mono">{r.action}</div>
                                                    <div class="text-xs text-slate-500">{r.name}</div>
                                                </td>
                                                <td class="px-2 py-1">{r.user}</td>
                                                <td class="px-2 py-1">{r.target}</td>
                                                <td class="px-2 py-1">{r.status}</td>
                                                <td class="whitespace-nowrap px-2 py-1">{r.started}</td>
                                                <td class="whitespace-nowrap px-2 py-1">{r.ended}</td>
                                                <td class="max-w-md break-all px-2 py-1 font-mono text-xs">{r.detail}</td>
                                            </tr>
                                        }.into_any()).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page=page pages=pages total=p.total noun="entries" test_id="operation-pages"/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The audit log's filters; the server checks every field (`AuditFilter::parse`).
#[component]
fn AuditFilterForm(on_apply: impl Fn(AuditQuery) + Copy + Send + Sync + 'static) -> impl IntoView {
    let (user, action, outcome) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (from, to, text) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let input = "mt-1 block w-36 rounded border border-slate-300 px-2 py-1";
    let field = move |label: &'static str,
                      test: &'static str,
                      kind: &'static str,
                      value: RwSignal<String>| {
        view! {
            <label class="text-xs text-slate-600">
                {label}
                <input type=kind class=input data-test=test bind:value=value/>
            </label>
        }
    };
    view! {
        <form
            class="mt-3 flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3"
            data-test="audit-filter"
            on:submit=move |ev| {
                ev.prevent_default();
                on_apply(AuditQuery {
                    user: user.get(),
                    action: action.get(),
                    outcome: outcome.get(),
                    from: from.get(),
                    to: to.get(),
                    text: text.get(),
                });
            }
        >
            {field("User · 用户", "audit-user", "text", user)}
            {field("Action · 操作", "audit-action", "text", action)}
            <label class="text-xs text-slate-600">
                "Result · 结果"
                <select class=input data-test="audit-outcome" bind:value=outcome>
                    <option value="">"All · 全部"</option>
                    <option value="ok">"ok · 成功"</option>
                    <option value="failed">"failed · 失败"</option>
                </select>
            </label>
            {field("From (UTC) · 起始", "audit-from", "date", from)}
            {field("To (UTC) · 截止", "audit-to", "date", to)}
            {field("Target or detail contains · 包含", "audit-text", "search", text)}
            <button type="submit" class="rounded bg-slate-800 px-3 py-1 text-white" data-test="audit-apply">
                "Filter · 筛选"
            </button>
        </form>
    }
}
