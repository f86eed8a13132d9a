//! 系统管理 System: users (create, role, disable, reset password, delete, grants) and
//! roles (built-in ones read-only, custom ones with their privileges). The server checks
//! the `users_roles` privilege on every call; a user without it sees the refusal.

use crate::api::users::{
    get_system, AddGrant, CreateUser, DeleteGrant, DeleteRole, DeleteUser, ResetPassword, RoleView,
    SaveRole, SystemView, UpdateUser, UserView,
};
use crate::components::list::ErrorBox;
use crate::domain::access::Privilege;
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use crate::time::{parse_utc_date, utc};
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Ctx {
    reload: RwSignal<u32>,
    error: RwSignal<Option<AppError>>,
}

impl Ctx {
    /// Reloads after a successful call, shows the error of a failed one.
    fn watch<T: Clone + Send + Sync + 'static>(
        self,
        value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    ) {
        Effect::new(move |_| match value.get() {
            Some(Ok(_)) => {
                self.error.set(None);
                self.reload.update(|n| *n += 1);
            }
            Some(Err(e)) => self.error.set(Some(e)),
            None => {}
        });
    }
}

#[component]
pub fn SystemPage() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = Ctx { reload: RwSignal::new(0), error: RwSignal::new(None) };
    let data = Resource::new(move || ctx.reload.get(), |_| get_system());
    view! {
        <h1 class="text-xl font-semibold">{tu_string!(i18n, common.system)}</h1>
        <p class="mt-1 text-sm text-slate-600">
            {tu_string!(i18n, system.changes_to_a_user_s_role)}
        </p>
        <div class="mt-2" data-test="system-error">{move || ctx.error.get().map(|e| view! { <ErrorBox error=e/> })}</div>
        <Transition fallback=move || view! { <p>{tu_string!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                    Ok(v) => view! { <System v=v ctx=ctx/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn System(v: SystemView, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let roles = v.roles.clone();
    view! {
        <h2 class="mt-4 font-semibold">{tu_string!(i18n, system.users)}</h2>
        <NewUser roles=roles.clone() ctx=ctx/>
        <div class="mt-2 flex flex-col gap-2" data-test="users">
            {v.users.into_iter().map(|u| view! { <UserCard u=u roles=roles.clone() ctx=ctx/> }).collect_view()}
        </div>
        <h2 class="mt-6 font-semibold">{tu_string!(i18n, system.roles)}</h2>
        <div class="mt-2 flex flex-col gap-2" data-test="roles">
            {v.roles.into_iter().map(|r| view! { <RoleCard r=r ctx=ctx/> }).collect_view()}
            <RoleCard r=RoleView { id: 0, name: String::new(), builtin: false, privileges: vec![] } ctx=ctx/>
        </div>
    }
}

#[component]
fn NewUser(roles: Vec<RoleView>, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateUser>::new();
    ctx.watch(create.value());
    view! {
        <ActionForm action=create attr:class="mt-2 flex flex-wrap items-end gap-2 rounded border border-slate-200 bg-white p-3" attr:data-test="new-user">
            <label class="flex flex-col text-sm">{tu_string!(i18n, common.user_name)}
                <input name="name" class="rounded border px-2 py-1" required maxlength=64 autocomplete="off"/>
            </label>
            <label class="flex flex-col text-sm">{tu_string!(i18n, common.role)}
                <select name="role_id" class="rounded border px-2 py-1">
                    {roles.into_iter().map(|r| view! { <option value=r.id.to_string()>{r.name}</option> }).collect_view()}
                </select>
            </label>
            <label class="flex flex-col text-sm">{tu_string!(i18n, system.temporary_password)}
                <input name="password" type="password" class="rounded border px-2 py-1" required autocomplete="new-password"/>
            </label>
            <button type="submit" class="rounded bg-sky-700 px-3 py-1 text-white">{tu_string!(i18n, system.create_user)}</button>
        </ActionForm>
    }
}

#[component]
fn UserCard(u: UserView, roles: Vec<RoleView>, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let add_grant = ServerAction::<AddGrant>::new();
    let delete_grant = ServerAction::<DeleteGrant>::new();
    ctx.watch(update.value());
    ctx.watch(reset.value());
    ctx.watch(delete.value());
    ctx.watch(add_grant.value());
    ctx.watch(delete_grant.value());
    let id = u.id;
    let role_id = RwSignal::new(u.role_id);
    let disabled = RwSignal::new(u.disabled);
    let temp = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let (cluster, from, until) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let name = u.name.clone();
    let add = move |_| {
        let date = |s: RwSignal<String>| parse_utc_date(&s.get_untracked()).unwrap_or(0);
        let cluster_id = cluster.get_untracked().trim().parse::<i64>().unwrap_or(0);
        add_grant.dispatch(AddGrant {
            user_id: id,
            cluster_id,
            valid_from: date(from),
            valid_until: date(until),
        });
    };
    view! {
        <section class="rounded border border-slate-200 bg-white p-3 text-sm" data-test="user" data-user=u.name.clone()>
            <div class="flex flex-wrap items-center gap-3">
                <span class="font-semibold">{u.name.clone()}</span>
                {u.must_change_password.then(|| view! { <span class="text-amber-700">{tu_string!(i18n, system.must_change_password)}</span> })}
                <label class="flex items-center gap-1">{tu_string!(i18n, common.role)}
                    <select class="rounded border px-1" data-test="user-role" on:change=move |ev| role_id.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {roles.into_iter().map(|r| {
                            let selected = r.id == u.role_id;
                            view! { <option value=r.id.to_string() selected=selected>{r.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="flex items-center gap-1">
                    <input type="checkbox" prop:checked=move || disabled.get() on:change=move |ev| disabled.set(event_target_checked(&ev))/>
                    {tu_string!(i18n, system.disabled)}
                </label>
                <button type="button" class="rounded border px-2" data-test="user-save"
                    on:click=move |_| { update.dispatch(UpdateUser { id, role_id: role_id.get_untracked(), disabled: disabled.get_untracked() }); }>
                    {tu_string!(i18n, common.save)}
                </button>
            </div>
            <div class="mt-2 flex flex-wrap items-center gap-2">
                <input type="password" class="rounded border px-2" placeholder=tu_string!(i18n, system.new_temporary_password) aria-label=tu_string!(i18n, system.new_temporary_password)
                    autocomplete="new-password" prop:value=move || temp.get() on:input=move |ev| temp.set(event_target_value(&ev))/>
                <button type="button" class="rounded border px-2" data-test="user-reset"
                    on:click=move |_| { reset.dispatch(ResetPassword { id, password: temp.get_untracked() }); }>
                    {tu_string!(i18n, system.reset_password)}
                </button>
                <input class="rounded border px-2" placeholder=fill!(tu_string!(i18n, system.type_to_delete), name = name) aria-label=tu_string!(i18n, system.confirm_deletion)
                    prop:value=move || confirm.get() on:input=move |ev| confirm.set(event_target_value(&ev))/>
                <button type="button" class="rounded border border-red-400 px-2 text-red-800" data-test="user-delete"
                    on:click=move |_| { delete.dispatch(DeleteUser { id, confirm: confirm.get_untracked() }); }>
                    {tu_string!(i18n, common.delete)}
                </button>
            </div>
            <h3 class="mt-2 font-medium">{tu_string!(i18n, system.grants_clusters_this_user_may_change)}</h3>
            <ul data-test="grants">
                {u.grants.into_iter().map(|g| {
                    let what = g.cluster_id.map_or(tu_string!(i18n, system.all_clusters).to_owned(), |c| fill!(tu_string!(i18n, system.cluster_n), c = c));
                    let when = match (g.valid_from, g.valid_until) {
                        (None, None) => tu_string!(i18n, system.permanent).to_owned(),
                        (f, u) => format!("{} → {}", f.map(utc).unwrap_or_default(), u.map(utc).unwrap_or_default()),
                    };
                    let gid = g.id;
                    view! {
                        <li class="flex gap-2">
                            <span>{what}</span><span class="text-slate-600">{when}</span>
                            <button type="button" class="text-red-800 underline" on:click=move |_| { delete_grant.dispatch(DeleteGrant { user_id: id, grant_id: gid }); }>
                                {tu_string!(i18n, system.remove)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="mt-1 flex flex-wrap items-center gap-2">
                <input class="w-40 rounded border px-2" placeholder=tu_string!(i18n, system.cluster_id_hint) aria-label=tu_string!(i18n, system.cluster_id)
                    prop:value=move || cluster.get() on:input=move |ev| cluster.set(event_target_value(&ev))/>
                <label>{tu_string!(i18n, system.from)} <input type="date" class="rounded border px-1" on:input=move |ev| from.set(event_target_value(&ev))/></label>
                <label>{tu_string!(i18n, system.until)} <input type="date" class="rounded border px-1" on:input=move |ev| until.set(event_target_value(&ev))/></label>
                <button type="button" class="rounded border px-2" data-test="grant-add" on:click=add>{tu_string!(i18n, system.add_grant)}</button>
            </div>
        </section>
    }
}

/// A role: built-in ones read-only; custom ones editable; `id == 0` is the new-role form.
#[component]
fn RoleCard(r: RoleView, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveRole>::new();
    let delete = ServerAction::<DeleteRole>::new();
    ctx.watch(save.value());
    ctx.watch(delete.value());
    let chosen = RwSignal::new(r.privileges.clone());
    let name = RwSignal::new(r.name.clone());
    let (id, builtin, is_new) = (r.id, r.builtin, r.id == 0);
    view! {
        <section class="rounded border border-slate-200 bg-white p-3 text-sm" data-test="role" data-role=r.name.clone()>
            <div class="flex items-center gap-3">
                {if is_new {
                    view! {
                        <input class="rounded border px-2" placeholder=tu_string!(i18n, system.new_role_name) aria-label=tu_string!(i18n, system.new_role_name)
                            data-test="role-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    }.into_any()
                } else {
                    view! { <span class="font-semibold">{r.name.clone()}</span> }.into_any()
                }}
                {builtin.then(|| view! { <span class="text-slate-500">{tu_string!(i18n, system.built_in)}</span> })}
            </div>
            <div class="mt-1 flex flex-wrap gap-x-4">
                {Privilege::ALL.into_iter().map(|p| {
                    let key = p.key().to_owned();
                    let k2 = key.clone();
                    view! {
                        <label class="flex items-center gap-1">
                            <input type="checkbox" disabled=builtin value=key.clone()
                                prop:checked=move || chosen.with(|c| c.contains(&key))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let k = k2.clone();
                                    chosen.update(|c| { c.retain(|x| *x != k); if on { c.push(k); } });
                                }/>
                            {p.label(i18n.get_locale_untracked())}
                        </label>
                    }
                }).collect_view()}
            </div>
            {(!builtin).then(|| view! {
                <div class="mt-2 flex gap-2">
                    <button type="button" class="rounded border px-2" data-test="role-save"
                        on:click=move |_| { save.dispatch(SaveRole { id, name: name.get_untracked(), privileges: chosen.get_untracked() }); }>
                        {if is_new { tu_string!(i18n, system.create_role) } else { tu_string!(i18n, common.save) }}
                    </button>
                    {(!is_new).then(|| view! {
                        <button type="button" class="rounded border border-red-400 px-2 text-red-800"
                            on:click=move |_| { delete.dispatch(DeleteRole { id }); }>{tu_string!(i18n, common.delete)}</button>
                    })}
                </div>
            })}
        </section>
    }
}
