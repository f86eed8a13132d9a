//! 首页 Home: where the console starts after login.

use crate::paths;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <h1 class="mb-4 text-xl font-semibold">"Welcome · 欢迎"</h1>
        <p class="mb-2">"Start with the machines of the deployment, then create clusters on them."</p>
        <ol class="list-decimal pl-6">
            <li><a class="text-sky-700 underline" href=paths::MACHINES>"Machines · 计算机管理"</a></li>
            <li><a class="text-sky-700 underline" href=paths::CLUSTERS>"Clusters · 集群管理"</a></li>
        </ol>
    }
}
