//! 操作记录 Operation log: cluster_mgr's jobs and the console's audit trail, paged on the
//! server. Everything is shown as text (job memos are cluster_mgr's JSON).

use crate::api::operations::{list_operations, AuditQuery};
use crate::components::list::{ErrorBox, Pager};
use crate::components::local_time::LocalTime;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn OperationsPage() -> impl IntoView {
    let i18n = use_i18n();
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
        <h1 class="text-xl font-semibold">{tu_string!(i18n, common.operation_log)}</h1>
        <div class="mt-3 flex gap-1" role="tablist">
            {tab("cluster_mgr", tu_string!(i18n, operations.tab_jobs))}
            {tab("console", tu_string!(i18n, operations.tab_audit))}
        </div>
        <Show when=move || source.get() == "console">
            <AuditFilterForm on_apply=move |q| {
                filter.set(q);
                page.set(1);
            }/>
        </Show>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
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
                                            <th class="px-2 py-1">{tu_string!(i18n, operations.operation)}</th>
                                            <th class="px-2 py-1">{tu_string!(i18n, common.user)}</th>
                                            <th class="px-2 py-1">{tu_string!(i18n, common.target)}</th>
                                            <th class="px-2 py-1">{tu_string!(i18n, operations.result)}</th>
                                            <th class="px-2 py-1">{tu_string!(i18n, operations.started)}</th>
                                            <th class="px-2 py-1">{tu_string!(i18n, operations.ended)}</th>
                                            <th class="px-2 py-1">{tu_string!(i18n, operations.detail)}</th>
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
                                                <td class="whitespace-nowrap px-2 py-1">{match r.at {
                                                    Some(t) => view! { <LocalTime unix_secs=t/> }.into_any(),
                                                    None => r.started.into_any(),
                                                }}</td>
                                                <td class="whitespace-nowrap px-2 py-1">{r.ended}</td>
                                                <td class="max-w-md break-all px-2 py-1 font-mono text-xs">{r.detail}</td>
                                            </tr>
                                        }.into_any()).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page=page pages=pages total=p.total test_id="operation-pages"/>
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
    let i18n = use_i18n();
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
            {field(tu_string!(i18n, operations.f_user), "audit-user", "text", user)}
            {field(tu_string!(i18n, operations.f_action), "audit-action", "text", action)}
            <label class="text-xs text-slate-600">
                {tu_string!(i18n, operations.result)}
                <select class=input data-test="audit-outcome" bind:value=outcome>
                    <option value="">{tu_string!(i18n, common.all)}</option>
                    <option value="ok">{tu_string!(i18n, operations.ok)}</option>
                    <option value="failed">{tu_string!(i18n, common.failed)}</option>
                </select>
            </label>
            {field(tu_string!(i18n, operations.f_from), "audit-from", "date", from)}
            {field(tu_string!(i18n, operations.f_to), "audit-to", "date", to)}
            {field(tu_string!(i18n, operations.f_text), "audit-text", "search", text)}
            <button type="submit" class="rounded bg-slate-800 px-3 py-1 text-white" data-test="audit-apply">
                {tu_string!(i18n, operations.filter)}
            </button>
        </form>
    }
}
