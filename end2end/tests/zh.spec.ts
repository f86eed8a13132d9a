import { expect, test } from "./stack";
import { demoReady, hydrated, loginReady } from "./helpers";

// Issue #9 in Chinese, through the browser against klustron-sim: the language switch on
// the login page turns the console Chinese; a DBA creates a cluster through the wizard
// reading only Chinese (labels, validation messages, job name and status, dates) and
// reads its compute nodes' PostgreSQL and MySQL ports; the language chosen while logged
// in is the user's and comes back at the next login, even from a browser that asks for
// another language.

const NAME = "订单库";

test("in Chinese: switch language, create a cluster, read its ports", async ({ page, request, browser, stack }) => {
  const control = stack.control;
  await demoReady(request, control);

  // The browser asks for English; the switch on the login page makes it Chinese.
  await page.goto("/KunlunXPanel/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByTestId("lang-zh-CN").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByLabel("用户名")).toBeVisible();
  await expect(page.getByRole("button", { name: "登录" })).toBeVisible();

  await loginReady(page);
  const nav = page.getByRole("navigation", { name: "主菜单" });
  await expect(nav.getByRole("link", { name: "集群管理" })).toBeVisible();
  await page.goto("/KunlunXPanel/clusters");
  await hydrated(page);
  await page.getByTestId("new-cluster").click();
  await hydrated(page);
  const wizard = page.getByTestId("cluster-wizard");

  // Basics: the validation message is Chinese.
  await page.getByTestId("wizard-next").click();
  await expect(page.getByTestId("nick_name-error")).toHaveText("请输入业务名称");
  await page.getByLabel("业务名称").fill(NAME);
  await page.getByTestId("wizard-next").click();

  // Topology: 1 shard of 3 replicas, 1 compute node, on all running machines.
  await expect(wizard).toHaveAttribute("data-step", "2");
  await page.getByLabel(/^shard个数/).fill("0");
  await page.getByTestId("wizard-next").click();
  await expect(page.getByTestId("shards-error")).toHaveText("必须是1到256之间的整数");
  await page.getByLabel(/^shard个数/).fill("1");
  await page.getByLabel(/^副本数/).fill("3");
  await page.getByLabel(/^计算节点个数/).fill("1");
  await page.getByTestId("wizard-next").click();

  // Resources: the compute-node password, then the review's pre-checks in Chinese.
  await expect(wizard).toHaveAttribute("data-step", "3");
  await page.getByLabel(/^计算节点密码/).fill("Secret#2026");
  await page.getByTestId("wizard-next").click();
  await expect(page.getByTestId("cluster-plan")).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("pre-checks")).toContainText("需要3个存储实例");
  await expect(page.getByTestId("plan-storage").first()).toContainText("shard 1 主");
  await page.getByRole("button", { name: "创建集群" }).click();

  // The job page: name and status in Chinese, the start time in the local format.
  await expect(page).toHaveURL(/\/KunlunXPanel\/jobs\/\d+$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("新增集群");
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(page.getByTestId("job-progress")).toContainText("成功");
  await expect(page.locator("time").first()).toHaveText(/^\d{4}年\d{1,2}月\d{1,2}日/);

  // The cluster's compute node: both ports, as the metadata has them.
  await page.getByTestId("open-cluster").click();
  await expect(page.getByTestId("cluster-title")).toHaveText(NAME);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "计算节点 (1)" })).toBeVisible();
  const clusterId = Number(page.url().split("/").pop());
  const meta = (await (await request.get(`${control}/sim/comp_nodes`)).json()).comp_nodes as {
    db_cluster_id: number; hostaddr: string; port: number; mysql_port: number | null;
  }[];
  const mine = meta.filter((n) => n.db_cluster_id === clusterId);
  expect(mine.length).toBe(1);
  const row = page.getByTestId("comp-row");
  await expect(row.getByTestId("pg-port")).toHaveText(String(mine[0].port));
  await expect(row.getByTestId("mysql-port")).toHaveText(String(mine[0].mysql_port ?? mine[0].port + 1));

  // Chosen while logged in, the language is the user's: another browser asking for
  // English gets Chinese after logging in, and can switch back.
  await page.getByTestId("lang-zh-CN").click();
  await expect(page.getByTestId("lang-zh-CN")).toHaveAttribute("aria-pressed", "true");
  const other = await browser.newContext({ locale: "en-US", baseURL: stack.url });
  const second = await other.newPage();
  await loginReady(second);
  await expect(second.locator("html")).toHaveAttribute("lang", "zh-CN");
  await hydrated(second);
  await second.getByTestId("lang-en").click();
  await expect(second.locator("html")).toHaveAttribute("lang", "en");
  await expect(second.getByRole("navigation", { name: "Main" })).toBeVisible();
  await other.close();

  // Delete the cluster, confirming by its name (Chinese text, typed exactly).
  await page.reload();
  await hydrated(page);
  await page.getByTestId("delete-cluster").click();
  await page.getByTestId("confirm-input").fill(NAME);
  await page.getByTestId("confirm-submit").click();
  await expect(page.getByTestId("job-banner")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
});
