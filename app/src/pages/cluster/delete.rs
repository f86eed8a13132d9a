//! Deleting the cluster or a part of it after its name is typed back.

use super::*;

/// Typed confirmation: the button stays disabled until the name is typed exactly (the
/// server checks it again).
#[component]
pub(super) fn ConfirmDelete(c: ClusterDetail, ctx: Ctx, doomed: Doomed) -> impl IntoView {
    let i18n = use_i18n();
    let word = doomed.word(&c);
    let typed = RwSignal::new(String::new());
    let field = NodeRef::new();
    focus_while_open(field);
    let del_cluster = ServerAction::<DeleteCluster>::new();
    let del_shard = ServerAction::<DeleteShard>::new();
    let del_comp = ServerAction::<DeleteComp>::new();
    let del_node = ServerAction::<DeleteNode>::new();
    let error = RwSignal::new(None::<AppError>);
    let result = Signal::derive(move || {
        del_cluster
            .value()
            .get()
            .or_else(|| del_shard.value().get())
            .or_else(|| del_comp.value().get())
            .or_else(|| del_node.value().get())
    });
    follow_submission(ctx, result, error);
    let cluster_id = c.id;
    let d = doomed.clone();
    let submit = move |_| {
        let confirm = typed.get_untracked();
        match d.clone() {
            Doomed::Cluster => {
                del_cluster.dispatch(DeleteCluster { cluster_id, confirm });
            }
            Doomed::Shard { id, .. } => {
                del_shard.dispatch(DeleteShard { cluster_id, shard_id: id, confirm });
            }
            Doomed::Comp { id, .. } => {
                del_comp.dispatch(DeleteComp { cluster_id, comp_id: id, confirm });
            }
            Doomed::Node { shard_id, host, port } => {
                del_node.dispatch(DeleteNode {
                    cluster_id,
                    shard_id,
                    hostaddr: host,
                    port,
                    confirm,
                });
            }
        }
    };
    let w = word.clone();
    let matches = move || confirmed(&w, &typed.get());
    view! {
        <form class="mt-3 max-w-xl rounded border border-red-300 bg-red-50 p-3" role="alertdialog"
            aria-labelledby="confirm-title" data-test="confirm-delete" on:submit=|ev| ev.prevent_default()
            on:keydown=move |ev| if ev.key() == "Escape" { ctx.panel.set(Panel::None) }>
            <h2 id="confirm-title" class="font-semibold text-red-900">{fill!(tu_string!(i18n, cluster.delete_what), what = doomed.what(i18n.get_locale_untracked()))}</h2>
            <TypeToConfirm prompt=tu_string!(i18n, cluster.cannot_undo_type) word=word.clone() typed=typed field=field/>
            <p class="min-h-5 text-sm text-red-700" role="alert" data-test="confirm-error">{move || error.get().map(|e| e.message(i18n.get_locale_untracked()))}</p>
            <div class="flex gap-2">
                <button type="submit" class="rounded bg-red-700 px-3 py-1 text-white disabled:opacity-40" data-test="confirm-submit"
                    disabled=move || !matches() on:click=submit>{tu_string!(i18n, common.delete)}</button>
                <button type="button" class="rounded border px-3 py-1" on:click=move |_| ctx.panel.set(Panel::None)>{tu_string!(i18n, cluster.cancel)}</button>
            </div>
        </form>
    }
}
