// Page weight of the login page and of the machine list in a real Chromium load with an
// empty cache: request count, body bytes as sent (raw, gzip, brotli: the same page is
// loaded three times with Accept-Encoding forced to identity, gzip and br) and the bytes
// on the wire including headers, plus DOMContentLoaded. Called by bench/page_weight.sh.
// Usage: node bench/page_weight.mjs BASE_URL PASSWORD
import { chromium } from "playwright-core";

const [base, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});

async function load(path, encoding, loginFirst) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (loginFirst) {
    await page.goto(`${base}/KunlunXPanel/login`);
    await page.getByLabel(/User name/).fill("super_dba");
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole("button", { name: /Log in/ }).click();
    await page.waitForURL(/\/KunlunXPanel$/);
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": encoding } });
  const requests = new Map();
  cdp.on("Network.requestWillBeSent", (e) => requests.set(e.requestId, { url: e.request.url, wire: 0, body: 0 }));
  cdp.on("Network.responseReceived", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.encoding = e.response.headers["content-encoding"] ?? e.response.headers["Content-Encoding"] ?? "";
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.wire = e.encodedDataLength;
  });
  await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
  // The login page loads no wasm (plain forms); every other page is done once hydrated.
  if (path !== "/KunlunXPanel/login") await page.locator("body[data-hydrated=true]").waitFor();
  const dcl = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return n.domContentLoadedEventEnd - n.startTime;
  });
  // Body bytes as sent: each URL fetched again without decoding, with this encoding.
  let body = 0;
  for (const r of requests.values()) r.body = await rawLength(r.url, encoding, context);
  for (const r of requests.values()) body += r.body;
  const wire = [...requests.values()].reduce((a, r) => a + r.wire, 0);
  await context.close();
  return { requests: requests.size, body, wire, dcl, files: [...requests.values()].map((r) => ({ url: r.url.replace(base, ""), body: r.body, encoding: r.encoding })) };
}

// The encoded body length, read without decoding (node's http module does not decode).
async function rawLength(url, encoding, context) {
  const http = await import("node:http");
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { "Accept-Encoding": encoding, Cookie: cookie } }, (res) => {
      let n = 0;
      res.on("data", (c) => (n += c.length));
      res.on("end", () => resolve(n));
    }).on("error", reject);
  });
}

const P1_BYTES = 250_000;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const [label, path, loginFirst] of [
  ["login page", "/KunlunXPanel/login", false],
  ["machine list (10,000 machines)", "/KunlunXPanel/machines", true],
]) {
  const out = {};
  for (const enc of ["identity", "gzip", "br"]) out[enc] = await load(path, enc, loginFirst);
  console.log(`${label}: ${out.br.requests} requests; body raw ${kib(out.identity.body)}, gzip ${kib(out.gzip.body)}, brotli ${kib(out.br.body)}; on the wire with brotli (incl. headers) ${kib(out.br.wire)}; DOMContentLoaded ${out.br.dcl.toFixed(0)} ms`);
  for (const f of out.br.files) console.log(`    ${f.url}  ${kib(f.body)} br (${f.encoding || "identity"}); raw ${kib(out.identity.files.find((g) => g.url === f.url)?.body ?? 0)}`);
  const ratio = out.br.body / (835 * 1024);
  console.log(`    vs original XPanel login page, 835 KiB brotli: ${(ratio * 100).toFixed(1)}% (${(1 / ratio).toFixed(1)}x smaller)`);
  // Issue #18 P1: HTML + JS + wasm + CSS, brotli, empty cache, at most 250 KB.
  verdict(`P1 ${label}: transferred (brotli)`, out.br.body, P1_BYTES, "B");
  const biggest = out.br.files.reduce((a, f) => (f.body > a.body ? f : a));
  console.log(`    biggest file: ${biggest.url} ${biggest.body} B brotli`);
}

function verdict(what, value, goal, unit) {
  console.log(`${what}: ${value} ${unit} (goal <= ${goal} ${unit}) ${value <= goal ? "PASS" : "MISS"}`);
}
await browser.close();
