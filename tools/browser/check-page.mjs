// Loads a page in headless Chromium over the DevTools protocol and prints what a person would
// see: the track rows (and whether they are visible), the API reference's routes, every resource
// the page loaded, scripts present, dialogs opened (an XSS `alert` would open one), and whether
// the page overflows a phone-width screen.
//
// usage: node --experimental-websocket tools/browser/check-page.mjs URL [CHROMIUM]
// Needs Node 20+ (built-in WebSocket) and Chromium; no npm packages.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, chromium = "/usr/bin/chromium"] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "sharify-chromium-"));
const browser = spawn(chromium, [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank",
], { stdio: ["ignore", "ignore", "pipe"] });

let finishing = false;
const exited = new Promise((resolve) => browser.once("exit", resolve));
// Stops Chromium, waits until it is gone, then removes its profile (best effort: a straggling
// write must not turn a finished check into a failure).
const finish = async (code) => {
  finishing = true;
  browser.kill("SIGKILL");
  await exited;
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // left for the OS's temp cleaning
  }
  process.exit(code);
};
const fail = (message) => {
  console.error(message);
  return finish(1);
};
const timer = setTimeout(() => fail("timed out after 60 s"), 60_000);

const wsUrl = await new Promise((resolve) => {
  let seen = "";
  browser.stderr.on("data", (chunk) => {
    seen += chunk;
    const m = seen.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  browser.on("exit", (code) => {
    if (!finishing) fail(`chromium exited early (${code}): ${seen}`);
  });
});

const ws = new WebSocket(wsUrl);
await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
let nextId = 1;
const pending = new Map();
const listeners = [];
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id && pending.has(msg.id)) {
    const { resolve, reject } = pending.get(msg.id);
    pending.delete(msg.id);
    msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
  } else if (msg.method) {
    listeners.forEach((l) => l(msg));
  }
};
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject });
  ws.send(JSON.stringify({ id, method, params, sessionId }));
});

const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const dialogs = [];
const consoleCalls = [];
let loaded;
const loadedPromise = new Promise((resolve) => { loaded = resolve; });
listeners.push((msg) => {
  if (msg.method === "Page.javascriptDialogOpening") {
    dialogs.push(msg.params.message);
    send("Page.handleJavaScriptDialog", { accept: true }, sessionId);
  }
  if (msg.method === "Runtime.consoleAPICalled") consoleCalls.push(msg.params.type);
  if (msg.method === "Page.loadEventFired") loaded();
});
await send("Page.enable", {}, sessionId);
await send("Runtime.enable", {}, sessionId);
await send("Emulation.setDeviceMetricsOverride", { width: 390, height: 844, deviceScaleFactor: 3, mobile: true }, sessionId);
await send("Page.navigate", { url }, sessionId);
await loadedPromise;

const probe = `JSON.stringify({
  title: document.title,
  rows: [...document.querySelectorAll("[data-track-row]")].map((r) => {
    const box = r.getBoundingClientRect();
    const style = getComputedStyle(r);
    const buttons = [...r.querySelectorAll(".open a")].map((a) => {
      const b = a.getBoundingClientRect();
      return { label: a.innerText, href: a.href, visible: b.width > 0 && b.height > 0 };
    });
    return { text: r.innerText, width: box.width, height: box.height, buttons,
             visible: style.display !== "none" && style.visibility !== "hidden" && box.width > 0 && box.height > 0 };
  }),
  openPlaylist: document.querySelector("[data-open-playlist]")?.href ?? null,
  routes: [...document.querySelectorAll("[data-route]")].map((r) => {
    const box = r.getBoundingClientRect();
    return { route: r.dataset.route, visible: box.width > 0 && box.height > 0 };
  }),
  resources: performance.getEntriesByType("resource").map((e) => e.name),
  scripts: document.scripts.length,
  overflowsPhone: document.documentElement.scrollWidth > window.innerWidth,
  stylesheetApplied: getComputedStyle(document.body).backgroundColor !== "rgba(0, 0, 0, 0)",
})`;
const { result } = await send("Runtime.evaluate", { expression: probe, returnByValue: true }, sessionId);
const report = JSON.parse(result.value);
report.dialogs = dialogs;
report.console = consoleCalls;
console.log(JSON.stringify(report));
clearTimeout(timer);
ws.close();
await finish(0);
