import { APIRequestContext, Page } from "@playwright/test";
import { expect } from "./stack";
import * as fs from "fs";
import * as path from "path";

export const DEFAULT_USER = "super_dba";
export const DEFAULT_PASSWORD = "super_dba";
/** The password the first login sets (every test starts on a fresh console: stack.ts). */
export const NEW_PASSWORD = "Kunlun#2026e2e";

/**
 * Seeds the demo topology of scripts/run.sh through the simulator's control API (if no
 * machine exists yet) and waits until cluster_mgr has finished creating its cluster.
 */
export async function demoReady(request: APIRequestContext, control: string) {
  expect((await request.post(`${control}/sim/seed`, { data: { demo: true } })).ok()).toBe(true);
  await expect
    .poll(async () => {
      const jobs = (await (await request.get(`${control}/sim/jobs`)).json()).jobs as { job_type: string; user_name: string; status: string }[];
      return jobs.filter((j) => j.job_type === "create_cluster" && j.user_name === "super_dba").map((j) => j.status).pop();
    }, { timeout: 30_000 })
    .toBe("done");
}

/** Waits until the wasm has hydrated the page, so clicks run through the app. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/**
 * Logs in through the login page's form. That page loads no wasm (issue #18): the form
 * posts to the login function and the answer is the next page, so there is nothing to
 * wait for before typing.
 */
export async function login(page: Page, user: string, password: string) {
  await page.goto("/KunlunXPanel/login");
  // By field name, not label: the same in every language.
  await page.locator("input[name=username]").fill(user);
  await page.locator("input[name=password]").fill(password);
  await page.getByTestId("login-form").locator("button[type=submit]").click();
}

/**
 * Logs in as super_dba ready to work: with the changed password if this test's console
 * has it already (after a restart, in a second browser), else with the default one
 * followed by the forced change.
 */
export async function loginReady(page: Page) {
  await login(page, DEFAULT_USER, NEW_PASSWORD);
  // allTextContents does not wait, so it is safe once the page has moved on; it throws
  // while a navigation replaces the page (a login that brings the user's stored
  // language reloads it), which means "not refused".
  const refused = async () => {
    try {
      return (await page.getByTestId("login-error").allTextContents()).some((t) => /Wrong|错误/.test(t));
    } catch {
      return false;
    }
  };
  await expect.poll(async () => /\/KunlunXPanel$/.test(page.url()) || (await refused())).toBe(true);
  if (await refused()) {
    await login(page, DEFAULT_USER, DEFAULT_PASSWORD);
    await expect(page).toHaveURL(/\/KunlunXPanel\/change-password$/);
    await hydrated(page);
    await page.locator("input[name=current_password]").fill(DEFAULT_PASSWORD);
    await page.locator("input[name=new_password]").fill(NEW_PASSWORD);
    await page.locator("input[name=confirm_password]").fill(NEW_PASSWORD);
    await page.getByTestId("change-form").locator("button[type=submit]").click();
  }
  await expect(page).toHaveURL(/\/KunlunXPanel$/);
  // The login lands on a page the server drew: wait for the app to take it over.
  await hydrated(page);
}

const AXE = fs.readFileSync(path.join(__dirname, "../../node_modules/axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation,
 * naming the rule and the first elements at fault. `evaluate` runs outside the page's CSP.
 */
export async function expectAccessible(page: Page, name: string) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v: any) => v.impact === "serious" || v.impact === "critical")
      .map((v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3)
        .map((n: any) => `${n.target.join(" ")} [${n.any?.[0]?.message ?? ""}]`).join(" | ")}`);
  });
  expect(found, `${name}: axe-core serious/critical violations`).toEqual([]);
}

/**
 * The page in the light and then the dark theme (as the system setting): axe-core finds
 * no serious or critical violation in either (contrast included), and a screenshot of
 * each goes to target/screenshots (not committed; see the README).
 */
export async function checkInBothThemes(page: Page, name: string) {
  const dir = path.join(__dirname, "../../target/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  // Every text is a translation, never a translation macro written out as text.
  expect(await page.locator("body").innerText()).not.toMatch(/t(u|d)?(_string)?!\(/);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator("html")).toHaveAttribute("data-theme", scheme);
    await expectAccessible(page, `${name} (${scheme})`);
    await page.screenshot({ path: path.join(dir, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/**
 * Opens the demo cluster's page once cluster_mgr's monitor has seen every instance
 * running (it marks them `active` a moment after the create ends), as a DBA finds it.
 */
export async function openRunningDemo(page: Page) {
  await page.goto("/KunlunXPanel/clusters");
  await hydrated(page);
  await page.getByRole("link", { name: /demo/ }).first().click();
  await expect(page).toHaveURL(/\/clusters\/\d+$/);
  const url = page.url();
  await expect
    .poll(async () => {
      await page.goto(url);
      await hydrated(page);
      const statuses = await page.getByTestId("node-status").allTextContents();
      return statuses.length > 0 && statuses.every((s) => s.trim() === "active");
    }, { timeout: 20_000 })
    .toBe(true);
}
