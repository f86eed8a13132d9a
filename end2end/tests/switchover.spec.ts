import { expect, test } from "./stack";
import { demoReady, hydrated, loginReady, openRunningDemo } from "./helpers";

// Issue #19, switchover, as a DBA uses it on the demo cluster's page against cluster_mgr
// 1.2 (1.0.2 has no manual_switch): the dialog lists the shard's replicas and the one
// cluster_mgr would pick; after the shard's name is typed back the job runs its named
// steps, the primary moves in the shard list and the topology picture, and the switch
// appears in the history.

test.use({ simProfile: "1.2" });

test("a switchover moves the primary and is listed in the history", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);
  await expect(page.getByTestId("switchover-none")).toBeVisible();

  const shard = page.getByTestId("shard").first();
  const shardName = (await shard.locator("h3").innerText()).split(" ")[0];
  const primaryRow = shard.getByTestId("storage-node").filter({ hasText: /primary/ });
  const oldPrimary = (await primaryRow.getAttribute("data-address"))!;
  await shard.getByTestId("switch-over").click();
  const dialog = page.getByTestId("switch-dialog");
  await expect(dialog).toContainText(`Current primary: ${oldPrimary}`);
  await expect(dialog).toContainText("Let cluster_mgr choose (likely ");
  const options = dialog.getByTestId("target-option");
  await expect(options).toHaveCount(2);
  const target = (await options.nth(1).getAttribute("data-address"))!;
  await options.nth(1).locator("input").check();
  await expect(dialog.getByTestId("switch-submit")).toBeDisabled();
  await dialog.getByTestId("confirm-input").fill(shardName);
  await dialog.getByTestId("switch-submit").click();

  const banner = page.getByTestId("job-banner");
  await expect(banner).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  const newPrimary = shard.getByTestId("storage-node").filter({ hasText: /primary/ });
  await expect(newPrimary).toHaveAttribute("data-address", target);
  // The picture draws the new primary as a primary and the old one as a replica.
  const picture = page.getByTestId("topology");
  await expect(picture.locator("g[data-kind=primary]").filter({ hasText: target })).toHaveCount(1);
  await expect(picture.locator("g[data-kind=replica]").filter({ hasText: oldPrimary })).toHaveCount(1);

  // The history reloads when the job ends, as the shard list does.
  const row = page.getByTestId("switchover-row");
  await expect(row).toHaveCount(1, { timeout: 20_000 });
  await expect(row).toHaveAttribute("data-ok", "true");
  await expect(row.getByTestId("old-primary")).toHaveText(oldPrimary);
  await expect(row.getByTestId("new-primary")).toHaveText(target);
  // Its steps, each with its time, open on demand.
  await row.getByTestId("switchover-steps").locator("summary").click();
  await expect(row.getByTestId("switchover-step").first()).toBeVisible();
  expect(await row.getByTestId("switchover-step").count()).toBeGreaterThan(1);

  // The job page shows cluster_mgr's own step names, all done.
  await banner.locator("a").click();
  await hydrated(page);
  const steps = page.locator("[data-step^=named-]");
  await expect(steps.first()).toBeVisible();
  expect(await steps.count()).toBeGreaterThan(1);
  await expect(page.locator("[data-step^=named-][data-state=done]")).toHaveCount(await steps.count());
});

test("a no-switch window is shown on its shard and makes a switchover fail with cluster_mgr's reason", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);
  await expect(page.getByTestId("noswitch-none")).toBeVisible();

  const shard = page.getByTestId("shard").first();
  const shardName = (await shard.locator("h3").innerText()).split(" ")[0];
  const form = page.getByTestId("noswitch-form");
  await form.getByTestId("noswitch-shard").selectOption({ label: shardName });
  await form.getByTestId("noswitch-secs").fill("600");
  await form.getByTestId("noswitch-add").click();
  await expect(page.getByTestId("noswitch-row")).toHaveCount(1);
  await expect(page.getByTestId("noswitch-row")).toContainText(shardName);
  await expect(shard.getByTestId("noswitch-badge")).toBeVisible();

  await shard.getByTestId("switch-over").click();
  const dialog = page.getByTestId("switch-dialog");
  await expect(dialog.getByTestId("switch-noswitch")).toContainText("cluster_mgr will refuse a switchover (70014)");
  await dialog.getByTestId("confirm-input").fill(shardName);
  await dialog.getByTestId("switch-submit").click();
  const banner = page.getByTestId("job-banner");
  await expect(banner).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(banner).toContainText("Manual Noswitch Node Exist");

  // Deleting the window lifts it.
  await page.getByTestId("noswitch-delete").click();
  await expect(page.getByTestId("noswitch-none")).toBeVisible();
  await expect(shard.getByTestId("noswitch-badge")).toHaveCount(0);
});
