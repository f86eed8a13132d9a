import { Page } from "@playwright/test";
import { expect, test } from "./stack";
import * as fs from "fs";
import * as path from "path";
import { hydrated, loginReady } from "./helpers";

// Issue #17: what went wrong with cluster_mgr is told apart in the browser, in both
// languages, through the form a DBA uses:
//   - refused at the door (cluster_mgr, or a proxy in front of it, answers HTTP 403):
//     nothing was submitted, the form says so and no job exists;
//   - no answer in time (cluster_mgr answers after 6 s; end2end/run.sh starts the console with a
//     3 s timeout): the job exists and says it is looking for the submission in
//     cluster_mgr's log, then follows it to its end, since cluster_mgr did take it;
//   - a failed job (cluster_mgr's duplicate check): the job page shows cluster_mgr's
//     code and words in the reader's language frame.
// The expected texts are read from the locale files, so a missing translation fails.

type Texts = Record<string, Record<string, string>>;
const texts = (lang: string): Texts =>
  JSON.parse(fs.readFileSync(path.join(__dirname, `../../app/locales/${lang}.json`), "utf8"));

/** A template's text as a pattern: each `{name}` stands for any text. */
function pattern(template: string): RegExp {
  const parts = template.split(/\{[a-z_]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(parts.join(".+"));
}

async function faults(page: Page, control: string, body: object) {
  const r = await page.request.post(`${control}/sim/faults`, { data: body });
  expect(r.ok()).toBe(true);
}

/** Fills the add-machine form by field name (the same in every language) and submits. */
async function submitStorage(page: Page, host: string) {
  await page.goto("/KunlunXPanel/machines");
  await hydrated(page);
  await page.getByTestId("add-machine").click();
  const form = page.getByTestId("machine-form");
  await form.locator("[name=machine_type]").selectOption("storage");
  await form.locator("[name=hostaddr]").fill(host);
  await form.locator("[name=datadir]").fill("/kunlun/data");
  await form.locator("[name=logdir]").fill("/kunlun/log");
  await form.locator("[name=wal_log_dir]").fill("/kunlun/wal");
  await form.locator("[name=total_mem]").fill("16384");
  await form.locator("[name=total_cpu_cores]").fill("8");
  await page.getByTestId("machine-submit").click();
}

async function jobOf(page: Page): Promise<string> {
  await expect(page.getByTestId("job-banner")).toBeVisible({ timeout: 15_000 });
  return (await page.getByTestId("job-banner").locator("a").getAttribute("href"))!;
}

for (const [lang, net] of [["en", 40], ["zh-CN", 41]] as const) {
  test.describe(`in ${lang}`, () => {
  // The browser asks for the language (Accept-Language): nothing is stored with the
  // account.
  test.use({ locale: lang });
  test(`cluster_mgr refusing, timing out and failing a job look different (${lang})`, async ({ page, stack }) => {
    test.setTimeout(120_000);
    const t = texts(lang);
    await loginReady(page);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    try {
      // Refused: one answer HTTP 403. Nothing was submitted: the form tells, no banner.
      await faults(page, stack.control, { http_error_count: 1, http_status: 403 });
      await submitStorage(page, `10.${net}.0.1`);
      const formError = page.getByTestId("machine-form-error");
      await expect(formError).toHaveText(pattern(t.klustron.http_status));
      await expect(formError).toContainText("403");
      await expect(page.getByTestId("job-banner")).toHaveCount(0);

      // Timed out: cluster_mgr answers after 6 s, the console waits 3. The job exists,
      // says what it waits for, and is found and followed once cluster_mgr has it.
      await faults(page, stack.control, { delay_ms: 6000 });
      await submitStorage(page, `10.${net}.0.2`);
      const slow = await jobOf(page);
      await faults(page, stack.control, {});
      await page.goto(slow);
      await hydrated(page);
      const waiting = page.getByTestId("job-waiting");
      await expect(waiting).toHaveAttribute("data-reason", "answerlost");
      await expect(waiting).toHaveText(t.job_wait.answer_lost);
      await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "done", { timeout: 40_000 });
      await expect(page.getByTestId("job-error")).toHaveCount(0);

      // A failed job: the same host again, which cluster_mgr refuses as a duplicate.
      await submitStorage(page, `10.${net}.0.2`);
      const dup = await jobOf(page);
      await page.goto(dup);
      await hydrated(page);
      await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
      const jobError = page.getByTestId("job-error");
      await expect(jobError).toHaveAttribute("data-code", "70062");
      await expect(jobError).toHaveText(
        t.job.cluster_mgr_failed
          .replace("{words}", "Create machine job add hostaddr in server_nodes")
          .replace("{code}", "70062"),
      );
      await expect(page.getByTestId("job-waiting")).toHaveCount(0);

      // Leave the deployment as it was.
      await page.goto("/KunlunXPanel/machines");
      await hydrated(page);
      await page
        .getByTestId(`machine-10.${net}.0.2-storage`)
        .getByRole("button", { name: t.common.delete, exact: true })
        .click();
      await page.getByTestId("delete-confirm").fill(`10.${net}.0.2`);
      await page.getByTestId("delete-submit").click();
      await expect(page.getByTestId("job-banner")).toHaveAttribute("data-status", "done", { timeout: 20_000 });
    } finally {
      await faults(page, stack.control, {});
    }
  });
  });
}
