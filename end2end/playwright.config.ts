import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium (Playwright cannot download its own here).
// end2end/run.sh starts a console on a fresh store and passes its address in BASE_URL.
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "../target/e2e-results",
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:18080",
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
