-- The part of Klustron's kunlun_metadata_db that the console reads and the simulator
-- writes: same table and column names as Klustron's (meta_inuse.sql plus the columns
-- cluster_mgr 1.x added: machine_type, port_range, used_port, installing_port,
-- node_stats, member_state, mysql_port, status). {ID} and {LONGTEXT} are filled in per
-- database by schema.rs. Simplification: comp_nodes.id is auto-increment here instead
-- of Klustron's comp_nodes_id_seq table.
CREATE TABLE IF NOT EXISTS server_nodes (
  id {ID},
  hostaddr VARCHAR(512) NOT NULL,
  machine_type VARCHAR(16),
  port_range VARCHAR(32),
  used_port {LONGTEXT},
  installing_port {LONGTEXT},
  node_stats VARCHAR(16) DEFAULT 'running',
  rack_id VARCHAR(256),
  comp_datadir {LONGTEXT},
  datadir {LONGTEXT},
  logdir {LONGTEXT},
  wal_log_dir {LONGTEXT},
  total_mem INTEGER NOT NULL,
  total_cpu_cores INTEGER NOT NULL,
  svc_since TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS db_clusters (
  id {ID},
  name VARCHAR(120) NOT NULL,
  nick_name VARCHAR(120),
  owner VARCHAR(120) NOT NULL,
  ddl_log_tblname VARCHAR(120) NOT NULL,
  business VARCHAR(120) NOT NULL,
  ha_mode VARCHAR(16) NOT NULL,
  status VARCHAR(16) DEFAULT 'creating',
  when_created TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  memo {LONGTEXT}
);
CREATE TABLE IF NOT EXISTS shards (
  id {ID},
  name VARCHAR(64) NOT NULL,
  when_created TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  num_nodes INTEGER NOT NULL,
  db_cluster_id INTEGER NOT NULL,
  sync_num INTEGER NOT NULL DEFAULT 1
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
  member_state VARCHAR(16) DEFAULT 'replica',
  sync_state VARCHAR(16) DEFAULT 'fsync',
  replica_delay INTEGER DEFAULT 0,
  status VARCHAR(16) DEFAULT 'creating',
  cpu_cores INTEGER NOT NULL DEFAULT 0,
  innodb_buffer_pool_MB INTEGER NOT NULL DEFAULT 0,
  when_created TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS comp_nodes (
  id {ID},
  name VARCHAR(64) NOT NULL,
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER NOT NULL,
  mysql_port INTEGER,
  db_cluster_id INTEGER NOT NULL,
  user_name VARCHAR(64) NOT NULL,
  passwd VARCHAR(120) NOT NULL,
  svr_node_id INTEGER NOT NULL,
  status VARCHAR(16) DEFAULT 'creating',
  cpu_cores INTEGER NOT NULL DEFAULT 0,
  max_mem_MB INTEGER NOT NULL DEFAULT 0,
  max_conns INTEGER NOT NULL DEFAULT 0,
  when_created TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS meta_db_nodes (
  id {ID},
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER NOT NULL,
  user_name VARCHAR(64) NOT NULL,
  passwd VARCHAR(120) NOT NULL,
  member_state VARCHAR(16) DEFAULT 'source'
);
CREATE TABLE IF NOT EXISTS cluster_mgr_nodes (
  id {ID},
  hostaddr VARCHAR(512) NOT NULL,
  port INTEGER NOT NULL,
  member_state VARCHAR(16) DEFAULT 'replica',
  prometheus_port INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS cluster_general_job_log (
  id {ID},
  job_type VARCHAR(64) NOT NULL,
  status VARCHAR(16) DEFAULT 'not_started',
  user_name VARCHAR(64),
  when_started TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  when_ended TIMESTAMP NULL,
  job_info {LONGTEXT},
  memo {LONGTEXT}
)
