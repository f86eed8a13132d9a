import { expect, test } from "./stack";
import { demoReady, hydrated, loginReady, openRunningDemo } from "./helpers";

// Issue #19, a shard's settings, as a DBA uses them on the demo cluster's page: the
// degrade setting (cluster_mgr 1.1+, so the 1.2 simulator) and the lag threshold; a
// replica further behind than the threshold is flagged in the shard list and the
// topology picture; a CPU limit changes a node's CPU count. Against cluster_mgr 1.0 the
// page says what it cannot do instead of letting cluster_mgr answer "Unrecongnized job
// type".

test.describe("on cluster_mgr 1.2", () => {
  test.use({ simProfile: "1.2" });

  test("degrade and lag threshold are saved, shown, and a lagging replica is flagged", async ({ page, stack }) => {
    test.setTimeout(120_000);
    await demoReady(page.request, stack.control);
    await loginReady(page);
    await openRunningDemo(page);

    const shard = page.getByTestId("shard").first();
    await expect(shard.getByTestId("shard-degrade")).toHaveText("Degrade OFF");
    await expect(shard.getByTestId("shard-max-lag")).toHaveText("lag threshold 100 s");
    await shard.getByTestId("shard-settings-open").click();
    const dialog = page.getByTestId("shard-settings-dialog");

    // Out of range: refused with the range, nothing saved.
    await dialog.getByTestId("degrade-on").check();
    await dialog.getByTestId("degrade-secs").fill("4");
    await dialog.getByTestId("degrade-save").click();
    await expect(dialog.getByTestId("degrade-error")).toHaveText("A whole number from 5 to 500 s");
    await dialog.getByTestId("degrade-secs").fill("30");
    await dialog.getByTestId("degrade-save").click();
    await expect(shard.getByTestId("shard-degrade")).toHaveText("Degrade ON after 30 s");

    await page.getByTestId("shard-settings-dialog").getByTestId("max-lag-secs").fill("5");
    await page.getByTestId("shard-settings-dialog").getByTestId("max-lag-save").click();
    await expect(shard.getByTestId("shard-max-lag")).toHaveText("lag threshold 5 s");
    await page.getByTestId("settings-close").click();
    await expect(page.getByTestId("shard-settings-dialog")).toHaveCount(0);

    // A replica falls 20 s behind (its replication reports it; cluster_mgr only reads it).
    const replica = shard.getByTestId("storage-node").filter({ hasText: /replica/ }).first();
    const address = (await replica.getAttribute("data-address"))!;
    const [host, port] = address.split(":");
    const r = await page.request.post(`${stack.control}/sim/lag`, { data: { hostaddr: host, port: Number(port), secs: 20 } });
    expect(r.ok()).toBe(true);
    await page.reload();
    await hydrated(page);
    const lag = page.getByTestId("shard").first().locator(`[data-address="${address}"]`).getByTestId("node-lag");
    await expect(lag).toHaveAttribute("data-lagging", "true");
    await expect(lag).toContainText("20");
    const picture = page.getByTestId("topology");
    await expect(picture.locator("g[data-kind=lagging]").filter({ hasText: address })).toHaveCount(1);
    await expect(picture.locator("g[data-kind=lagging]")).toContainText("20 s behind");
    // Only that one: the other replicas are within the threshold.
    await expect(page.locator("[data-lagging=true]")).toHaveCount(1);
  });
});

test("on cluster_mgr 1.0 the degrade setting, switchover and CPU limits say they need 1.1", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);
  const shard = page.getByTestId("shard").first();
  await expect(shard.getByTestId("switch-over")).toBeDisabled();
  await expect(shard.getByTestId("node-cpu").first()).toBeDisabled();
  await shard.getByTestId("shard-settings-open").click();
  const dialog = page.getByTestId("shard-settings-dialog");
  await expect(dialog.getByTestId("degrade-unsupported")).toContainText("cluster_mgr 1.1");
  await expect(dialog.getByTestId("degrade-save")).toBeDisabled();
  // The lag threshold is the console's own and works whatever the release.
  await dialog.getByTestId("max-lag-secs").fill("50");
  await dialog.getByTestId("max-lag-save").click();
  await expect(shard.getByTestId("shard-max-lag")).toHaveText("lag threshold 50 s");
});

test.describe("a CPU limit on cluster_mgr 1.2", () => {
  test.use({ simProfile: "1.2" });

  test("a storage node's CPU limit runs as a job and its row shows the new count", async ({ page, stack }) => {
    test.setTimeout(120_000);
    await demoReady(page.request, stack.control);
    await loginReady(page);
    await openRunningDemo(page);
    const row = page.getByTestId("shard").first().getByTestId("storage-node").nth(1);
    const address = (await row.getAttribute("data-address"))!;
    await row.getByTestId("node-cpu").click();
    const dialog = page.getByTestId("cpu-dialog");
    await dialog.getByTestId("cpu-cores").fill("0");
    await dialog.getByTestId("cpu-submit").click();
    await expect(dialog.getByTestId("cpu-error")).toHaveText("A whole number from 1 to 256");
    await dialog.getByTestId("cpu-cores").fill("3");
    await dialog.getByTestId("cpu-share").check();
    await dialog.getByTestId("cpu-submit").click();
    await expect(page.getByTestId("job-banner")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    await expect(page.locator(`[data-test=storage-node][data-address="${address}"]`).getByTestId("node-cpu-cores")).toHaveText("3");
  });
});
