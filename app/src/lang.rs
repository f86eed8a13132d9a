//! Languages: Chinese (zh-CN) and English. Every text is a key in `locales/*.json`, read
//! through the `i18n` module that `leptos_i18n` generates.
//!
//! Which language a page speaks, in order: the `i18n_pref_locale` cookie (set by the
//! switch, and at login from the user's stored choice, so the choice follows the user to
//! any browser), else the browser's `Accept-Language`, else English. Changing language
//! reloads the page, so texts computed once (labels, attributes, server messages) are
//! never left in the old language. For the same reason pages read texts untracked
//! (`tu_string!`, a `&'static str`) rather than with the reactive `t!`: a reactive node
//! per text made the wasm 59 KiB (brotli) bigger for nothing (measured, docs/BENCHMARKS.md).

use crate::i18n::*;

/// The cookie that carries the chosen language (the name `leptos_i18n` reads).
pub const COOKIE: &str = "i18n_pref_locale";

/// The values of the cookies named `name` in a `Cookie` header (or `document.cookie`),
/// parsed by the `cookie` crate (which the language context already brings into both
/// builds): the one cookie parser of the server and the browser.
pub fn cookie_values<'a>(header: &'a str, name: &'a str) -> impl Iterator<Item = String> + 'a {
    cookie::Cookie::split_parse(header)
        .filter_map(Result::ok)
        .filter(move |c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A locale from its tag as the store, the cookie and the switch write it (`en`, `zh-CN`).
pub fn parse_locale(tag: &str) -> Option<Locale> {
    Locale::get_all().iter().copied().find(|l| l.as_str() == tag)
}

/// `fill!(template, name = value, ...)`: the translated `template` with each `{name}`
/// replaced by its value. Texts with numbers or names in them keep named placeholders in
/// both languages, since word order differs between them.
macro_rules! fill {
    ($template:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::lang::fill_in($template, &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*])
    };
}
pub(crate) use fill;

/// What [`fill!`] does.
pub fn fill_in(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// Set by the switch when nobody is logged in: the language was picked on the login
/// page, so the login that follows keeps it (and stores it as the user's) instead of
/// bringing back the user's stored one.
pub const CHOSEN_BEFORE_LOGIN: &str = "xpanel_lang_chosen";

/// The name of a cluster_mgr job type, as XPanel's operation log names it
/// (`config/myconfig.php`); the type itself if it has no name.
pub fn job_name(l: Locale, job_type: &str) -> String {
    use klustron_vocab::JobType as T;
    let Some(t) = T::parse(job_type) else {
        // A job some other tool submitted: shown as cluster_mgr names it.
        return job_type.to_owned();
    };
    match t {
        T::CreateMachine => td_string!(l, common.add_machine),
        T::UpdateMachine => td_string!(l, job_type.update_machine),
        T::DeleteMachine => td_string!(l, job_type.delete_machine),
        T::CreateCluster => td_string!(l, common.create_cluster),
        T::DeleteCluster => td_string!(l, common.delete_cluster),
        T::AddShards => td_string!(l, job_type.add_shards),
        T::AddComps => td_string!(l, job_type.add_comps),
        T::AddNodes => td_string!(l, job_type.add_nodes),
        T::DeleteShard => td_string!(l, job_type.delete_shard),
        T::DeleteComp => td_string!(l, job_type.delete_comp),
        T::DeleteNode => td_string!(l, job_type.delete_node),
        T::ControlInstance => td_string!(l, job_type.control_instance),
        T::ManualSwitch => td_string!(l, job_type.manual_switch),
        T::RebuildNode => td_string!(l, job_type.rebuild_node),
        T::UpdateInstanceCgroup => td_string!(l, job_type.update_instance_cgroup),
        T::SetNoswitch => td_string!(l, job_type.set_noswitch),
        T::DelNoswitch => td_string!(l, job_type.del_noswitch),
        T::ListNoswitch => td_string!(l, job_type.list_noswitch),
        T::UpdateShardDegradeConf => td_string!(l, job_type.update_shard_degrade_conf),
        T::GetVariable => td_string!(l, job_type.get_variable),
        T::SetVariable => td_string!(l, job_type.set_variable),
        T::GetStatus => td_string!(l, job_type.get_status),
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_to_locales_and_back() {
        for l in Locale::get_all() {
            assert_eq!(parse_locale(l.as_str()), Some(*l));
        }
        assert_eq!(parse_locale("zh-CN"), Some(Locale::zh_CN));
        assert_eq!(parse_locale("fr"), None);
        assert_eq!(parse_locale("zh-CN; Path=/"), None);
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        let t = fill!("需要{count}个{kind}实例", count = 3, kind = "存储");
        assert_eq!(t, "需要3个存储实例");
        assert_eq!(fill!("{a} {a} {b}", a = 1), "1 1 {b}");
    }

    #[test]
    fn job_types_have_names_in_both_languages() {
        assert_eq!(job_name(Locale::zh_CN, "create_cluster"), "新增集群");
        assert_eq!(job_name(Locale::en, "create_cluster"), "Create cluster");
        assert_eq!(job_name(Locale::zh_CN, "rebuild_node"), "重做备机节点");
        // A job type the console does not send: cluster_mgr's word.
        assert_eq!(job_name(Locale::en, "expand_cluster"), "expand_cluster");
    }

    #[test]
    fn cookies_are_found_by_exact_name_among_others() {
        let h = "a=1; i18n_pref_locale=zh-CN;x_i18n_pref_locale=en ;  b = 2";
        assert_eq!(cookie_values(h, COOKIE).collect::<Vec<_>>(), ["zh-CN"]);
        assert_eq!(cookie_values("a=1; a=2", "a").count(), 2);
        assert_eq!(cookie_values("garbage;;=;", COOKIE).count(), 0);
    }
}
