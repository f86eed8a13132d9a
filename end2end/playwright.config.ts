import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium (Playwright cannot download its own here).
// Each test starts its own console and simulator (tests/stack.ts, which also sets
// baseURL), so tests run in any order and in parallel: E2E_WORKERS, 2 by default (the
// CI machine has two cores; a test spends most of its time waiting on cluster_mgr).
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  reporter: [["list"]],
  outputDir: "../target/e2e-results",
  use: {
    // The app marks elements for tests with data-test="...".
    testIdAttribute: "data-test",
    // The browser's language (Accept-Language) picks the console's; zh.spec switches it.
    locale: "en-US",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
