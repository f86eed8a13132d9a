//! `get_variable` / `set_variable` (day2-jobs.md §6; engine/variables.rs): answered at
//! once on both profiles; a storage instance's variable read, set (the unquoted value in
//! `type`, as 1.0.2 builds its `SET PERSIST`) and read again; a compute instance read
//! but never set; unknown instances and variables refused as 1.0.2 refuses them.

use super::*;

fn get(host: &str, port: u16, v: &str) -> GetVariable {
    GetVariable { hostaddr: host.into(), port, variable: v.into() }
}

#[tokio::test]
async fn a_storage_variable_is_read_set_and_read_again() {
    on_every_sim(|t| async move {
        t.add_machines(&["10.0.0.11", "10.0.0.12"], &["10.0.0.21"]).await;
        let cid = running_cluster(&t, "var", 1, 2).await;
        let n = &t.sim.store().node_rows(cid).await.unwrap()[0];
        let (h, p) = (n.hostaddr.clone(), n.port);
        let read = |v: &str| {
            let job = get(&h, p, v);
            let c = &t.client;
            async move { c.call("super_dba", &job, true).await.unwrap() }
        };
        let a = read("fullsync_timeout").await;
        assert_eq!(
            (a["result"].as_str(), a["value"].as_str()),
            (Some("true"), Some("10000")),
            "{}",
            t.label
        );

        let set = SetVariable::unquoted(h.clone(), p, "fullsync_timeout".into(), "20000".into());
        assert_eq!(t.client.call("u", &set, false).await.unwrap()["result"], "true", "{}", t.label);
        assert_eq!(read("fullsync_timeout").await["value"], "20000", "{}", t.label);
        // Quoted, a number is MySQL's error 1232: "false", nothing changed.
        let set = SetVariable::quoted(h.clone(), p, "fullsync_timeout".into(), "30000".into());
        assert_eq!(
            t.client.call("u", &set, false).await.unwrap()["result"],
            "false",
            "{}",
            t.label
        );
        assert_eq!(read("fullsync_timeout").await["value"], "20000", "{}", t.label);
        // An unknown variable: the statement fails.
        assert_eq!(read("no_such_variable").await["result"], "false", "{}", t.label);
        // An instance in no cluster: the handler returns false.
        match t.client.call("u", &get("10.9.9.9", 1, "fullsync_timeout"), true).await {
            Err(ClientError::Rejected { code, info }) => {
                assert_eq!((code, info.as_str()), (0, "OK"), "{}", t.label)
            }
            other => panic!("{}: {other:?}", t.label),
        }
        // A compute instance is read with SHOW, and its set does nothing: "false".
        let comp = t.sim.store().comp_rows(cid).await.unwrap()[0].clone();
        let (ch, cp) = (comp.1.clone(), comp.2);
        let a = t.client.call("u", &get(&ch, cp, "max_connections"), true).await.unwrap();
        assert_eq!(a["value"], "1000", "{}", t.label);
        let set = SetVariable::unquoted(ch, cp, "max_connections".into(), "10".into());
        assert_eq!(
            t.client.call("u", &set, false).await.unwrap()["result"],
            "false",
            "{}",
            t.label
        );
    })
    .await;
}
