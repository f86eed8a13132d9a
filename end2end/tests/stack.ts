import { test as base } from "@playwright/test";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

// Every test gets its own console and its own cluster_mgr simulator, both on empty
// stores, so no test depends on what another one did or on the order they run in, and
// the tests can run in parallel workers. Starting both takes well under a second.
// end2end/run.sh builds the binaries and the site; their paths come from the environment.

const ROOT = path.join(__dirname, "../..");
const XPANEL = process.env.XPANEL_BIN ?? path.join(ROOT, "target/debug/xpanel");
const SIM = process.env.SIM_BIN ?? path.join(ROOT, "target/debug/klustron-sim");
const SITE = process.env.SITE_ROOT ?? path.join(ROOT, "target/site");

export interface Stack {
  /** The console's address, also the test's `baseURL`. */
  url: string;
  /** The simulator's control API (faults, seeding, its job table). */
  control: string;
  /** Stops the console and starts it again on the same store; resolves once it answers. */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200, failing early if `child` died (with its log). */
async function answers(url: string, child: ChildProcess, log: string) {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`${path.basename(log)} exited ${child.exitCode}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
    }
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer in 20 s:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
}

function start(bin: string, args: string[], env: Record<string, string>, log: string): ChildProcess {
  const out = fs.openSync(log, "a");
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
}

export const test = base.extend<{ stack: Stack; simProfile: "1.0" | "1.2" }>({
  // The cluster_mgr release the simulator plays: the public 1.0.2 unless a file asks for
  // 1.2 (`test.use({ simProfile: "1.2" })`) for the jobs only 1.1+ has.
  simProfile: ["1.0", { option: true }],
  stack: async ({ simProfile }, use, info) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xpanel-e2e-"));
    const [port, simA, simB, simControl] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const meta = `sqlite:${dir}/metadata.db`;
    const control = `http://127.0.0.1:${simControl}`;
    // By default the simulator plays the public cluster_mgr (1.0.2): the console must work
    // against it.
    const sim = start(
      SIM,
      ["--metadata-url", meta, "--nodes", `127.0.0.1:${simA},127.0.0.1:${simB}`,
        "--control", `127.0.0.1:${simControl}`, "--step-ms", "150", "--profile", simProfile],
      {},
      `${dir}/sim.log`,
    );
    await answers(`${control}/sim/state`, sim, `${dir}/sim.log`);
    // cluster_mgr's answers time out after 3 s, so that real_wire_failures.spec.ts can
    // make a submit time out quickly.
    const consoleArgs = ["--listen", `127.0.0.1:${port}`, "--data-dir", `${dir}/console`,
      "--cluster-mgr-timeout-secs", "3", "--site-root", SITE];
    const url = `http://127.0.0.1:${port}`;
    const launch = async () => {
      const c = start(XPANEL, consoleArgs, { METASEEDS: meta }, `${dir}/console.log`);
      await answers(`${url}/KunlunXPanel/login`, c, `${dir}/console.log`);
      return c;
    };
    let xpanel = await launch();
    await use({
      url,
      control,
      restart: async () => {
        await stop(xpanel);
        xpanel = await launch();
      },
    });
    await Promise.all([stop(xpanel), stop(sim)]);
    if (info.status !== info.expectedStatus) {
      for (const log of ["console.log", "sim.log"]) {
        const text = fs.existsSync(`${dir}/${log}`) ? fs.readFileSync(`${dir}/${log}`, "utf8") : "";
        console.log(`--- ${info.title}: ${log} (last lines)\n${text.split("\n").slice(-40).join("\n")}`);
        await info.attach(log, { body: text, contentType: "text/plain" });
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  },
  baseURL: async ({ stack }, use) => use(stack.url),
});

export { expect } from "@playwright/test";
