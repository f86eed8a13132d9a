//! A compute node's MySQL port, marked when the metadata does not hold it and the
//! console derived it (PostgreSQL port + 1, cluster_mgr's convention).

use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn MysqlPort(port: u16, derived: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span data-test="mysql-port" data-derived=derived.to_string()>{port}</span>
        {derived.then(|| view! {
            <abbr class="ml-0.5 cursor-help text-slate-500 no-underline" title=tu_string!(i18n, common.mysql_port_derived)
                data-test="mysql-port-derived">"*"</abbr>
        })}
    }
}
