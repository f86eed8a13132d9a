import { expect, Page } from "@playwright/test";

export const DEFAULT_USER = "super_dba";
export const DEFAULT_PASSWORD = "super_dba";

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
