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
use crate::domain::cluster::{ha_mode_label, ClusterDraft, HaMode, WizardStep};
use crate::domain::field::FieldError;
use crate::error::AppError;
use crate::i18n::*;
use crate::lang::fill;
use crate::paths;
use leptos::prelude::*;

mod review;
mod steps;

use review::Review;
use steps::{Basics, Resources, TopologyStep};

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
                WizardStep::Topology => view! { <TopologyStep w=w machines=machines/> }.into_any(),
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
