import { Page } from "@playwright/test";
import { expect, test } from "./stack";
import { demoReady, loginReady, openRunningDemo } from "./helpers";

// Issue #19, start / stop / restart, as a DBA uses it on the demo cluster's page: a
// replica is stopped (after its host:port is typed back) and started again, and its
// status follows; stopping a primary says what it does to the shard before anything
// is sent; the same actions are offered on an instance picked in the topology picture.

async function jobDone(page: Page) {
  const banner = page.getByTestId("job-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute("data-status", "done", { timeout: 30_000 });
}

test("a replica stopped then started from its row changes its status", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);

  // The first shard's first replica.
  const shard = page.getByTestId("shard").first();
  const row = shard.getByTestId("storage-node").filter({ hasText: /replica/ }).first();
  const address = (await row.getAttribute("data-address"))!;
  await expect(row.getByTestId("node-status")).toHaveText("active");

  await row.getByTestId("node-stop").click();
  const dialog = page.getByTestId("control-dialog");
  await expect(dialog).toContainText(`Stop storage node ${address}`);
  await expect(dialog.getByTestId("control-warning")).toHaveCount(0);
  const submit = dialog.getByTestId("control-submit");
  await expect(submit).toBeDisabled();
  await dialog.getByTestId("confirm-input").fill(address);
  await submit.click();
  await jobDone(page);
  const stopped = page.locator(`[data-test=storage-node][data-address="${address}"]`);
  await expect(stopped.getByTestId("node-status")).toHaveText("inactive");

  // A stopped node offers a start, which needs no typed confirmation.
  await stopped.getByTestId("node-start").click();
  await expect(page.getByTestId("control-dialog")).toContainText(`Start storage node ${address}`);
  await page.getByTestId("control-submit").click();
  await jobDone(page);
  await expect(stopped.getByTestId("node-status")).toHaveText("active");
  await expect(stopped.getByTestId("node-stop")).toBeVisible();

  // The job page lists the job under its name.
  await page.getByTestId("job-banner").locator("a").click();
  await expect(page.locator("body")).toContainText(/Start \/ stop \/ restart an instance/);
});

test("stopping a primary warns what happens to the shard, and Escape sends nothing", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);
  const shard = page.getByTestId("shard").first();
  const shardName = (await shard.locator("h3").innerText()).split(" ")[0];
  const primary = shard.getByTestId("storage-node").filter({ hasText: /primary/ }).first();
  await primary.getByTestId("node-stop").click();
  const warning = page.getByTestId("control-warning");
  await expect(warning).toContainText(`This is the primary of ${shardName}`);
  const jobs = async () => ((await (await page.request.get(`${stack.control}/sim/jobs`)).json()).jobs as { job_type: string }[])
    .filter((j) => j.job_type === "control_instance").length;
  await page.getByTestId("confirm-input").press("Escape");
  await expect(page.getByTestId("control-dialog")).toHaveCount(0);
  expect(await jobs()).toBe(0);
});

test("a replica picked in the topology picture offers its row's actions, and a stop draws it down", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);

  const picture = page.getByTestId("topology");
  const replica = picture.locator("g[data-kind=replica][role=button]").first();
  const address = (await replica.getAttribute("data-address"))!;
  await replica.click();
  const actions = page.getByTestId("node-actions");
  await expect(actions).toContainText(address);
  await expect(actions.getByTestId("node-variables")).toBeVisible();
  await expect(actions.getByTestId("rebuild-open")).toBeVisible();
  await actions.getByTestId("node-stop").click();
  const dialog = page.getByTestId("control-dialog");
  await expect(dialog).toContainText(`Stop storage node ${address}`);
  await dialog.getByTestId("confirm-input").fill(address);
  await dialog.getByTestId("control-submit").click();
  await jobDone(page);
  await expect(picture.locator(`g[data-kind=down][data-address="${address}"]`)).toHaveCount(1);

  // A primary offers the shard's switchover; the keyboard opens it too.
  const primary = picture.locator("g[data-kind=primary][role=button]").first();
  await primary.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("node-actions").getByTestId("switch-over")).toBeVisible();
});
