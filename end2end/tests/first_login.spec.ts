import { expect, test } from "./stack";
import { DEFAULT_PASSWORD, DEFAULT_USER, hydrated, login, NEW_PASSWORD } from "./helpers";

// Issue #18 P1: the login page is HTML and CSS only, and works as such: a refused login
// comes back as the page with its message (and the page the user asked for kept), an
// accepted one as the next page, which then loads the app.
test("the login page loads no script file and no wasm, and logs in without them", async ({ page }) => {
  const fetched: string[] = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto("/KunlunXPanel/login?next=/KunlunXPanel/machines", { waitUntil: "networkidle" });
  expect(fetched.filter((p) => /\.(wasm|js)$/.test(p))).toEqual([]);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);

  await page.locator("input[name=username]").fill(DEFAULT_USER);
  await page.locator("input[name=password]").fill("Not#thePassword1");
  await page.getByTestId("login-form").locator("button[type=submit]").click();
  await expect(page.getByTestId("login-error")).toHaveText(/Wrong user name or password/);
  expect(new URL(page.url()).searchParams.get("next")).toBe("/KunlunXPanel/machines");
  expect(fetched.filter((p) => /\.(wasm|js)$/.test(p))).toEqual([]);

  await page.locator("input[name=username]").fill(DEFAULT_USER);
  await page.locator("input[name=password]").fill(DEFAULT_PASSWORD);
  await page.getByTestId("login-form").locator("button[type=submit]").click();
  await expect(page).toHaveURL(/\/KunlunXPanel\/change-password$/);
  await hydrated(page);
  expect(fetched.some((p) => p.endsWith(".wasm"))).toBe(true);
});

// The whole first-login story of issue #2, in order, in one browser.
test("super_dba must change the default password before anything else", async ({ page }) => {
  // Log in with the default password: forced to the change page.
  await login(page, DEFAULT_USER, DEFAULT_PASSWORD);
  await expect(page).toHaveURL(/\/KunlunXPanel\/change-password$/);
  await expect(page.getByTestId("change-required")).toBeVisible();

  // Any other page sends the user back.
  for (const other of ["/KunlunXPanel/machines", "/KunlunXPanel/clusters", "/KunlunXPanel"]) {
    await page.goto(other);
    await expect(page).toHaveURL(/\/KunlunXPanel\/change-password$/);
  }
  await hydrated(page);

  // A weak password fails with a clear message and nothing changes.
  await page.getByLabel(/Current password/).fill(DEFAULT_PASSWORD);
  await page.getByLabel(/^New password/).fill("weakpass");
  await page.getByLabel(/Repeat new password/).fill("weakpass");
  await page.getByRole("button", { name: /Change password/ }).click();
  await expect(page.getByTestId("new_password-error")).toHaveText(/upper-case letter/);
  await expect(page).toHaveURL(/\/KunlunXPanel\/change-password$/);

  // A strong one is accepted and opens the console.
  await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
  await page.getByLabel(/Repeat new password/).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: /Change password/ }).click();
  await expect(page).toHaveURL(/\/KunlunXPanel$/);
  await expect(page.getByTestId("current-user")).toContainText(DEFAULT_USER);

  // The menu works now: super_dba sees the user administration.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /System/ }).click();
  await expect(page).toHaveURL(/\/KunlunXPanel\/system$/);
  await expect(page.getByTestId("users")).toContainText(DEFAULT_USER);

  // Log out: the console is closed again.
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/KunlunXPanel\/login/);
  await page.goto("/KunlunXPanel/machines");
  await expect(page).toHaveURL(/\/KunlunXPanel\/login\?next=\/KunlunXPanel\/machines$/);

  // The old password fails ...
  await login(page, DEFAULT_USER, DEFAULT_PASSWORD);
  await expect(page.getByTestId("login-error")).toHaveText(/Wrong user name or password/);

  // ... and the new one logs straight in.
  await login(page, DEFAULT_USER, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/KunlunXPanel$/);
  await expect(page.getByTestId("current-user")).toContainText(DEFAULT_USER);
});
