import { expect, test } from "./stack";
import { hydrated, login, loginReady } from "./helpers";

// Issue #7, browser side: hostile text that reached Klustron's metadata by another road
// is shown as text and runs nothing; a form on another site cannot act with the user's
// session; a brute-force attempt is told how long to wait.

const HOSTILE = `<img src=x onerror="window.__pwned=1">`;

test("hostile metadata is rendered as text and never runs", async ({ page, request, stack }) => {
  const control = stack.control;
  await request.post(`${control}/sim/seed`, { data: { demo: true } });
  // Another tool asks cluster_mgr directly for a cluster with a hostile business name.
  const leader = (await (await request.get(`${control}/sim/state`)).json()).leader;
  const submit = async () =>
    (await request.post(`http://${leader}/HttpService/Emit`, {
      data: {
        version: "1.0", job_id: "", job_type: "create_cluster", timestamp: "0", user_name: "other_tool",
        paras: { nick_name: HOSTILE, ha_mode: "rbr", shards: "1", nodes: "1", comps: "1", max_storage_size: "20",
                 max_connections: "100", cpu_cores: "1", innodb_size: "128", fullsync_level: "0", dbcfg: "0" },
      },
    })).json();
  // cluster_mgr runs one job at a time: retry while the demo cluster's job runs.
  await expect.poll(async () => (await submit()).status, { timeout: 30_000 }).toBe("accept");

  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  await loginReady(page);
  await expect
    .poll(async () => {
      await page.goto("/KunlunXPanel/clusters");
      return (await page.getByTestId("cluster-list").textContent()) ?? "";
    }, { timeout: 30_000 })
    .toContain(HOSTILE);
  await hydrated(page);
  const card = page.getByTestId("cluster-list").locator("details", { hasText: HOSTILE });
  await expect(card.getByRole("link").first()).toContainText(HOSTILE);
  expect(await page.locator("img[src=x]").count()).toBe(0);
  await card.getByRole("link").first().click();
  await expect(page.getByTestId("cluster-title")).toHaveText(HOSTILE);
  expect(await page.locator("img[src=x]").count()).toBe(0);
  // The page's policy would block an injected inline handler even if one slipped through.
  const csp = (await page.request.get("/KunlunXPanel/clusters")).headers()["content-security-policy"];
  const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
  expect(scriptSrc).toContain("'nonce-");
  expect(scriptSrc).not.toContain("unsafe-inline");
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(dialogs).toBe(0);
});

test("a form on another site cannot use the session", async ({ page }) => {
  await loginReady(page);
  const base = new URL(page.url()).origin;
  // A page on another origin that posts to the console's logout as soon as it loads.
  await page.route("http://evil.example/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<form id=f method=post action="${base}/KunlunXPanel/api/logout"></form><script>f.submit()</script>`,
    }),
  );
  await page.goto("http://evil.example/attack");
  await page.waitForLoadState("load");
  // Still logged in: the write was refused (and the Strict cookie was not even sent).
  await page.goto("/KunlunXPanel");
  await expect(page).toHaveURL(/\/KunlunXPanel$/);
  await expect(page.getByTestId("current-user")).toBeVisible();
});

test("brute force on the login page is told how long to wait", async ({ page }) => {
  for (let i = 0; i < 5; i++) {
    await login(page, "ghost_account", `Guess#${i}aaaa`);
    await expect(page.getByTestId("login-error")).toContainText("Wrong user name or password");
  }
  await login(page, "ghost_account", "Guess#5aaaa");
  await expect(page.getByTestId("login-error")).toContainText(/Too many failed logins\. Try again in \d+ s/);
});
