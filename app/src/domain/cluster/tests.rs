use super::*;

fn good() -> ClusterDraft {
    ClusterDraft {
        nick_name: "orders".into(),
        shards: "2".into(),
        replicas: "3".into(),
        comps: "2".into(),
        computer_password: "Secret#2026".into(),
        ..ClusterDraft::default()
    }
}

fn fields(d: &ClusterDraft) -> Vec<&'static str> {
    d.validate(Locale::en).err().unwrap_or_default().into_iter().map(|e| e.field).collect()
}

#[test]
fn the_defaults_with_a_name_and_password_pass() {
    let v = good().validate(Locale::en).unwrap();
    assert_eq!((v.shards, v.replicas, v.comps, v.fullsync_level), (2, 3, 2, 1));
    assert_eq!(v.ha_mode, HaMode::Rbr);
    assert!(good().warnings(Locale::en).is_empty());
}

#[test]
fn every_bound_of_every_field() {
    type Change = fn(&mut ClusterDraft);
    let cases: &[(&str, Change)] = &[
        ("nick_name", |d| d.nick_name = "  ".into()),
        ("nick_name", |d| d.nick_name = "x".repeat(65)),
        ("nick_name", |d| d.nick_name = "a'b".into()),
        ("nick_name", |d| d.nick_name = "<script>".into()),
        ("nick_name", |d| d.nick_name = "a\nb".into()),
        ("ha_mode", |d| d.ha_mode = "galera".into()),
        ("shards", |d| d.shards = "0".into()),
        ("shards", |d| d.shards = "257".into()),
        ("shards", |d| d.shards = "two".into()),
        ("shards", |d| d.shards = "".into()),
        ("replicas", |d| d.replicas = "0".into()),
        ("replicas", |d| d.replicas = "257".into()),
        ("comps", |d| d.comps = "0".into()),
        ("comps", |d| d.comps = "257".into()),
        ("comps", |d| d.comps = "-1".into()),
        ("storage_hosts", |d| d.storage_hosts = vec!["10.0.0.300".into()]),
        ("compute_hosts", |d| d.compute_hosts = vec!["; rm -rf /".into()]),
        ("innodb_mb", |d| d.innodb_mb = "0".into()),
        ("innodb_mb", |d| d.innodb_mb = "99999999999".into()),
        ("fullsync_level", |d| d.fullsync_level = "3".into()),
        ("fullsync_level", |d| d.fullsync_level = "x".into()),
        ("degrade_secs", |d| {
            d.degrade = true;
            d.degrade_secs = "4".into()
        }),
        ("degrade_secs", |d| {
            d.degrade = true;
            d.degrade_secs = "501".into()
        }),
        ("data_storage_mb", |d| d.data_storage_mb = "0".into()),
        ("log_storage_mb", |d| d.log_storage_mb = "1.5".into()),
        ("max_storage_gb", |d| d.max_storage_gb = "".into()),
        ("max_connections", |d| d.max_connections = "100001".into()),
        ("cpu_cores", |d| d.cpu_cores = "0".into()),
        ("cpu_limit_mode", |d| d.cpu_limit_mode = "hard".into()),
        ("computer_user", |d| d.computer_user = "1abc".into()),
        ("computer_user", |d| d.computer_user = "a-b".into()),
        ("computer_user", |d| d.computer_user = "".into()),
        ("computer_password", |d| d.computer_password = "short".into()),
        ("computer_password", |d| d.computer_password = "with space 123".into()),
        ("computer_password", |d| d.computer_password = "quote'quote'".into()),
    ];
    for (field, change) in cases {
        let mut d = good();
        change(&mut d);
        assert_eq!(fields(&d), vec![*field], "{d:?}");
    }
}

#[test]
fn the_edges_that_are_allowed() {
    let mut d = good();
    d.shards = "256".into();
    d.replicas = "256".into();
    d.comps = "256".into();
    d.fullsync_level = "255".into();
    d.degrade = true;
    d.degrade_secs = "5".into();
    assert!(d.validate(Locale::en).is_ok());
    d.degrade_secs = "500".into();
    d.shards = "1".into();
    assert!(d.validate(Locale::en).is_ok());
}

#[test]
fn fullsync_must_stay_below_replicas() {
    let mut d = good();
    d.fullsync_level = "3".into();
    assert_eq!(fields(&d), ["fullsync_level"]);
    d.fullsync_level = "2".into();
    assert!(d.validate(Locale::en).is_ok());
    d.replicas = "1".into();
    d.fullsync_level = "1".into();
    assert_eq!(fields(&d), ["fullsync_level"]);
    d.fullsync_level = "0".into();
    assert!(d.validate(Locale::en).is_ok());
    assert_eq!(d.warnings(Locale::en).len(), 1, "one replica is allowed but warned about");
    d.computer_password.clear();
    assert_eq!(d.warnings(Locale::en).len(), 1, "warned while other fields are still wrong");
}

#[test]
fn proxysql_means_one_shard_and_no_rep_one_replica() {
    let mut d = good();
    d.install_proxysql = true;
    assert_eq!(fields(&d), ["shards"]);
    d.shards = "1".into();
    assert!(d.validate(Locale::en).is_ok());
    let mut d = good();
    d.ha_mode = "no_rep".into();
    assert!(fields(&d).contains(&"replicas"));
}

#[test]
fn hosts_are_ipv4_unique_and_capped_below_cluster_mgrs_buffer() {
    let mut d = good();
    d.storage_hosts = vec!["10.0.0.11".into(), " 10.0.0.11 ".into(), "10.0.0.12".into()];
    assert_eq!(d.validate(Locale::en).unwrap().storage_hosts, ["10.0.0.11", "10.0.0.12"]);
    d.storage_hosts = vec!["fe80::1".into()];
    assert!(fields(&d).contains(&"storage_hosts"), "cluster_mgr takes IPv4 only");
    d.storage_hosts = (0..100).map(|i| format!("10.0.1.{i}")).collect();
    d.compute_hosts = (0..50).map(|i| format!("10.0.2.{i}")).collect();
    assert!(d.validate(Locale::en).is_ok(), "150 hosts in all fit");
    d.compute_hosts.push("10.0.3.1".into());
    let e = d.validate(Locale::en).unwrap_err();
    assert!(
        e.iter().any(|e| e.field == "storage_hosts" && e.message.contains("At most 150")),
        "{e:?}"
    );
}

#[test]
fn the_compute_password_fits_comp_nodes_passwd_varchar_16() {
    let mut d = good();
    d.computer_password = "Sixteen#chars016".into();
    assert!(d.validate(Locale::en).is_ok());
    d.computer_password = "Seventeen#chars17".into();
    assert_eq!(fields(&d), ["computer_password"]);
}

#[test]
fn problems_are_shown_on_the_step_they_belong_to() {
    let mut d = good();
    d.nick_name.clear();
    d.cpu_cores = "0".into();
    let basics: Vec<_> =
        d.problems_up_to(Locale::en, WizardStep::Basics).into_iter().map(|e| e.field).collect();
    assert_eq!(basics, ["nick_name"]);
    assert_eq!(d.problems_up_to(Locale::en, WizardStep::Resources).len(), 2);
}
