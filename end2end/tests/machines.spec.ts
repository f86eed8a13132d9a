import { Page } from "@playwright/test";
import { expect, test } from "./stack";
import { demoReady, hydrated, loginReady } from "./helpers";

// Issue #4 through the browser, against klustron-sim: add a machine and see it online,
// edit it, get a specific message for bad input in every field with nothing submitted,
// and delete it with the typed confirmation.

const HOST = "10.20.0.1";

async function fill(page: Page, label: RegExp, value: string) {
  await page.getByTestId("machine-form").getByLabel(label).fill(value);
}

async function expectFieldError(page: Page, field: string, message: RegExp) {
  await expect(page.getByTestId(`${field}-error`)).toHaveText(message);
}

async function waitForJob(page: Page, status: "done" | "failed") {
  await expect(page.getByTestId("job-banner")).toHaveAttribute("data-status", status, { timeout: 20_000 });
}

test("add, see online, edit, validate every field, delete", async ({ page }) => {
  await loginReady(page);
  await page.goto("/KunlunXPanel/machines");
  await hydrated(page);
  await expect(page.getByTestId("no-machines")).toBeVisible();

  // Empty form: every required field says what is missing, nothing is sent.
  await page.getByTestId("add-machine").click();
  await page.getByTestId("machine-submit").click();
  await expectFieldError(page, "hostaddr", /Enter the machine's IP address/);
  await expectFieldError(page, "machine_type", /Choose storage or compute/);
  await expectFieldError(page, "port_start", /Enter a port/);
  await expectFieldError(page, "total_mem", /Required/);
  await expectFieldError(page, "total_cpu_cores", /Required/);

  // Picking the type fills cluster_mgr's default port range.
  await page.getByTestId("machine-form").getByLabel(/^Type$/).selectOption("storage");
  await expect(page.getByTestId("machine-form").getByLabel(/First port/)).toHaveValue("57000");
  await expect(page.getByTestId("machine-form").getByLabel(/Last port/)).toHaveValue("58000");

  // A good form, then one bad field at a time: its own message, and no job starts.
  const good: [RegExp, string][] = [
    [/IP address/, HOST],
    [/First port/, "57000"],
    [/Last port/, "58000"],
    [/Storage data dirs/, "/kunlun/data1;/kunlun/data2"],
    [/Log dirs/, "/kunlun/log"],
    [/WAL dirs/, "/kunlun/wal"],
    [/Memory \(MB\)/, "65536"],
    [/CPU cores/, "16"],
    [/Rack/, "r1"],
  ];
  const bad: [RegExp, string, string, RegExp][] = [
    [/IP address/, "10.20.0.256", "hostaddr", /is not an IPv4 address/],
    [/First port/, "80", "port_start", /from 1024 to 65535/],
    [/Last port/, "56000", "port_end", /greater than the start port/],
    [/Storage data dirs/, "data", "datadir", /not an absolute path/],
    [/Log dirs/, "/kunlun/../etc", "logdir", /'\.\.' is not allowed/],
    [/WAL dirs/, "/kunlun/wal$(reboot)", "wal_log_dir", /character .\$. is not allowed/],
    [/Memory \(MB\)/, "0", "total_mem", /whole number from 1/],
    [/CPU cores/, "-4", "total_cpu_cores", /whole number from 1/],
    [/Rack/, "rack 1", "rack_id", /Rack id/],
  ];
  for (const [label, value] of good) await fill(page, label, value);
  for (const [label, value, field, message] of bad) {
    await fill(page, label, value);
    await page.getByTestId("machine-submit").click();
    await expectFieldError(page, field, message);
    await expect(page.getByTestId("job-banner")).toHaveCount(0);
    const original = good.find(([l]) => l.source === label.source)![1];
    await fill(page, label, original);
  }

  // Submitted: the job's progress shows, then the machine is in the list, online.
  await page.getByTestId("machine-submit").click();
  await waitForJob(page, "done");
  const row = page.getByTestId(`machine-${HOST}-storage`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("status")).toHaveText(/Online/);
  await expect(row).toContainText("57000-58000");
  await expect(page.getByTestId("machine-counts")).toContainText("Online 1");
  await expect(page.getByTestId("machine-pages")).toHaveText(/Page 1 of 1 · 1 in all/);
  await expect(page.getByRole("button", { name: "Next ›" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "‹ Previous" })).toBeDisabled();

  // cluster_mgr refuses a duplicate, and the console shows its words.
  await page.getByTestId("add-machine").click();
  await page.getByTestId("machine-form").getByLabel(/^Type$/).selectOption("storage");
  for (const [label, value] of good) await fill(page, label, value);
  await page.getByTestId("machine-submit").click();
  await waitForJob(page, "failed");
  await expect(page.getByTestId("job-banner")).toContainText("Create machine job add hostaddr in server_nodes");

  // Edit: host and type are fixed. cluster_mgr 1.0 accepts update_machine and does
  // nothing with it: the job waits, and once a later job has started it ends as not
  // applied, saying why, and the machine is unchanged.
  await row.getByRole("button", { name: /Edit/ }).click();
  await expect(page.getByTestId("machine-form").getByLabel(/IP address/)).toBeDisabled();
  await fill(page, /Memory \(MB\)/, "32768");
  await page.getByTestId("machine-submit").click();
  await expect(page.getByTestId("job-banner")).toContainText(/Waiting for cluster_mgr to start the job/, { timeout: 10_000 });
  const editJob = await page.getByTestId("job-banner").locator("a").getAttribute("href");
  await page.getByTestId("add-machine").click();
  await page.getByTestId("machine-form").getByLabel(/^Type$/).selectOption("storage");
  for (const [label, value] of good) await fill(page, label, value === HOST ? "10.20.0.9" : value);
  await page.getByTestId("machine-submit").click();
  await waitForJob(page, "done");
  await page.goto(editJob!);
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "failed", { timeout: 20_000 });
  await expect(page.getByTestId("job-error")).toContainText("Not applied");
  await page.goto("/KunlunXPanel/machines");
  await hydrated(page);
  await expect(row).toContainText("65536 MB");

  // Node view: nothing installed on it yet.
  await row.getByRole("button", { name: /Nodes/ }).click();
  await expect(page.getByTestId("no-instances")).toBeVisible();

  // Search on the server: a miss, then a hit.
  await page.getByTestId("machine-search").fill("10.99");
  await expect(page.getByTestId("no-machines")).toBeVisible();
  await page.getByTestId("machine-search").fill("10.20");
  await expect(row).toBeVisible();

  // Delete needs the address typed exactly.
  await row.getByRole("button", { name: /Delete/ }).click();
  await expect(page.getByTestId("delete-submit")).toBeDisabled();
  await page.getByTestId("delete-confirm").fill("10.20.0.2");
  await expect(page.getByTestId("delete-submit")).toBeDisabled();
  await page.getByTestId("delete-confirm").fill(HOST);
  await page.getByTestId("delete-submit").click();
  await waitForJob(page, "done");
  await expect(row).toHaveCount(0);

  // The console's own log has the job's end.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Operation log/ }).click();
  await hydrated(page);
  await page.getByTestId("tab-console").click();
  await expect(page.getByTestId("operation-table")).toContainText("delete_machine:finished");
});

// The demo topology of scripts/run.sh, seeded through the simulator's control API: the
// cluster list shows the cluster and, opened, its compute nodes' PostgreSQL and MySQL ports.
test("the cluster list shows compute-node ports", async ({ page, request, stack }) => {
  await demoReady(request, stack.control);
  await loginReady(page);
  await page.goto("/KunlunXPanel/clusters");
  await hydrated(page);
  const card = page.getByTestId("cluster-list").locator("details").first();
  await card.locator("summary").click();
  await expect(card).toContainText("demo");
  const pg = Number(await card.getByTestId("pg-port").first().textContent());
  const mysql = Number(await card.getByTestId("mysql-port").first().textContent());
  expect(pg).toBeGreaterThan(47000);
  // cluster_mgr 1.0's metadata has no MySQL port: PostgreSQL's + 1, marked derived.
  expect(mysql).toBe(pg + 1);
  await expect(card.getByTestId("mysql-port").first()).toHaveAttribute("data-derived", "true");
  // The compute user from the cluster's memo (cluster_mgr's default, abc).
  await expect(card).toContainText(`-p ${pg} -U abc postgres`);
  await expect(card).toContainText(`-P ${mysql} -u abc -p postgres`);

  // The demo cluster's job is in the operation log, named in the page's language.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Operation log/ }).click();
  await expect(page.getByTestId("operation-table")).toContainText("create_cluster");
  await expect(page.getByTestId("operation-table")).toContainText("Create cluster");
  await hydrated(page);
  await page.getByTestId("tab-console").click();
  // Filtered on the server: only this action's rows remain.
  await page.getByTestId("audit-action").fill("change_password");
  await page.getByTestId("audit-apply").click();
  const actions = page.getByTestId("operation-table").locator("tbody tr td:nth-child(2)");
  await expect
    .poll(async () => {
      const all = await actions.allTextContents();
      return all.length > 0 && all.every((a) => a.includes("change_password"));
    })
    .toBe(true);
});
