import { expect, test } from "./stack";
import { demoReady, hydrated, loginReady, openRunningDemo } from "./helpers";

// Issue #19, rebuilding replicas, as a DBA does it on the demo cluster's page against
// cluster_mgr 1.0.2 (rebuild_node is in its source): a replica that fell behind is
// chosen, the dialog says where cluster_mgr will copy from, the shard's name is typed
// back, and the job page follows the replica through node_mgr's steps to done; the
// replica no longer lags.

test("a rebuild shows the replica's steps to done and its lag goes", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);

  let shard = page.getByTestId("shard").first();
  const shardName = (await shard.locator("h3").innerText()).split(" ")[0];
  const replica = shard.getByTestId("storage-node").filter({ hasText: /replica/ }).first();
  const address = (await replica.getAttribute("data-address"))!;
  const [host, port] = address.split(":");
  const r = await page.request.post(`${stack.control}/sim/lag`, { data: { hostaddr: host, port: Number(port), secs: 400 } });
  expect(r.ok()).toBe(true);
  await page.reload();
  await hydrated(page);
  shard = page.getByTestId("shard").first();
  await expect(shard.locator(`[data-address="${address}"]`).getByTestId("node-lag")).toContainText("400");

  await shard.getByTestId("rebuild-open").click();
  const dialog = page.getByTestId("rebuild-dialog");
  await dialog.locator(`[data-test=rebuild-node][data-address="${address}"] input`).check();
  // The other replica is within 30 s: cluster_mgr copies from it, not from the primary.
  await expect(dialog.getByTestId("rebuild-source")).toContainText("cluster_mgr will copy from the replica");
  await expect(dialog.getByTestId("rebuild-backup-to").locator("option")).toHaveCount(2);
  await expect(dialog.getByTestId("rebuild-submit")).toBeDisabled();
  await dialog.getByTestId("confirm-input").fill(shardName);
  await dialog.getByTestId("rebuild-submit").click();

  const banner = page.getByTestId("job-banner");
  await expect(banner).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(page.getByTestId("shard").first().locator(`[data-address="${address}"]`).getByTestId("node-lag")).toHaveText("0");

  // The job page: one step for the replica, node_mgr's last step, done.
  await banner.locator("a").click();
  await hydrated(page);
  const step = page.locator("[data-step=rebuild-1]");
  await expect(step).toHaveAttribute("data-state", "done");
  await expect(step).toContainText("done (8/8)");
  await expect(step).toContainText(address);
});
