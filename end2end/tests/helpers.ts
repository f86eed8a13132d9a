import { expect, Page } from "@playwright/test";

export const DEFAULT_USER = "super_dba";
export const DEFAULT_PASSWORD = "super_dba";
/** The password the first-login test sets; other tests log in with whichever works. */
export const NEW_PASSWORD = "Kunlun#2026e2e";

/** Waits until the wasm has hydrated the page, so clicks run through the app. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

export async function login(page: Page, user: string, password: string) {
  await page.goto("/KunlunXPanel/login");
  await hydrated(page);
  await page.getByLabel(/User name/).fill(user);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole("button", { name: /Log in/ }).click();
}

/**
 * Logs in as super_dba ready to work, whichever test ran first: with the changed
 * password, or with the default one followed by the forced change.
 */
export async function loginReady(page: Page) {
  await login(page, DEFAULT_USER, NEW_PASSWORD);
  // allTextContents does not wait, so it is safe once the page has moved on.
  const refused = async () =>
    (await page.getByTestId("login-error").allTextContents()).some((t) => /Wrong/.test(t));
  await expect.poll(async () => /\/KunlunXPanel$/.test(page.url()) || (await refused())).toBe(true);
  if (await refused()) {
    await login(page, DEFAULT_USER, DEFAULT_PASSWORD);
    await expect(page).toHaveURL(/\/KunlunXPanel\/change-password$/);
    await hydrated(page);
    await page.getByLabel(/Current password/).fill(DEFAULT_PASSWORD);
    await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await page.getByLabel(/Repeat new password/).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: /Change password/ }).click();
  }
  await expect(page).toHaveURL(/\/KunlunXPanel$/);
}
