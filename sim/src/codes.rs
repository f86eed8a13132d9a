//! cluster_mgr's error numbers and texts (`src/util_func/error_code.h` / `.cc`:
//! `EOFFSET(n)` is 70000 + n), for the refusals the simulator reproduces.

pub type Code = (i64, &'static str);

const fn e(offset: i64, text: &'static str) -> Code {
    (70000 + offset, text)
}

pub const INVALID_REQUEST: Code = e(1, "Invalid Request Protocal");
pub const MACHINE_MISS_HOSTADDR: Code = e(52, "Create machine job miss hostaddr in request job");
pub const MACHINE_MISS_TOTALMEM: Code = e(57, "Create machine job miss total_mem in request job");
pub const MACHINE_MISS_CPUCORES: Code =
    e(58, "Create machine job miss total_cpu_cores in request job");
pub const MACHINE_EXISTS: Code = e(62, "Create machine job add hostaddr in server_nodes");
pub const MACHINE_HAS_USED_PORT: Code = e(64, "Delete machine job used port is not null");
pub const MACHINE_NOT_EXIST: Code = e(66, "Delete machine hostaddr not in server_nodes");
pub const MACHINE_UNALIVE: Code = e(158, "Create machine job report machine unalive");
pub const CLUSTER_MISS_HAMODE: Code = e(71, "Create cluster job miss ha_mode in the request body");
pub const CLUSTER_SHARDS_WRONG: Code = e(73, "Create cluster job input shards number wrong");
pub const CLUSTER_NODES_WRONG: Code = e(75, "Create cluster job input nodes number wrong");
pub const CLUSTER_COMPS_WRONG: Code = e(77, "Create cluster job input comps number wrong");
pub const CLUSTER_MISS_MAX_STORAGE: Code =
    e(78, "Create cluster job miss max_storage_size in the request body");
pub const CLUSTER_MISS_MAX_CONNECTIONS: Code =
    e(79, "Create cluster job miss max_connections in the request body");
pub const CLUSTER_MISS_CPU_CORES: Code =
    e(80, "Create cluster job miss cpu_cores in the request body");
pub const CLUSTER_INNODB_WRONG: Code = e(82, "Create cluster job input innodb_size wrong");
pub const CLUSTER_INSTALL_STORAGE: Code = e(93, "Install storage error in create cluster job");
pub const CLUSTER_INSTALL_COMPUTER: Code = e(94, "Install computer error in create cluster job");
pub const CLUSTER_ID_UNKNOWN: Code = e(98, "Deleter cluster job check cluster id failed");
pub const FULLSYNC_TOO_BIG: Code = e(175, "Create cluster job assign fullsync level too big");
pub const STORAGE_IPLISTS: Code = e(181, "Create cluster job assign storage iplists failed");
pub const COMPUTER_IPLISTS: Code = e(182, "Create cluster job assign computer iplists failed");
pub const ADD_SHARD_SHARDS_WRONG: Code = e(121, "Add shard job shards number wrong");
pub const ADD_SHARD_NODES_WRONG: Code = e(123, "Add shard job node number wrong");
pub const ADD_SHARD_INSTALL: Code = e(146, "Add shard job install storage node failed");
pub const ADD_COMPS_INSTALL: Code = e(148, "Add computer job install computer node failed");
pub const ADD_NODE_NODES_WRONG: Code = e(156, "Add node job node number wrong");
pub const ADD_NODE_SHARD_UNKNOWN: Code = e(161, "Add node job get shard_id from shards failed");
pub const DELETE_COMP_MISS_ID: Code =
    e(133, "Delete computer job miss comp id in the request body");
pub const DELETE_COMP_ONLY_ONE: Code = e(157, "Delete computer job get only one comp node");
pub const DELETE_SHARD_ONLY_ONE: Code = e(174, "Delete shard job get just only one shard");
pub const DELETE_SHARD_UNKNOWN: Code =
    e(141, "Delete shard job get storage node from shard_nodes failed");
pub const DELETE_NODE_ONLY_ONE: Code = e(159, "Delete node job get only one shard node");
pub const DELETE_NODE_MASTER: Code = e(172, "Delete node job delete master node");
pub const DELETE_NODE_UNKNOWN: Code = e(173, "Delete node job delete node is not in shards");
/// Not a cluster_mgr code: the simulator's own for "no free port / machine left".
pub const NO_RESOURCES: Code = (79001, "No running machine with free ports left for the instances");
/// Not a cluster_mgr code: a fault injected on purpose by a test.
pub const INJECTED: Code = (79002, "Injected failure (simulator fault)");
