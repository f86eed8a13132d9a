import { Page } from "@playwright/test";
import { expect, Stack, test } from "./stack";
import { hydrated, loginReady } from "./helpers";

// Issue #15 through the browser, against the simulator playing cluster_mgr 1.0 (the
// public source): a machine cluster_mgr refuses ends as failed on the job page with
// cluster_mgr's code and words (a duplicate; an unreachable node_mgr), and after the
// console restarts it is still failed and nothing follows it.

async function addStorage(page: Page, host: string) {
  await page.goto("/KunlunXPanel/machines");
  await hydrated(page);
  await page.getByTestId("add-machine").click();
  const form = page.getByTestId("machine-form");
  await form.getByLabel(/^Type$/).selectOption("storage");
  await form.getByLabel(/IP address/).fill(host);
  await form.getByLabel(/Storage data dirs/).fill("/kunlun/data");
  await form.getByLabel(/Log dirs/).fill("/kunlun/log");
  await form.getByLabel(/WAL dirs/).fill("/kunlun/wal");
  await form.getByLabel(/Memory \(MB\)/).fill("16384");
  await form.getByLabel(/CPU cores/).fill("8");
  await page.getByTestId("machine-submit").click();
  await expect(page.getByTestId("job-banner")).toBeVisible();
  return (await page.getByTestId("job-banner").locator("a").getAttribute("href"))!;
}

async function expectFailed(page: Page, job: string, code: string, words: RegExp) {
  await page.goto(job);
  await hydrated(page);
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(page.getByTestId("job-error")).toHaveAttribute("data-code", code);
  await expect(page.getByTestId("job-error")).toContainText(words);
  await expect(page.getByTestId("job-error")).toContainText(`cluster_mgr error ${code}`);
}

async function restartConsole(page: Page, stack: Stack) {
  await stack.restart();
  await expect.poll(async () => {
    try {
      return (await page.request.get("/KunlunXPanel/healthz")).status();
    } catch {
      return 0;
    }
  }, { timeout: 20_000 }).toBe(200);
}

test("jobs cluster_mgr fails end failed with its code and words, and stay so after a restart", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await loginReady(page);
  const first = await addStorage(page, "10.30.0.1");
  await expect(page.getByTestId("job-banner")).toHaveAttribute("data-status", "done", { timeout: 20_000 });

  // The same host again: cluster_mgr's duplicate check.
  const dup = await addStorage(page, "10.30.0.1");
  await expectFailed(page, dup, "70062", /Create machine job add hostaddr in server_nodes/);
  // A host whose node_mgr does not answer: cluster_mgr pings it first.
  const dead = await addStorage(page, "192.0.2.7");
  await expectFailed(page, dead, "70158", /Create machine job report machine unalive/);

  await restartConsole(page, stack);
  await loginReady(page);
  await expectFailed(page, dup, "70062", /Create machine job add hostaddr in server_nodes/);
  await expectFailed(page, dead, "70158", /Create machine job report machine unalive/);
  await page.goto(first);
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "done");
  // Nothing is followed: no job is polled after the restart.
  const metrics = await (await page.request.get("/KunlunXPanel/metrics")).text();
  expect(metrics).toContain("xpanel_jobs_followed 0");
});
