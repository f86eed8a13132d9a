import { expect, test } from "./stack";
import { demoReady, loginReady, openRunningDemo } from "./helpers";

// Issue #19, instance variables, as a DBA uses them from a storage node's row on the
// demo cluster's page: a variable is read, its current value is shown beside the new
// one before applying, the change shows old and new, and reading again shows the new
// value. A compute node's variables are read only.

test("a variable read, set and read again shows old and new", async ({ page, stack }) => {
  test.setTimeout(120_000);
  await demoReady(page.request, stack.control);
  await loginReady(page);
  await openRunningDemo(page);

  const node = page.getByTestId("shard").first().getByTestId("storage-node").first();
  await node.getByTestId("node-variables").click();
  const dialog = page.getByTestId("variables-dialog");
  await dialog.getByTestId("variables-name").fill("fullsync_timeout");
  await dialog.getByTestId("variables-read").click();
  const row = dialog.locator("[data-test=variable-row][data-name=fullsync_timeout]");
  await expect(row.getByTestId("variable-value")).toHaveText("10000");

  await row.getByTestId("variable-edit").click();
  await expect(dialog.getByTestId("variables-set-name")).toHaveValue("fullsync_timeout");
  await expect(dialog.getByTestId("variables-current")).toHaveText("Current value: 10000");
  await dialog.getByTestId("variables-set-value").fill("20000");
  await dialog.getByTestId("variables-apply").click();
  await expect(dialog.getByTestId("variables-changed")).toHaveText("fullsync_timeout: 10000 → 20000");

  await dialog.getByTestId("variables-read").click();
  await expect(row.getByTestId("variable-value")).toHaveText("20000");

  // A pattern reads several; what the instance does not know is left out.
  await dialog.getByTestId("variables-name").fill("%timeout");
  await dialog.getByTestId("variables-read").click();
  await expect(dialog.locator("[data-test=variable-row][data-name=innodb_lock_wait_timeout]")).toBeVisible();
  await expect(dialog.locator("[data-test=variable-row][data-name=wait_timeout]")).toHaveCount(0);

  // A compute node: read only.
  await page.keyboard.press("Escape");
  await page.getByTestId("comp-row").first().getByTestId("node-variables").click();
  await expect(page.getByTestId("variables-read-only")).toBeVisible();
  await expect(page.getByTestId("variables-set-form")).toHaveCount(0);
});
