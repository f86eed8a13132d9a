//! The cluster topology as a picture: compute nodes on top (each routes to every shard),
//! the shards with their primary and replicas in the middle, and the machines they run on
//! at the bottom, a line from every instance to its machine. Drawn from the metadata on
//! the cluster page and from the placement preview in the wizard's review step.
//!
//! The layout is a pure function ([`layout`]) so it is tested without a browser; the SVG
//! colours are Tailwind classes, so the picture follows the light or dark theme.

use crate::domain::cluster_plan::ClusterPlan;
use crate::domain::cluster_view::ClusterDetail;
use crate::domain::shard_settings::lagging;
use crate::i18n::*;
use crate::lang::fill;
use leptos::prelude::*;

/// One instance: where it runs and how it is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub host: String,
    pub port: u16,
    pub primary: bool,
    /// False for an instance the metadata reports as not running.
    pub healthy: bool,
    /// A replica further behind than its shard's threshold: its lag in seconds.
    pub lagging: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardTopology {
    pub name: String,
    pub nodes: Vec<Instance>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    pub comps: Vec<Instance>,
    pub shards: Vec<ShardTopology>,
}

impl From<&ClusterDetail> for Topology {
    fn from(c: &ClusterDetail) -> Self {
        // Klustron's instance states: inactive (异常) and manual_stop (停止) are not serving.
        let up = |status: &str| !matches!(status, "inactive" | "manual_stop");
        Topology {
            comps: c
                .comps
                .iter()
                .map(|n| Instance {
                    host: n.hostaddr.clone(),
                    port: n.pg_port,
                    primary: false,
                    healthy: up(&n.status),
                    lagging: None,
                })
                .collect(),
            shards: c
                .shards
                .iter()
                .map(|s| ShardTopology {
                    name: s.name.clone(),
                    nodes: s
                        .nodes
                        .iter()
                        .map(|n| Instance {
                            host: n.hostaddr.clone(),
                            port: n.port,
                            primary: n.primary,
                            healthy: up(&n.status),
                            lagging: lagging(n.primary, n.lag_secs, s.max_lag_secs)
                                .then_some(n.lag_secs),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

impl From<&ClusterPlan> for Topology {
    fn from(p: &ClusterPlan) -> Self {
        let planned = |host: &str, port: u16, primary: bool| Instance {
            host: host.to_owned(),
            port,
            primary,
            healthy: true,
            lagging: None,
        };
        Topology {
            comps: p.comps.iter().map(|c| planned(&c.hostaddr, c.port, false)).collect(),
            shards: p
                .shards
                .iter()
                .enumerate()
                .map(|(i, nodes)| ShardTopology {
                    name: format!("shard{}", i + 1),
                    nodes: nodes
                        .iter()
                        .enumerate()
                        .map(|(j, n)| planned(&n.hostaddr, n.port, j == 0))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// What a drawn box stands for (it picks the colours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Compute,
    Shard,
    Primary,
    Replica,
    Machine,
    Down,
    /// A replica past its shard's lag threshold.
    Lagging,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub kind: Kind,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub label: String,
    pub sub: String,
    /// `host:port` of the instance a box stands for (none for shards and machines).
    pub instance: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub width: i32,
    pub height: i32,
    pub shapes: Vec<Shape>,
    /// Lines as (x1, y1, x2, y2).
    pub links: Vec<(i32, i32, i32, i32)>,
}

const NODE_W: i32 = 132;
const NODE_H: i32 = 40;
const GAP: i32 = 12;
const PAD: i32 = 10;
const ROW_COMPS: i32 = 24;
const ROW_SHARDS: i32 = 120;
const SHARD_HEAD: i32 = 22;

/// Positions every box and line. Rows are centred on the widest one.
pub fn layout(t: &Topology, lang: Locale) -> Layout {
    let row = |n: usize, w: i32| if n == 0 { 0 } else { n as i32 * (w + GAP) - GAP };
    let shard_w = |s: &ShardTopology| row(s.nodes.len().max(1), NODE_W) + 2 * PAD;
    let shards_w = t.shards.iter().map(|s| shard_w(s) + GAP).sum::<i32>() - GAP;
    let mut machines: Vec<&str> = t
        .comps
        .iter()
        .chain(t.shards.iter().flat_map(|s| &s.nodes))
        .map(|i| i.host.as_str())
        .collect();
    machines.sort_unstable();
    machines.dedup();
    let width = row(t.comps.len(), NODE_W).max(shards_w).max(row(machines.len(), NODE_W)) + 2 * PAD;
    let start = |row_w: i32| (width - row_w) / 2;
    let shard_h = SHARD_HEAD + NODE_H + PAD;
    let row_machines = ROW_SHARDS + shard_h + 56;
    let mut out = Layout { width, height: row_machines + NODE_H + PAD, ..Layout::default() };

    let machine_x = |host: &str| {
        let i = machines.iter().position(|m| *m == host).unwrap_or(0) as i32;
        start(row(machines.len(), NODE_W)) + i * (NODE_W + GAP) + NODE_W / 2
    };
    let to_machine = |x: i32, y: i32, host: &str| (x, y + NODE_H, machine_x(host), row_machines);

    // Compute nodes, and the bus through which each reaches every shard.
    let bus_y = ROW_SHARDS - 22;
    let x0 = start(row(t.comps.len(), NODE_W));
    for (i, c) in t.comps.iter().enumerate() {
        let x = x0 + i as i32 * (NODE_W + GAP);
        out.shapes.push(Shape {
            kind: if c.healthy { Kind::Compute } else { Kind::Down },
            x,
            y: ROW_COMPS,
            w: NODE_W,
            h: NODE_H,
            label: format!("CN {}", i + 1),
            sub: format!("{}:{}", c.host, c.port),
            instance: Some(format!("{}:{}", c.host, c.port)),
        });
        out.links.push((x + NODE_W / 2, ROW_COMPS + NODE_H, x + NODE_W / 2, bus_y));
    }

    // Shards, each a frame holding its primary and replicas.
    let mut x = start(shards_w.max(0));
    let mut centres = Vec::new();
    for s in &t.shards {
        let w = shard_w(s);
        out.shapes.push(Shape {
            kind: Kind::Shard,
            x,
            y: ROW_SHARDS,
            w,
            h: shard_h,
            // One line: the replicas sit right under it.
            label: fill!(td_string!(lang, topology.shard_label), name = s.name, n = s.nodes.len()),
            sub: String::new(),
            instance: None,
        });
        centres.push(x + w / 2);
        out.links.push((x + w / 2, bus_y, x + w / 2, ROW_SHARDS));
        for (j, n) in s.nodes.iter().enumerate() {
            let nx = x + PAD + j as i32 * (NODE_W + GAP);
            let ny = ROW_SHARDS + SHARD_HEAD;
            let kind = match (n.healthy, n.primary, n.lagging) {
                (false, _, _) => Kind::Down,
                (true, true, _) => Kind::Primary,
                (true, false, Some(_)) => Kind::Lagging,
                (true, false, None) => Kind::Replica,
            };
            let role = match (n.primary, n.lagging) {
                (true, _) => td_string!(lang, common.primary).to_owned(),
                (false, Some(lag)) => fill!(td_string!(lang, topology.lagging), lag = lag),
                (false, None) => td_string!(lang, common.replica).to_owned(),
            };
            out.shapes.push(Shape {
                kind,
                x: nx,
                y: ny,
                w: NODE_W,
                h: NODE_H,
                label: role,
                sub: format!("{}:{}", n.host, n.port),
                instance: Some(format!("{}:{}", n.host, n.port)),
            });
            out.links.push(to_machine(nx + NODE_W / 2, ny, &n.host));
        }
        x += w + GAP;
    }
    let bus_ends = out
        .links
        .iter()
        .filter(|l| l.1 == ROW_COMPS + NODE_H)
        .map(|l| l.0)
        .chain(centres.iter().copied());
    let (lo, hi) = bus_ends.fold((i32::MAX, i32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo < hi {
        out.links.push((lo, bus_y, hi, bus_y));
    }
    for (i, c) in t.comps.iter().enumerate() {
        let x = x0 + i as i32 * (NODE_W + GAP);
        out.links.push(to_machine(x + NODE_W / 2, ROW_COMPS, &c.host));
    }

    // Machines.
    let mx = start(row(machines.len(), NODE_W));
    for (i, m) in machines.iter().enumerate() {
        out.shapes.push(Shape {
            kind: Kind::Machine,
            x: mx + i as i32 * (NODE_W + GAP),
            y: row_machines,
            w: NODE_W,
            h: NODE_H,
            label: td_string!(lang, topology.machine).into(),
            sub: (*m).to_owned(),
            instance: None,
        });
    }
    out
}

fn classes(kind: Kind) -> &'static str {
    match kind {
        Kind::Compute => "fill-sky-50 stroke-sky-700",
        Kind::Shard => "fill-slate-50 stroke-slate-300",
        Kind::Primary => "fill-green-50 stroke-green-700",
        Kind::Replica => "fill-white stroke-slate-500",
        Kind::Machine => "fill-slate-100 stroke-slate-500",
        Kind::Down => "fill-red-50 stroke-red-700",
        Kind::Lagging => "fill-amber-50 stroke-amber-600",
    }
}

/// The picture, with a text summary for screen readers. With `on_select`, each
/// instance's box is a button that calls it with the instance's `host:port`.
#[component]
pub fn TopologyView(
    topology: Topology,
    #[prop(optional)] on_select: Option<Callback<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = layout(&topology, i18n.get_locale_untracked());
    let hosts = l.shapes.iter().filter(|s| s.kind == Kind::Machine).count();
    let summary = fill!(
        tu_string!(i18n, topology.summary),
        comps = topology.comps.len(),
        shards = topology.shards.len(),
        hosts = hosts
    );
    view! {
        // Focusable: a wide picture scrolls, and the keyboard must be able to scroll it.
        <figure class="mt-4 overflow-x-auto rounded border border-slate-200 bg-white p-2" data-test="topology" tabindex="0">
            <svg
                viewBox=format!("0 0 {} {}", l.width, l.height)
                width=l.width
                height=l.height
                // A picture, or a group of buttons when its instances can be picked.
                role=if on_select.is_some() { "group" } else { "img" }
                aria-label=summary.clone()
                class="max-w-none"
            >
                <title>{summary.clone()}</title>
                {l.links.iter().map(|&(x1, y1, x2, y2)| view! {
                    <line x1=x1 y1=y1 x2=x2 y2=y2 class="stroke-slate-300" stroke-width="1"/>
                }).collect_view()}
                {l.shapes.into_iter().map(|s| {
                    let text_x = s.x + 6;
                    let pick = on_select.zip(s.instance.clone());
                    let (button, address) = (pick.is_some(), s.instance.clone());
                    let on_key = pick.clone();
                    view! {
                        <g data-kind=format!("{:?}", s.kind).to_lowercase()
                            data-address=address
                            role=button.then_some("button")
                            tabindex=button.then_some("0")
                            class=if button { "cursor-pointer focus:outline-2 focus:outline-sky-700" } else { "" }
                            on:click=move |_| if let Some((cb, a)) = &pick { cb.run(a.clone()) }
                            on:keydown=move |ev| if ev.key() == "Enter" {
                                if let Some((cb, a)) = &on_key { cb.run(a.clone()) }
                            }>
                            <rect x=s.x y=s.y width=s.w height=s.h rx="4" class=classes(s.kind) stroke-width="1.5"/>
                            <text x=text_x y=s.y + 15 class="fill-slate-700" font-size="11" font-weight="600">{s.label}</text>
                            <text x=text_x y=s.y + 30 class="fill-slate-600" font-size="11" font-family="monospace">{s.sub}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="text-xs text-slate-500">{summary}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(host: &str, port: u16, primary: bool) -> Instance {
        Instance { host: host.into(), port, primary, healthy: true, lagging: None }
    }

    fn two_shards() -> Topology {
        Topology {
            comps: vec![inst("10.0.0.1", 47001, false), inst("10.0.0.2", 47001, false)],
            shards: vec![
                ShardTopology {
                    name: "shard1".into(),
                    nodes: vec![inst("10.0.0.3", 57001, true), inst("10.0.0.4", 57001, false)],
                },
                ShardTopology {
                    name: "shard2".into(),
                    nodes: vec![inst("10.0.0.4", 57004, true), inst("10.0.0.3", 57004, false)],
                },
            ],
        }
    }

    #[test]
    fn every_instance_and_machine_is_drawn_once() {
        let l = layout(&two_shards(), Locale::en);
        let count = |k| l.shapes.iter().filter(|s| s.kind == k).count();
        assert_eq!(count(Kind::Compute), 2);
        assert_eq!(count(Kind::Shard), 2);
        assert_eq!(count(Kind::Primary), 2);
        assert_eq!(count(Kind::Replica), 2);
        assert_eq!(count(Kind::Machine), 4, "10.0.0.3 and .4 carry two instances each");
    }

    #[test]
    fn every_instance_is_linked_to_its_machine() {
        let l = layout(&two_shards(), Locale::en);
        let machine_top = l.shapes.iter().find(|s| s.kind == Kind::Machine).unwrap().y;
        let to_machines = l.links.iter().filter(|k| k.3 == machine_top).count();
        assert_eq!(to_machines, 6, "2 compute nodes + 4 storage nodes");
    }

    #[test]
    fn nothing_leaves_the_picture_and_boxes_in_a_row_do_not_overlap() {
        let l = layout(&two_shards(), Locale::en);
        for s in &l.shapes {
            assert!(s.x >= 0 && s.y >= 0, "{s:?}");
            assert!(s.x + s.w <= l.width && s.y + s.h <= l.height, "{s:?}");
        }
        let mut machines: Vec<_> = l.shapes.iter().filter(|s| s.kind == Kind::Machine).collect();
        machines.sort_by_key(|s| s.x);
        assert!(machines.windows(2).all(|w| w[0].x + w[0].w < w[1].x));
    }

    #[test]
    fn a_stopped_instance_is_drawn_as_down() {
        let mut t = two_shards();
        t.shards[0].nodes[1].healthy = false;
        let l = layout(&t, Locale::en);
        assert_eq!(l.shapes.iter().filter(|s| s.kind == Kind::Down).count(), 1);
    }

    #[test]
    fn a_replica_past_its_threshold_is_drawn_lagging_with_its_lag() {
        let mut t = two_shards();
        t.shards[1].nodes[1].lagging = Some(120);
        let l = layout(&t, Locale::en);
        let lagging: Vec<_> = l.shapes.iter().filter(|s| s.kind == Kind::Lagging).collect();
        assert_eq!(lagging.len(), 1);
        assert_eq!(lagging[0].sub, "10.0.0.3:57004");
        assert!(lagging[0].label.contains("120"), "{}", lagging[0].label);
        // A stopped replica is drawn down, whatever its lag.
        t.shards[1].nodes[1].healthy = false;
        assert!(layout(&t, Locale::en).shapes.iter().all(|s| s.kind != Kind::Lagging));
    }
}
