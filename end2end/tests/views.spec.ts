import { expect, test } from "./stack";
import { demoReady, checkInBothThemes, hydrated, loginReady } from "./helpers";

// Issue #9 in the browser: the login, overview, machine list, wizard and cluster pages
// pass axe-core (no serious or critical violation) in the light and the dark theme and in
// English and Chinese (the browser's language), and are photographed in each; the
// overview counts and the topology picture match the metadata; the theme switch cycles
// system → light → dark and is remembered.

for (const lang of ["en", "zh-CN"]) {
test.describe(`in ${lang}`, () => {
test.use({ locale: lang === "en" ? "en-US" : "zh-CN" });

test(`pages are accessible in both themes and show the deployment as pictures (${lang})`, async ({ page, request, stack }) => {
  const shot = (name: string) => checkInBothThemes(page, `${name}-${lang}`);
  await demoReady(request, stack.control);

  await page.goto("/KunlunXPanel/login");
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  await shot("login");

  await loginReady(page);
  // The user's stored language (another test may have chosen one) becomes this one.
  await hydrated(page);
  // The switch answers by reloading the page, even in the language already shown: wait
  // for that load, or the next navigation races it ("interrupted by another navigation").
  const reloaded = page.waitForEvent("load");
  await page.getByTestId(`lang-${lang}`).click();
  await reloaded;
  await hydrated(page);
  await expect(page.getByTestId(`lang-${lang}`)).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  // The demo cluster (2 shards x 3 replicas, 2 compute nodes) is created by a job.
  await page.goto("/KunlunXPanel");
  await expect(page.getByTestId("ov-cluster-states")).toContainText("inuse");
  await hydrated(page);
  const machines = page.getByTestId("ov-machines");
  await expect(machines).toHaveText(/^\d+$/);
  expect(Number(await machines.textContent())).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId("ov-clusters")).toHaveText(/^[1-9]\d*$/);
  await shot("overview");

  // Keyboard: the first Tab lands in the header, and the main navigation is reachable.
  await page.keyboard.press("Tab");
  await expect(page.locator(":focus")).toBeVisible();

  await page.goto("/KunlunXPanel/machines");
  await hydrated(page);
  await expect(page.getByTestId("machine-table").locator("tbody tr").first()).toBeVisible();
  await shot("machines");

  await page.goto("/KunlunXPanel/clusters/new");
  await hydrated(page);
  await shot("wizard");

  // The demo cluster's page draws 2 compute nodes, 2 primaries and 4 replicas on 5 machines.
  await page.goto("/KunlunXPanel/clusters");
  await hydrated(page);
  await page.getByRole("link", { name: /demo/ }).first().click();
  await expect(page).toHaveURL(/\/clusters\/\d+$/);
  await hydrated(page);
  const topology = page.getByTestId("topology");
  await expect(topology.locator("g[data-kind=compute]")).toHaveCount(2);
  await expect(topology.locator("g[data-kind=primary]")).toHaveCount(2);
  await expect(topology.locator("g[data-kind=replica]")).toHaveCount(4);
  await expect(topology.locator("g[data-kind=machine]")).toHaveCount(5);
  await expect(topology.locator("svg")).toHaveAttribute("aria-label", lang === "en"
    ? /2 compute node\(s\), 2 shard\(s\), 5 machine\(s\)/
    : /2 个计算节点，2 个shard，5 台机器/);
  await shot("cluster");

  // The theme switch: system → light → dark, remembered across a reload, back to system.
  const html = page.locator("html");
  const toggle = page.getByTestId("theme-toggle");
  await expect(html).toHaveAttribute("data-theme-choice", "system");
  await toggle.click();
  await expect(html).toHaveAttribute("data-theme-choice", "light");
  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.getByTestId("theme-toggle").click();
  await expect(html).toHaveAttribute("data-theme-choice", "system");
  await expect(html).toHaveAttribute("data-theme", "light");
  if (lang !== "en") {
    await hydrated(page);
    await page.getByTestId("lang-en").click();
    await expect(html).toHaveAttribute("lang", "en");
  }
});
});
}
