//! A shard's settings (shard › settings): the degrade setting (cluster_mgr 1.1+) and the
//! replication-lag threshold, each saved on its own; and what the shard card shows of
//! them. Neither interrupts service, so neither asks for a typed confirmation.

use super::*;
use crate::api::shard_settings::{SetShardDegrade, SetShardMaxLag};
use crate::domain::shard_settings::{Degrade, DEFAULT_DEGRADE_SECS};

/// "degrade ON 25 s · degraded now · lag threshold 100 s" on the shard's card.
#[component]
pub(super) fn ShardSettingsLine(s: ShardDetail) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let degrade = match s.degrade {
        Degrade::Off => td_string!(l, shard_settings.degrade_off).to_owned(),
        Degrade::On(secs) => fill!(td_string!(l, shard_settings.degrade_on), secs = secs),
    };
    view! {
        <p class="text-xs text-slate-600" data-test="shard-settings">
            <span data-test="shard-degrade">{degrade}</span>
            {s.degraded_now.then(|| view! {
                " · " <span class="font-medium text-amber-900" data-test="shard-degraded-now">{td_string!(l, shard_settings.degraded_now)}</span>
            })}
            " · " <span data-test="shard-max-lag">{fill!(td_string!(l, shard_settings.max_lag_is), secs = s.max_lag_secs)}</span>
        </p>
    }
}

#[component]
pub(super) fn ShardSettingsDialog(c: ClusterDetail, ctx: Ctx, shard_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let Some(shard) = c.shard(shard_id).cloned() else {
        return ().into_any();
    };
    let cluster_id = c.id;
    let (on0, secs0) = match shard.degrade {
        Degrade::On(s) => (true, s),
        Degrade::Off => (false, DEFAULT_DEGRADE_SECS),
    };
    let on = RwSignal::new(on0);
    let secs = RwSignal::new(secs0.to_string());
    let max_lag = RwSignal::new(shard.max_lag_secs.to_string());
    let degrade = ServerAction::<SetShardDegrade>::new();
    let lag = ServerAction::<SetShardMaxLag>::new();
    let degrade_error = RwSignal::new(None::<AppError>);
    let lag_error = RwSignal::new(None::<AppError>);
    // Saved: the page reloads and shows the new value on the card; the dialog stays open.
    for (action, error) in [(degrade.value(), degrade_error), (lag.value(), lag_error)] {
        Effect::new(move |_| match action.get() {
            Some(Ok(())) => {
                error.set(None);
                ctx.reload.update(|n| *n += 1);
            }
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        });
    }
    let field = NodeRef::new();
    focus_while_open(field);
    let unsupported = move || !ctx.supported.get();
    view! {
        <section class="mt-3 max-w-2xl rounded border border-slate-300 bg-white p-3" role="dialog"
            aria-labelledby="settings-title" data-test="shard-settings-dialog"
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="settings-title" class="font-semibold">{fill!(td_string!(l, shard_settings.title), shard = shard.name.clone())}</h2>
            <form class="mt-2 flex flex-wrap items-end gap-3 text-sm" data-test="degrade-form" on:submit=|ev| ev.prevent_default()>
                <p class="basis-full text-slate-700">{td_string!(l, shard_settings.degrade_explain)}</p>
                <label class="flex items-center gap-2">
                    <input type="checkbox" data-test="degrade-on" node_ref=field prop:checked=move || on.get()
                        disabled=unsupported on:change=move |ev| on.set(event_target_checked(&ev))/>
                    {td_string!(l, shard_settings.degrade_label)}
                </label>
                <label class="flex flex-col">{td_string!(l, shard_settings.degrade_secs)}
                    <input class="w-24 rounded border px-2 py-1" data-test="degrade-secs" inputmode="numeric"
                        disabled=move || !on.get() || unsupported()
                        prop:value=move || secs.get() on:input=move |ev| secs.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="rounded border px-3 py-1 disabled:opacity-40" data-test="degrade-save"
                    disabled=move || degrade.pending().get() || unsupported()
                    on:click=move |_| { degrade.dispatch(SetShardDegrade { cluster_id, shard_id, on: on.get_untracked(), secs: secs.get_untracked() }); }>
                    {td_string!(l, shard_settings.save)}
                </button>
                {move || unsupported().then(|| view! { <p class="basis-full text-amber-900" data-test="degrade-unsupported">{td_string!(l, shard_settings.needs_1_1)}</p> })}
                <p class="basis-full min-h-5 text-red-700" role="alert" data-test="degrade-error">{move || degrade_error.get().map(|e| e.message(l))}</p>
            </form>
            <form class="mt-2 flex flex-wrap items-end gap-3 text-sm" data-test="max-lag-form" on:submit=|ev| ev.prevent_default()>
                <p class="basis-full text-slate-700">{td_string!(l, shard_settings.max_lag_explain)}</p>
                <label class="flex flex-col">{td_string!(l, shard_settings.max_lag_label)}
                    <input class="w-24 rounded border px-2 py-1" data-test="max-lag-secs" inputmode="numeric"
                        prop:value=move || max_lag.get() on:input=move |ev| max_lag.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="rounded border px-3 py-1 disabled:opacity-40" data-test="max-lag-save"
                    disabled=move || lag.pending().get()
                    on:click=move |_| { lag.dispatch(SetShardMaxLag { cluster_id, shard_id, secs: max_lag.get_untracked() }); }>
                    {td_string!(l, shard_settings.save)}
                </button>
                <p class="basis-full min-h-5 text-red-700" role="alert" data-test="max-lag-error">{move || lag_error.get().map(|e| e.message(l))}</p>
            </form>
            <button type="button" class="mt-1 rounded border px-3 py-1 text-sm" data-test="settings-close" on:click=move |_| ctx.panel.set(Panel::None)>{td_string!(l, shard_settings.close)}</button>
        </section>
    }
    .into_any()
}
