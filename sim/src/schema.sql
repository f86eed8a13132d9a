-- The part of Klustron's kunlun_metadata_db that cluster_mgr writes and the console
-- reads, as zettadb/kunlun scripts/meta_inuse.sql defines it (cluster_mgr 1.0.2): the
-- same tables, columns, defaults and value vocabularies. Placeholders filled per
-- database and profile by store.rs: {ID} an auto-increment key, {MYSQL_PORT} the
-- `mysql_port` column of comp_nodes (profile 1.2 only: XPanel 1.2 reads it; 1.0 has
-- none). ENUM columns are VARCHAR with the same values (SQLite has no ENUM); lengths
-- that matter to a client are kept and enforced with CHECK, since SQLite ignores them
-- and cluster_mgr's MySQL runs in strict mode (meta_inuse.sql sets
-- STRICT_TRANS_TABLES): comp_nodes.passwd is varchar(16).
CREATE TABLE IF NOT EXISTS global_configuration (
  name VARCHAR(128) NOT NULL PRIMARY KEY,
  value VARCHAR(128)
);
CREATE TABLE IF NOT EXISTS server_nodes (
  id {ID},
  hostaddr VARCHAR(512) NOT NULL,
  dc_id INTEGER,
  rack_id VARCHAR(256) DEFAULT NULL,
  comp_datadir TEXT,
  datadir TEXT,
  logdir TEXT,
  wal_log_dir TEXT,
  total_mem INTEGER DEFAULT 0,
  total_cpu_cores INTEGER DEFAULT 0,
  svc_since TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  nodemgr_port INTEGER,
  node_stats VARCHAR(16) DEFAULT 'running' CHECK (node_stats IN ('running', 'idle', 'dead')),
  machine_type VARCHAR(16) DEFAULT NULL CHECK (machine_type IN ('storage', 'computer')),
  port_range VARCHAR(256) DEFAULT NULL,
  used_port TEXT,
  installing_port TEXT
);
CREATE TABLE IF NOT EXISTS db_clusters (
  id {ID},
  name VARCHAR(120) NOT NULL UNIQUE,
  nick_name VARCHAR(120),
  owner VARCHAR(120) NOT NULL,
  ddl_log_tblname VARCHAR(120) NOT NULL,
  when_created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  business VARCHAR(120) NOT NULL,
  memo TEXT,
  status VARCHAR(16) DEFAULT 'inuse' CHECK (status IN ('inuse', 'deleted')),
  ha_mode VARCHAR(16) NOT NULL CHECK (ha_mode IN ('no_rep', 'mgr', 'rbr'))
);
CREATE TABLE IF NOT EXISTS comp_nodes_id_seq (
  id INTEGER NOT NULL PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS comp_nodes (
  id INTEGER NOT NULL,
  name VARCHAR(64) NOT NULL,
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER NOT NULL,
  {MYSQL_PORT}
  db_cluster_id INTEGER NOT NULL,
  when_created TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
  user_name VARCHAR(64) NOT NULL,
  passwd VARCHAR(16) NOT NULL CHECK (length(passwd) <= 16),
  status VARCHAR(16) DEFAULT 'creating' CHECK (status IN ('creating', 'inactive', 'active', 'deleted', 'manual_stop')),
  svr_node_id INTEGER NOT NULL,
  cpu_cores INTEGER NOT NULL DEFAULT 0,
  max_mem_MB INTEGER NOT NULL DEFAULT 0,
  max_conns INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (db_cluster_id, id)
);
CREATE TABLE IF NOT EXISTS meta_db_nodes (
  id {ID},
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER NOT NULL,
  user_name VARCHAR(64) NOT NULL,
  passwd VARCHAR(120) NOT NULL,
  member_state VARCHAR(16) NOT NULL DEFAULT 'replica' CHECK (member_state IN ('source', 'replica'))
);
CREATE TABLE IF NOT EXISTS shards (
  id {ID},
  name VARCHAR(64) NOT NULL,
  when_created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  num_nodes INTEGER NOT NULL,
  db_cluster_id INTEGER NOT NULL,
  sync_num INTEGER NOT NULL DEFAULT 1,
  degrade_conf_state VARCHAR(3) DEFAULT 'OFF' CHECK (degrade_conf_state IN ('ON', 'OFF')),
  degrade_run_state VARCHAR(3) DEFAULT 'OFF' CHECK (degrade_run_state IN ('ON', 'OFF')),
  degrade_conf_time INTEGER NOT NULL DEFAULT 0,
  status VARCHAR(16) DEFAULT 'inuse' CHECK (status IN ('inuse', 'deleted'))
);
CREATE TABLE IF NOT EXISTS shard_nodes (
  id {ID},
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER NOT NULL,
  user_name VARCHAR(64) NOT NULL,
  passwd VARCHAR(120) NOT NULL,
  shard_id INTEGER NOT NULL,
  db_cluster_id INTEGER NOT NULL,
  svr_node_id INTEGER NOT NULL,
  when_created TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
  master_priority INTEGER NOT NULL DEFAULT 1,
  status VARCHAR(16) DEFAULT 'creating' CHECK (status IN ('creating', 'inactive', 'active', 'deleted', 'manual_stop')),
  cpu_cores INTEGER NOT NULL DEFAULT 0,
  innodb_buffer_pool_MB INTEGER NOT NULL DEFAULT 0,
  sync_state VARCHAR(8) DEFAULT 'fsync' CHECK (sync_state IN ('fsync', 'async')),
  member_state VARCHAR(16) DEFAULT 'replica' CHECK (member_state IN ('source', 'replica')),
  replica_delay INTEGER NOT NULL DEFAULT 0,
  backup_node VARCHAR(3) DEFAULT 'OFF' CHECK (backup_node IN ('OFF', 'ON'))
);
CREATE TABLE IF NOT EXISTS backup_storage (
  id {ID},
  name VARCHAR(256) NOT NULL,
  stype VARCHAR(8) NOT NULL DEFAULT 'HDFS' CHECK (stype IN ('HDFS', 'S3', 'EBS', 'CEPH', 'OTHER', 'SSH')),
  conn_str VARCHAR(1024) NOT NULL DEFAULT '',
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER NOT NULL,
  user_name VARCHAR(64) DEFAULT NULL,
  passwd VARCHAR(120) DEFAULT NULL,
  extra TEXT DEFAULT NULL
);
CREATE TABLE IF NOT EXISTS cluster_mgr_nodes (
  id {ID},
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER DEFAULT NULL,
  prometheus_port INTEGER DEFAULT NULL,
  member_state VARCHAR(16) DEFAULT 'replica' CHECK (member_state IN ('source', 'replica'))
);
CREATE TABLE IF NOT EXISTS node_map_master (
  id {ID},
  cluster_id INTEGER NOT NULL,
  node_host VARCHAR(255) NOT NULL,
  master_host VARCHAR(255) NOT NULL,
  master_uuid VARCHAR(1024) NOT NULL
);
CREATE TABLE IF NOT EXISTS cluster_general_job_log (
  id {ID},
  job_id VARCHAR(128),
  related_id VARCHAR(128),
  job_type VARCHAR(128) DEFAULT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'ongoing', 'done', 'failed')),
  memo TEXT DEFAULT NULL,
  when_started TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  when_ended TIMESTAMP NULL,
  job_info TEXT DEFAULT NULL,
  user_name VARCHAR(128)
);
-- "Rbr failover table": one row per step of a switchover, manual or automatic, sharing
-- a taskid (meta_inuse.sql; read by XPanel 1.2's switchover history).
CREATE TABLE IF NOT EXISTS rbr_consfailover (
  id {ID},
  host VARCHAR(8192) NOT NULL,
  shard_id INTEGER NOT NULL,
  cluster_id INTEGER NOT NULL,
  taskid VARCHAR(255) NOT NULL,
  step VARCHAR(255) NOT NULL,
  new_master_host VARCHAR(255) DEFAULT NULL,
  description VARCHAR(255) DEFAULT NULL,
  consfailover_msg TEXT,
  timestamp TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
  err_code INTEGER DEFAULT NULL,
  err_msg VARCHAR(255) DEFAULT NULL
)
