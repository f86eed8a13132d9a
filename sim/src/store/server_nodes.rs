//! `server_nodes`: the machine rows, and the used and installing port lists cluster_mgr
//! keeps on them.

use super::*;

impl Store {
    /// Rows of `server_nodes` for `host` of type `t` (only `running` ones when asked):
    /// the duplicate checks of `CreateStorageMachine` (running only) and
    /// `CreateComputerMachine` (any), and the existence check of `DeleteMachine`.
    pub async fn machine_rows(
        &self,
        host: &str,
        t: MachineType,
        running_only: bool,
    ) -> anyhow::Result<i64> {
        let sql = if running_only {
            "SELECT CAST(COUNT(*) AS CHAR) AS n FROM server_nodes WHERE hostaddr = ? AND machine_type = ? AND node_stats = 'running'"
        } else {
            "SELECT CAST(COUNT(*) AS CHAR) AS n FROM server_nodes WHERE hostaddr = ? AND machine_type = ?"
        };
        let row = sqlx::query(sql)
            .bind(host.to_owned())
            .bind(t.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(text(&row, "n").parse().unwrap_or(0))
    }

    /// `used_port` of one machine row, as text.
    pub async fn used_port(&self, host: &str, t: MachineType) -> anyhow::Result<String> {
        let row = sqlx::query("SELECT CAST(used_port AS CHAR) AS p FROM server_nodes WHERE hostaddr = ? AND machine_type = ?")
            .bind(host.to_owned())
            .bind(t.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.map(|r| text(&r, "p")).unwrap_or_default())
    }

    pub async fn machine_id(&self, host: &str, t: MachineType) -> anyhow::Result<Option<i64>> {
        let row = sqlx::query("SELECT CAST(id AS CHAR) AS id FROM server_nodes WHERE hostaddr = ? AND machine_type = ?")
            .bind(host.to_owned())
            .bind(t.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.and_then(|r| text(&r, "id").parse().ok()))
    }

    /// Adds `ports` to a machine's `installing_port` (`add`) or removes them
    /// (`cluster_comm.cc` `UpdateInstallingPort`).
    pub async fn mark_installing(
        tx: &mut Tx,
        host: &str,
        t: MachineType,
        ports: &[u16],
        add: bool,
    ) -> anyhow::Result<()> {
        Self::edit_port_list(tx, "installing_port", host, t, ports, add).await
    }

    /// The same for `used_port` (`UpdateUsedPort`).
    pub async fn mark_used(
        tx: &mut Tx,
        host: &str,
        t: MachineType,
        ports: &[u16],
        add: bool,
    ) -> anyhow::Result<()> {
        Self::edit_port_list(tx, "used_port", host, t, ports, add).await
    }

    async fn edit_port_list(
        tx: &mut Tx,
        column: &str,
        host: &str,
        t: MachineType,
        ports: &[u16],
        add: bool,
    ) -> anyhow::Result<()> {
        // MySQL: lock the row, or two jobs editing one machine's list lose an update.
        let lock = if tx.backend_name() == "MySQL" { " FOR UPDATE" } else { "" };
        let sql = format!("SELECT CAST({column} AS CHAR) AS p FROM server_nodes WHERE hostaddr = ? AND machine_type = ?{lock}");
        let row = sqlx::query(&sql)
            .bind(host.to_owned())
            .bind(t.as_str())
            .fetch_optional(&mut **tx)
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(()) };
        let mut list = klustron::metadata::model::parse_port_list(&text(&row, "p"));
        if add {
            list.extend_from_slice(ports);
        } else {
            list.retain(|p| !ports.contains(p));
        }
        // cluster_mgr writes "p1,p2," and, for none, the literal string 'NULL'.
        let value: String = if list.is_empty() {
            "NULL".into()
        } else {
            list.iter().map(|p| format!("{p},")).collect()
        };
        let sql =
            format!("UPDATE server_nodes SET {column} = ? WHERE hostaddr = ? AND machine_type = ?");
        sqlx::query(&sql)
            .bind(value)
            .bind(host.to_owned())
            .bind(t.as_str())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        Ok(())
    }
}
