//! cluster_mgr's error numbers and texts (`src/util_func/error_code.h` for the numbers,
//! `error_code.cc` `g_error_num_str` for the texts, index = offset): `EOFFSET(n)` is
//! 70000 + n. Only the codes the simulator reproduces are here, each named as in
//! error_code.h.

pub type Code = (i64, &'static str);

const fn e(offset: i64, text: &'static str) -> Code {
    (70000 + offset, text)
}

/// `EOK`, the text every successful memo carries.
pub const OK: Code = (0, "OK");
/// `EFAIL` / `EIVALID_REQUEST_PROTOCAL`.
pub const EFAIL: Code = e(1, "Invalid Request Protocal");

pub const MACHINE_QUEST_LOST_PARAS: Code =
    e(49, "Machine request job miss paras in the request body");
pub const MACHINE_QUEST_MISS_MACHINE_TYPE: Code =
    e(50, "Machine request job miss machine_type in the paras");
pub const MACHINE_QUEST_MACHINE_TYPE: Code = e(51, "Machine type is not support in request job");
pub const CREATE_MACHINE_MISS_HOSTADDR: Code =
    e(52, "Create machine job miss hostaddr in request job");
pub const CREATE_MACHINE_MISS_RACKID: Code =
    e(53, "Create machine job miss rack_id in request job");
pub const CREATE_MACHINE_MISS_DATADIR: Code =
    e(54, "Create machine job miss datadir in request job");
pub const CREATE_MACHINE_MISS_LOGDIR: Code = e(55, "Create machine job miss logdir in request job");
pub const CREATE_MACHINE_MISS_WALLOGDIR: Code =
    e(56, "Create machine job miss wal_log_dir in request job");
pub const CREATE_MACHINE_MISS_TOTALMEM: Code =
    e(57, "Create machine job miss total_mem in request job");
pub const CREATE_MACHINE_MISS_CPUCORES: Code =
    e(58, "Create machine job miss total_cpu_cores in request job");
pub const CREATE_MACHINE_MISS_COMPDATADIR: Code =
    e(61, "Create machine job miss comp_datadir in request job");
pub const CREATE_MACHINE_HOSTADDR_EXIST: Code =
    e(62, "Create machine job add hostaddr in server_nodes");
pub const DELETE_MACHINE_HAS_USED_PORT: Code = e(64, "Delete machine job used port is not null");
pub const DELETE_MACHINE_HOSTADDR_NOT_EXIST: Code =
    e(66, "Delete machine hostaddr not in server_nodes");
pub const DELETE_MACHINE_MISS_HOSTADDR: Code =
    e(67, "Delete machine job miss hostaddr in request job");
pub const CREATE_MACHINE_REPORT_ALIVE: Code = e(158, "Create machine job report machine unalive");

pub const CREATE_CLUSTER_QUEST_LOST_PARAS: Code =
    e(70, "Create cluster job miss paras in the request body");
pub const CREATE_CLUSTER_QUEST_MISS_HAMODE: Code =
    e(71, "Create cluster job miss ha_mode in the request body");
pub const CREATE_CLUSTER_QUEST_MISS_SHARDS: Code =
    e(72, "Create cluster job miss shards in the request body");
pub const CREATE_CLUSTER_QUEST_SHARDS_PARAM: Code =
    e(73, "Create cluster job input shards number wrong");
pub const CREATE_CLUSTER_QUEST_MISS_NODES: Code =
    e(74, "Create cluster job miss nodes in the request body");
pub const CREATE_CLUSTER_QUEST_NODES_PARAM: Code =
    e(75, "Create cluster job input nodes number wrong");
pub const CREATE_CLUSTER_QUEST_MISS_COMPS: Code =
    e(76, "Create cluster job miss comps in the request body");
pub const CREATE_CLUSTER_QUEST_COMPS_PARAM: Code =
    e(77, "Create cluster job input comps number wrong");
pub const CREATE_CLUSTER_QUEST_MISS_MAX_STORAGE_SIZE: Code =
    e(78, "Create cluster job miss max_storage_size in the request body");
pub const CREATE_CLUSTER_QUEST_MISS_MAX_CONNECTIONS: Code =
    e(79, "Create cluster job miss max_connections in the request body");
pub const CREATE_CLUSTER_QUEST_MISS_CPU_CORES: Code =
    e(80, "Create cluster job miss cpu_cores in the request body");
pub const CREATE_CLUSTER_QUEST_MISS_INNODB_SIZE: Code =
    e(81, "Create cluster job miss innodb_size in the request body");
pub const CREATE_CLUSTER_QUEST_INNODB_SIZE_PARAM: Code =
    e(82, "Create cluster job input innodb_size wrong");
pub const CREATE_CLUSTER_INSTALL_STORAGE: Code =
    e(93, "Install storage error in create cluster job");
pub const CREATE_CLUSTER_INSTALL_COMPUTER: Code =
    e(94, "Install computer error in create cluster job");
pub const CREATE_CLUSTER_ASSIGN_STORAGE_IPLISTS: Code =
    e(181, "Create cluster job assign storage iplists failed");
pub const CREATE_CLUSTER_ASSIGN_COMPUTER_IPLISTS: Code =
    e(182, "Create cluster job assign computer iplists failed");

pub const DELETE_CLUSTER_QUEST_LOST_PARAS: Code =
    e(95, "Deleter cluster job miss paras in the request body");
pub const DELETE_CLUSTER_QUEST_MISSING_PARAM: Code =
    e(96, "Deleter cluster job lost input parameter");
pub const DELETE_CLUSTER_CHECK_ID_BY_CLUSTER_NAME: Code =
    e(97, "Deleter cluster job check cluster name failed");
pub const DELETE_CLUSTER_CHECK_ID_BY_CLUSTER_ID: Code =
    e(98, "Deleter cluster job check cluster id failed");
pub const CLUSTER_MGR_RESTART: Code = e(106, "Cluster mgr restart to rollback job");

pub const ADD_COMPUTER_QUEST_LOST_PARAS: Code =
    e(107, "Add computer job miss paras in the request body");
pub const ADD_COMPUTER_QUEST_MISS_COMPS: Code =
    e(108, "Add computer job miss comps in the request body");
pub const ADD_COMPUTER_QUEST_MISS_CLUSTERID: Code =
    e(109, "Add computer job miss cluster id in the request body");
pub const ADD_COMPUTER_QUEST_COMPS_PARAM: Code =
    e(110, "Add computer job input comps number wrong");
pub const GET_MEMO_FROM_DB_CLUSTER: Code = e(111, "Get memo from db_clusters failed");
pub const GET_MEMO_NUM_CLUSTERID: Code = e(112, "Get memo record too many");
pub const GET_MEMO_NULL_CLUSTERID: Code = e(113, "Get empty memo by cluster id");
pub const PARSE_CLUSTER_MEMO_JSON: Code = e(114, "Json parse memo failed");
pub const ADD_COMPUTER_GET_COMPUTER_MATCH_COMPS: Code =
    e(115, "Add computer job don't get enough node for install computer");
pub const ADD_COMPUTER_INSTALL_COMPUTER: Code =
    e(148, "Add computer job install computer node failed");
pub const ADD_COMPUTER_DEAL_POST: Code = e(150, "Add computer job deal post step failed");
pub const ADD_COMPUTER_ASSIGN_COMPUTER_IPLISTS: Code =
    e(185, "Add computer job assign computer iplists failed");

pub const ADD_SHARD_QUEST_LOST_PARAS: Code = e(118, "Add shard job miss paras in the request body");
pub const ADD_SHARD_QUEST_MISS_CLUSTERID: Code =
    e(119, "Add shard job miss cluster id in the request body");
pub const ADD_SHARD_QUEST_MISS_SHARDS: Code =
    e(120, "Add shard job miss shards id in the request body");
pub const ADD_SHARD_QUEST_SHARDS_PARAM: Code = e(121, "Add shard job shards number wrong");
pub const ADD_SHARD_QUEST_MISS_NODES: Code = e(122, "Add shard job miss nodes in the request body");
pub const ADD_SHARD_QUEST_NODES_PARAM: Code = e(123, "Add shard job node number wrong");
pub const ADD_SHARD_GET_STORAGE_MATCH_NODES: Code =
    e(128, "Add shard job storage node umatch nodes");
pub const ADD_SHARD_INSTALL_STORAGE: Code = e(146, "Add shard job install storage node failed");
pub const ADD_SHARD_DEAL_POST: Code = e(151, "Add shard job deal post step failed");
pub const ADD_SHARD_ASSIGN_STORAGE_IPLISTS: Code =
    e(184, "Add shard job assign storage iplists failed");

pub const DELETE_COMPUTER_GET_CLUSTER_NAME: Code =
    e(124, "Delete computer job get cluster name sql failed");
pub const DELETE_COMPUTER_GET_CLUSTER_NAME_NUM: Code =
    e(125, "Delete computer job get cluster name too many");
pub const DELETE_COMPUTER_QUEST_LOST_PARAS: Code =
    e(131, "Delete computer job miss paras in the request body");
pub const DELETE_COMPUTER_QUEST_MISS_CLUSTERID: Code =
    e(132, "Delete computer job miss cluster id in the request body");
pub const DELETE_COMPUTER_QUEST_MISS_COMPID: Code =
    e(133, "Delete computer job miss comp id in the request body");
pub const DELETE_COMPUTER_DISPATCH_COMPUTER_JOB: Code =
    e(135, "Delete computer job dispatch sub job failed");
pub const DELETE_COMPUTER_GET_COMP_NODES_NUM: Code =
    e(157, "Delete computer job get only one comp node");

pub const DELETE_SHARD_QUEST_LOST_PARAS: Code =
    e(138, "Delete shard job miss paras in the request body");
pub const DELETE_SHARD_QUEST_MISS_CLUSTERID: Code =
    e(139, "Delete shard job miss cluster id in the request body");
pub const DELETE_SHARD_QUEST_MISS_SHARDID: Code =
    e(140, "Delete shard job miss shard id in the request body");
pub const DELETE_SHARD_DISPATCH_STORAGE_JOB: Code =
    e(143, "Delete shard job dispatch sub job failed");
pub const DELETE_SHARD_GET_SHARD_SQL: Code =
    e(160, "Delete shard job get shard nums from metadb failed");
pub const DELETE_SHARD_GET_SHARD_NUM: Code = e(174, "Delete shard job get just only one shard");

pub const ADD_NODE_QUEST_LOST_PARAS: Code = e(153, "Add node job miss paras in the request body");
pub const ADD_NODE_QUEST_MISS_CLUSTERID: Code =
    e(154, "Add node job miss cluster_id in the request body");
pub const ADD_NODE_QUEST_MISS_NODES: Code = e(155, "Add node job miss nodes in the request body");
pub const ADD_NODE_QUEST_NODES_PARAM: Code = e(156, "Add node job node number wrong");
pub const ADD_NODE_GET_STORAGE_MATCH_NODES: Code =
    e(162, "Add node job get node number unmatch require");
pub const ADD_NODE_ASSIGN_STORAGE_IPLISTS: Code =
    e(183, "Add node job assign storage iplists failed");

pub const DEL_NODE_QUEST_LOST_PARAS: Code =
    e(167, "Delete node job miss paras in the request body");
pub const DEL_NODE_QUEST_MISS_CLUSTERID: Code =
    e(168, "Delete node job miss cluster_id in the request body");
pub const DEL_NODE_QUEST_MISS_SHARDID: Code =
    e(169, "Delete node job miss shard_id in the request body");
pub const DEL_NODE_QUEST_MISS_HOSTADDR: Code =
    e(170, "Delete node job miss hostaddr in the request body");
pub const DEL_NODE_QUEST_MISS_PORT: Code = e(171, "Delete node job miss port in the request body");
pub const DEL_NODE_IS_MASTER_NODE: Code = e(172, "Delete node job delete master node");
pub const DEL_NODE_NOT_IN_SHARD: Code = e(173, "Delete node job delete node is not in shards");
pub const DELETE_NODE_GET_NODE_NUM: Code = e(159, "Delete node job get only one shard node");
pub const DELETE_CLUSTER_DELETE_STORAGE: Code = e(100, "Deleter cluster job delete shard failed");
pub const DELETE_CLUSTER_DELETE_COMPUTER: Code =
    e(101, "Deleter cluster job delete computer failed");

// manual_switch (cluster_mgr 1.1+). The numbers and texts are 1.0.2's error table, which
// already defines them for this job; which check raises which is not in any public
// source (see engine/manual_switch.rs).
pub const CF_MANUAL_NOSWITCH_NODE: Code = e(14, "Manual Noswitch Node Exist");
pub const CF_ASSIGN_HOST_NOT_ALIVE: Code = e(19, "Assign Host Unalive");
pub const JOB_PARAMS_LOST_SHARD_ID: Code = e(24, "Job param lost shard id");
pub const JOB_PARAMS_LOST_CLUSTER_ID: Code = e(25, "Job param lost cluster id");
pub const JOB_PARAMS_LOST_REBUILD_NODE: Code = e(36, "Rebuild node job dont have rb_node param");
pub const JOB_PARAMS_REBUILD_NODE_NOT_HOSTADDR: Code =
    e(37, "Rb_node of rebuild node job don't have no hostaddr");
pub const JOB_PARAMS_REBUILD_NODE_NOT_PORT: Code =
    e(38, "Rb_node of rebuild node job don't have no port");
pub const JOB_PARAMS_NEED_HDFS_HOST_IN_NEEDBACKUP: Code =
    e(39, "Rebuild node job need input hdfs_host in need_backup");
pub const REBUILD_NODE_GET_HOSTADDR_STATE_FROM_METADB: Code =
    e(40, "Get machine info from metadb for rebuild node error");
pub const REBUILD_NODE_NOT_IN_SHARD: Code = e(41, "Rebuid hostaddr node is not in shard");
pub const REBUILD_NODE_GET_PULL_HOST_ERROR: Code = e(42, "Get pull host for rebuild node error");
pub const JOB_PARAMS_LOST_MASTER_HOSTADDR: Code = e(26, "Job param lost master hostaddr");
pub const GET_SHARD_BY_ID_ERROR: Code = e(27, "Get shard class by id failed");
pub const MANUAL_SW_GET_MASTER_HOST_PORT_ERROR: Code =
    e(30, "Get master hostaddr port number error");
pub const MANUAL_SW_GET_ASSIGN_HOST_PORT_ERROR: Code =
    e(32, "Get assign hostaddr port number error");
pub const MANUAL_SW_MASTER_HOSTADDR_STATE_ERROR: Code =
    e(33, "Master hostaddr state is not source");
pub const MANUAL_SW_ASSIGN_HOSTADDR_STATE_ERROR: Code =
    e(34, "Assign hostaddr state is not replica");
pub const CF_ASSIGN_HOST_FSYNC_STATE: Code =
    e(177, "Assign host is not fullsync state in consfailover");
