// Waymark's browser suite, in Debian's Chromium through playwright-core.
//
// It starts the real `waymark` binary on the bundled content and checks, on
// every page type: axe-core with the WCAG 2.2 A and AA rules (zero
// violations), the Nu HTML checker (zero errors), no request to any other
// host, no Content-Security-Policy violation, and at most 100 KB transferred
// on a first, uncached load. Then a keyboard-only journey with visible focus
// at every step, live search and the back button, the narrow-screen filter
// button, copy link, print, and the same journey with JavaScript off.
// Screenshots at 320, 375 and 1280 pixels wide go to tests/browser/screenshots/.
//
// Run: cargo build && (cd tests/browser && npm ci && npm test)
// Settings: WAYMARK_BIN (default ../../target/debug/waymark), CHROMIUM
// (default /usr/bin/chromium), JAVA (default java).

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const require = createRequire(import.meta.url);

const BIN = process.env.WAYMARK_BIN || path.join(root, "target/debug/waymark");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const JAVA = process.env.JAVA || "java";
const SHOTS = path.join(here, "screenshots");
const MAX_BYTES = 100 * 1000;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

const PLAN = "strategies/movement-breaks-for-attention,strategies/small-group-nurture-sessions,resources/one-page-profile";
// Every page type, by a name used for its screenshots; a third item "staff"
// means the page is on the staff (admin) listener only.
const PAGES = [
  ["home", "/"],
  ["area", "/needs/communication-interaction"],
  ["need", "/needs/autism"],
  ["need-by-phase", "/needs/specific-learning-difficulties?phase=secondary"],
  ["tier", "/tiers/targeted"],
  ["ingredient", "/ingredients/personalisation"],
  ["page", "/strategies/movement-breaks-for-attention"],
  ["task-list", "/resources/abc-observation-record"],
  ["guidance", "/guidance/semh"],
  ["search", "/search?q=ear+defenders"],
  ["search-filters", "/search?q=reading&need=cognition-learning&tier=universal&phase=primary"],
  ["search-page-2", "/search?page=2"],
  ["no-results", "/search?q=zzqxv+plover&tier=statutory"],
  ["plan", `/plan?items=${PLAN}`],
  ["session", `/plan?items=${PLAN}&view=session`],
  ["present", `/plan?items=${PLAN}&view=present`],
  ["empty-plan", "/plan"],
  ["strategy", `/strategy?items=${PLAN}`],
  ["empty-strategy", "/strategy?items="],
  ["not-found", "/no-such-page"],
  ["bad-filter", "/search?tier=nonsense"],
  ["status", "/status", "staff"],
];
// The staff-only addresses, which the public listener answers with a 404.
const STAFF_ONLY = ["/status", "/metrics"];

const failures = [];
function fail(where, message) {
  failures.push(`${where}: ${message}`);
  console.log(`  FAIL ${where}: ${message}`);
}
function check(condition, where, message) {
  if (!condition) {
    fail(where, message);
  }
  return Boolean(condition);
}

// ------------------------------------------------------------------ server

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startServer() {
  if (!existsSync(BIN)) {
    throw new Error(`no waymark binary at ${BIN}: run \`cargo build\` first, or set WAYMARK_BIN`);
  }
  const port = await freePort();
  // The staff listener takes a free port too, read from the log (info lines
  // of the command line only: what was loaded, and the addresses).
  const child = spawn(BIN, ["serve", "--content", path.join(root, "content"), "--addr", `127.0.0.1:${port}`,
    "--admin-addr", "127.0.0.1:0", "--no-watch"], {
    stdio: ["ignore", "inherit", "pipe"],
    env: { ...process.env, RUST_LOG: "warn,waymark::cli=info" },
  });
  let adminBase = null;
  let log = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    process.stderr.write(chunk);
    log += chunk;
    const found = /staff pages \(\/status, \/metrics\) on (http:\/\/[0-9.:]+)/.exec(log);
    if (found && !adminBase) {
      adminBase = found[1];
    }
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok && adminBase) {
        return { child, base, adminBase };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error("waymark did not answer /healthz and log its staff address within 10 s");
}

// /status and /metrics are the staff's: the public listener answers 404.
async function staffOnly(base, adminBase) {
  console.log("== staff-only addresses");
  for (const url of STAFF_ONLY) {
    const pub = await fetch(base + url);
    check(pub.status === 404, `public ${url}`, `status ${pub.status}, expected 404`);
    const staff = await fetch(adminBase + url);
    check(staff.status === 200, `staff ${url}`, `status ${staff.status}, expected 200`);
  }
  const footer = await (await fetch(base + "/")).text();
  check(!footer.includes('href="/status"'), "public home", "links to /status");
}

// ------------------------------------------------------------------ browser

async function launch(options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM`);
  }
  const profile = mkdtempSync(path.join(os.tmpdir(), "waymark-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  // Record CSP violations on every page, before any of its own script runs.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { context, profile };
}

async function close({ context, profile }) {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

// A page that records every request and how many bytes crossed the wire.
async function watchedPage(context, base) {
  const page = await context.newPage();
  const record = { requests: [], bytes: 0, errors: [] };
  page.on("request", (request) => record.requests.push(request.url()));
  page.on("pageerror", (error) => record.errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 40[04]/.test(message.text())) {
      record.errors.push(message.text());
    }
  });
  page.on("requestfinished", async (request) => {
    try {
      const sizes = await request.sizes();
      record.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    } catch {
      // the page went away first
    }
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  record.reset = () => {
    record.requests = [];
    record.bytes = 0;
    record.errors = [];
  };
  record.base = base;
  return { page, record };
}

// ------------------------------------------------------------------ checks

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern.
    await page.evaluate(axeSource);
  }
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary.split("\n").slice(1, 2).join("")}`),
    }));
  }, AXE_TAGS);
}

// Every h2 and h3 is named by its visible words alone: no "#" link, button
// or badge inside a heading for a screen reader's list of headings.
async function headingNames(page, where) {
  const wrong = await page.evaluate(() => {
    const squash = (t) => (t || "").replace(/\s+/g, " ").trim();
    // axe works out names on its own tree of the page, built here.
    window.axe.setup(document);
    try {
      // Headings folded away (the phone's closed filter panel) are not read.
      return [...document.querySelectorAll("h2, h3")]
        .filter((h) => h.getClientRects().length > 0)
        .map((h) => ({
          name: squash(window.axe.commons.text.accessibleTextVirtual(window.axe.utils.getNodeFromTree(h))),
          text: squash(h.innerText || h.textContent),
        }))
        .filter((h) => h.name !== h.text)
        .map((h) => `"${h.name}" is not "${h.text}"`);
    } finally {
      window.axe.teardown();
    }
  });
  for (const w of wrong.slice(0, 5)) {
    fail(where, `heading name ${w}`);
  }
}

// A teacher on a 375x812 phone: after a search the count and the first
// result are on the first screen; with the filters open, "Show N results"
// is on screen; a strategy's steps start within two screens.
async function phoneFirstScreens(base) {
  console.log("== a phone's first screens: results, Show N results, the steps");
  const browser = await launch({ viewport: { width: 375, height: 812 } });
  const page = await browser.context.newPage();
  for (const url of ["/search?q=ear+defenders", "/search?q=reading&need=cognition-learning&tier=universal&phase=primary"]) {
    await page.goto(base + url, { waitUntil: "networkidle" });
    const where = `phone search ${url}`;
    const at = await page.evaluate(() => ({
      count: document.querySelector("[data-result-count]").getBoundingClientRect().bottom,
      first: document.querySelector(".results .card-title").getBoundingClientRect().bottom,
    }));
    check(at.count <= 812, where, `the result count ends at ${Math.round(at.count)}px, below the first screen`);
    check(at.first <= 812, where, `the first result's title ends at ${Math.round(at.first)}px, below the first screen`);
    await page.locator("[data-filter-toggle]").click();
    const show = page.locator("[data-show-results]");
    const box = await show.boundingBox();
    check(box && box.y >= 0 && box.y + box.height <= 812, where, `"Show N results" is not on screen with the filters open (${JSON.stringify(box)})`);
    await show.click();
    check(!(await page.locator("[data-filters]").isVisible()), where, `"Show N results" did not close the filters`);
    check(await page.evaluate(() => document.activeElement.hasAttribute("data-result-count")), where, `"Show N results" did not move focus to the count`);
  }
  // Keyboard users meet "Skip to results" before the first filter.
  const order = await page.evaluate(() => {
    const skip = document.querySelector('a[href="#results"]');
    const filter = document.querySelector("[data-filters] input");
    return skip && filter ? skip.compareDocumentPosition(filter) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
  });
  check(order, "phone search", "no Skip to results link before the filters");
  await page.goto(base + "/strategies/movement-breaks-for-attention", { waitUntil: "networkidle" });
  const steps = await page.evaluate(() => document.getElementById("what-you-can-do").getBoundingClientRect().top + window.scrollY);
  check(steps <= 1624, "phone strategy", `"What you can do" starts at ${Math.round(steps)}px, past two screens (1624px)`);
  console.log(`  "What you can do" at ${Math.round(steps)}px`);
  await close(browser);
}

async function pageTypes(base, adminBase, htmlFiles) {
  console.log("== every page type: axe, weight, requests, CSP, screenshots");
  const browser = await launch();
  const { page, record } = await watchedPage(browser.context, base);
  const on = (audience) => (audience === "staff" ? adminBase : base);
  for (const [name, url, audience] of PAGES) {
    record.reset();
    const at = on(audience);
    const response = await page.goto(at + url, { waitUntil: "networkidle" });
    const where = `${name} (${url})`;
    const expected = name === "not-found" ? 404 : name === "bad-filter" ? 400 : 200;
    check(response.status() === expected, where, `status ${response.status()}, expected ${expected}`);
    const foreign = record.requests.filter((u) => !u.startsWith(at + "/"));
    check(foreign.length === 0, where, `requests to other hosts: ${foreign.join(", ")}`);
    check(record.bytes <= MAX_BYTES, where, `${record.bytes} bytes transferred on first load; the budget is ${MAX_BYTES}`);
    const csp = await page.evaluate(() => window.__cspViolations);
    check(csp.length === 0, where, `Content-Security-Policy violations: ${csp.join("; ")}`);
    check(record.errors.length === 0, where, `script errors: ${record.errors.join("; ")}`);
    const violations = await runAxe(page);
    for (const v of violations) {
      fail(where, `axe ${v.id} (${v.impact}): ${v.nodes.join(" | ")}`);
    }
    await headingNames(page, where);
    console.log(`  ${name}: ${violations.length} axe violations, ${record.bytes} bytes, ${record.requests.length} requests`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-1280.png`), fullPage: true });
    // The server's own HTML, as the HTML checker should see it.
    const file = path.join(htmlFiles, `${name}.html`);
    writeFileSync(file, await (await fetch(at + url)).text());
  }
  // The same pages on phones, with axe again: reflow can hide problems.
  // 320 CSS pixels is WCAG's reflow width (1.4.10); nothing but a table's
  // own box may scroll sideways there.
  for (const width of [375, 320]) {
    await page.setViewportSize({ width, height: 812 });
    for (const [name, url, audience] of PAGES) {
      await page.goto(on(audience) + url, { waitUntil: "networkidle" });
      const where = `${name} at ${width}px`;
      const violations = await runAxe(page);
      for (const v of violations) {
        fail(where, `axe ${v.id} (${v.impact}): ${v.nodes.join(" | ")}`);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(overflow <= 0, where, `the page scrolls sideways by ${overflow}px`);
      await headingNames(page, where);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
      await page.screenshot({ path: path.join(SHOTS, `${name}-${width}-screen.png`) });
    }
  }
  // Repeat visits: fingerprinted assets come from the cache, not the wire.
  await page.setViewportSize({ width: 1280, height: 900 });
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  await page.goto(base + "/", { waitUntil: "networkidle" });
  record.reset();
  await page.goto(base + "/tiers/universal", { waitUntil: "networkidle" });
  const assetHits = record.requests.filter((u) => u.includes("/static/") || u.includes("/theme/"));
  const fromNetwork = [];
  for (const u of assetHits) {
    const r = await fetch(u);
    const cache = r.headers.get("cache-control") || "";
    if (!cache.includes("immutable")) {
      fromNetwork.push(`${u} (${cache})`);
    }
  }
  check(fromNetwork.length === 0, "assets", `assets without a long cache: ${fromNetwork.join(", ")}`);
  await close(browser);
}

function htmlChecker(htmlFiles) {
  console.log("== the Nu HTML checker on every page type");
  const jar = path.join(path.dirname(require.resolve("vnu-jar/package.json")), "build/dist/vnu.jar");
  const files = PAGES.map(([name]) => path.join(htmlFiles, `${name}.html`));
  const run = spawnSync(JAVA, ["-jar", jar, "--errors-only", "--format", "json", ...files], { encoding: "utf8" });
  if (run.error) {
    fail("vnu", `cannot run ${JAVA}: ${run.error.message}; install Java (apt-get install default-jre-headless)`);
    return;
  }
  let messages = [];
  try {
    messages = JSON.parse(run.stderr || run.stdout || "{}").messages || [];
  } catch (e) {
    fail("vnu", `unreadable output (${e.message}): ${(run.stderr || "").slice(0, 500)}`);
    return;
  }
  const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal");
  for (const m of errors) {
    fail(`vnu ${path.basename(m.url || "")}:${m.lastLine}`, m.message);
  }
  console.log(`  ${files.length} pages, ${errors.length} errors`);
}

// Whether the focused element shows a focus indicator the eye can find:
// a solid outline of 2px or more, a box shadow, or the yellow focus background.
async function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) {
      return { visible: false, what: "nothing focused" };
    }
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 && style.outlineColor !== "rgba(0, 0, 0, 0)";
    const shadow = style.boxShadow !== "none";
    const yellow = style.backgroundColor === "rgb(255, 221, 0)";
    const rect = el.getBoundingClientRect();
    const onScreen = rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < window.innerHeight
      && rect.right > 0 && rect.left < window.innerWidth;
    const label = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${(el.textContent || el.value || "").trim().slice(0, 40)}"`;
    return { visible: (outline || shadow || yellow) && onScreen, what: label, id: el.id, tag: el.tagName };
  });
}

// Presses Tab until `test` holds for the focused element, checking that
// every element on the way shows its focus.
async function tabTo(page, where, test, limit = 150) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const state = await focusState(page);
    if (state.tag && state.tag !== "MAIN" && !state.visible) {
      fail(where, `focus is not visible on ${state.what}`);
      return false;
    }
    if (await page.evaluate(test)) {
      return true;
    }
  }
  fail(where, `did not reach the target in ${limit} presses of Tab`);
  return false;
}

async function keyboardJourney(base) {
  console.log("== keyboard journey: skip link, search, filter, result, add to plan");
  const browser = await launch();
  const page = await browser.context.newPage();
  await page.goto(base + "/");
  await page.keyboard.press("Tab");
  let state = await focusState(page);
  check(/skip-link|Skip to main content/.test(state.what), "skip link", `first Tab focused ${state.what}`);
  check(state.visible, "skip link", "the skip link is focused but not visible");
  await page.screenshot({ path: path.join(SHOTS, "keyboard-1-skip-link.png") });
  await page.keyboard.press("Enter");
  check(await page.evaluate(() => document.activeElement.id === "main"), "skip link", "Enter on the skip link did not move focus to main");

  if (!(await tabTo(page, "search box", () => document.activeElement.id === "home-q"))) {
    return close(browser);
  }
  await page.keyboard.type("reading");
  await Promise.all([page.waitForURL(/\/search\?q=reading/), page.keyboard.press("Enter")]);
  await page.waitForLoadState("networkidle");

  const reached = await tabTo(page, "filter", () => document.activeElement.id === "f-tier-universal");
  if (!reached) {
    return close(browser);
  }
  state = await focusState(page);
  check(state.visible, "filter", "the filter checkbox has no visible focus");
  await page.screenshot({ path: path.join(SHOTS, "keyboard-2-filter.png") });
  await page.keyboard.press("Space");
  await page.waitForURL(/tier=universal/, { timeout: 5000 }).catch(() => fail("filter", "ticking a filter did not update the address"));
  await page.waitForFunction(() => !document.querySelector("[data-live-search]").hasAttribute("aria-busy"));
  check(await page.evaluate(() => document.activeElement.id === "f-tier-universal"), "filter", "focus was lost after the results updated");
  check(await page.evaluate(() => document.querySelector("#f-tier-universal").checked), "filter", "the filter is not ticked after the update");
  check(await page.evaluate(() => document.querySelector(".applied-tag") !== null), "filter", "no applied-filter tag after ticking");

  if (!(await tabTo(page, "result", () => document.activeElement.matches(".results .card-title a")))) {
    return close(browser);
  }
  const title = await page.evaluate(() => document.activeElement.textContent.trim());
  await page.screenshot({ path: path.join(SHOTS, "keyboard-3-result.png") });
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check((await page.locator("h1").textContent()).trim() === title, "result", `opened a page whose heading is not "${title}"`);

  if (!(await tabTo(page, "add to plan", () => document.activeElement.matches(".add-to-plan button")))) {
    return close(browser);
  }
  await page.screenshot({ path: path.join(SHOTS, "keyboard-4-add.png") });
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check(/Added 1 page to your plan/.test(await page.locator("main").textContent()), "add to plan", "no confirmation after adding");
  await page.goto(base + "/plan");
  check((await page.locator("main").textContent()).includes(title), "add to plan", `the plan does not list "${title}"`);
  check(/\(1\)/.test(await page.locator("[data-plan-count]").textContent()), "add to plan", "the header does not count 1 page in the plan");
  console.log(`  added "${title}" to the plan by keyboard alone`);
  await close(browser);
}

async function liveSearch(base) {
  console.log("== live search, the back button, filters on a phone, copy link, print");
  const browser = await launch();
  const page = await browser.context.newPage();
  await page.goto(base + "/search?q=noise");
  const before = await page.locator("[data-result-count]").textContent();
  await page.locator("#q").fill("");
  await page.locator("#q").pressSequentially("handwriting", { delay: 30 });
  await page.waitForURL(/q=handwriting/, { timeout: 5000 }).catch(() => fail("live search", "typing did not update the address"));
  await page.waitForFunction(() => !document.querySelector("[data-live-search]").hasAttribute("aria-busy"));
  const firstTitle = await page.locator(".results .card-title a").first().textContent();
  check(/handwriting/i.test(await page.locator(".results").textContent()), "live search", "the results did not change to the new words");
  check(await page.evaluate(() => document.activeElement.id === "q"), "live search", "the search box lost focus while typing");
  check((await page.locator("h1").textContent()).includes("handwriting"), "live search", "the heading did not follow the query");
  await page.locator("#f-tier-universal").check();
  await page.waitForURL(/tier=universal/);
  await page.waitForFunction(() => !document.querySelector("[data-live-search]").hasAttribute("aria-busy"));
  const filtered = await page.locator("[data-result-count]").textContent();
  await page.goBack();
  await page.waitForURL((u) => !u.search.includes("tier=universal"));
  await page.waitForFunction(() => !document.querySelector("[data-live-search]").hasAttribute("aria-busy"));
  check(!(await page.locator("#f-tier-universal").isChecked()), "back button", "Back did not untick the filter");
  check((await page.locator(".results .card-title a").first().textContent()) === firstTitle, "back button", "Back did not restore the results");
  await page.goBack();
  await page.waitForURL(/q=noise/).catch(() => fail("back button", "the second Back did not return to the first search"));
  await page.waitForFunction(() => !document.querySelector("[data-live-search]").hasAttribute("aria-busy"));
  check((await page.locator("[data-result-count]").textContent()) === before, "back button", `expected "${before}" after going back`);
  check((await page.locator("#q").inputValue()) === "noise", "back button", "the search box does not show the earlier words");
  console.log(`  typed, filtered ("${filtered.trim()}") and went back twice`);

  // Sort follows the select without a button.
  await page.selectOption("#sort", "title");
  await page.waitForURL(/sort=title/).catch(() => fail("sort", "changing the sort did not update the results"));

  // A phone: the filters fold behind a button that counts what is applied.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(base + "/search?q=reading&tier=universal&phase=primary");
  const toggle = page.locator("[data-filter-toggle]");
  check(await toggle.isVisible(), "phone filters", "no Filter results button on a narrow screen");
  check((await toggle.textContent()).includes("2 applied"), "phone filters", `the button says "${await toggle.textContent()}"`);
  check(!(await page.locator("[data-filters]").isVisible()), "phone filters", "the filters are not folded away");
  await page.screenshot({ path: path.join(SHOTS, "search-phone-folded-375.png"), fullPage: false });
  await toggle.click();
  check(await page.locator("[data-filters]").isVisible(), "phone filters", "the button did not open the filters");
  check((await toggle.getAttribute("aria-expanded")) === "true", "phone filters", "aria-expanded did not follow");
  await page.screenshot({ path: path.join(SHOTS, "search-phone-open-375.png"), fullPage: false });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForFunction(() => document.querySelector("[data-filter-toggle]").hidden, null, { timeout: 3000 })
    .catch(() => fail("wide filters", "on a wide screen the Filter results button stays"));
  check(await page.locator("[data-filters]").isVisible(), "wide filters", "on a wide screen the filters should show without a button");

  // Copy link: the section's address reaches the clipboard and is announced.
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  await page.goto(base + "/strategies/movement-breaks-for-attention");
  const copy = page.locator(".body .heading-row .copy-link").first();
  check(await copy.isVisible(), "copy link", "no copy link button beside a heading");
  await copy.click();
  await page.waitForFunction(() => document.querySelector("[data-announce]").textContent.includes("Link copied"), null, { timeout: 3000 })
    .catch(() => fail("copy link", "no announcement after copying"));
  const copied = await page.evaluate(() => navigator.clipboard.readText()).catch(() => "");
  check(/\/strategies\/movement-breaks-for-attention#[a-z-]+$/.test(copied), "copy link", `the clipboard holds "${copied}"`);

  // Print: only the content, with link addresses, on A4.
  await page.emulateMedia({ media: "print" });
  const hidden = await page.evaluate(() => ["header nav", ".header-tools", ".header-search", ".add-to-plan", ".site-footer"]
    .filter((s) => document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== "none"));
  check(hidden.length === 0, "print", `shown in print: ${hidden.join(", ")}`);
  const after = await page.evaluate(() => {
    const link = document.querySelector(".summary-list a[href^='/']");
    return link ? getComputedStyle(link, "::after").content : "";
  });
  check(after.includes("/"), "print", `links do not print their address (::after is ${after})`);
  await page.pdf({ path: path.join(SHOTS, "page-print-a4.pdf"), format: "A4" });
  await page.emulateMedia({ media: "screen" });
  await close(browser);
}

async function withoutJavaScript(base) {
  console.log("== JavaScript off: search, filter, sort, page, add to plan, listings");
  const browser = await launch({ javaScriptEnabled: false });
  const page = await browser.context.newPage();
  await page.goto(base + "/");
  await page.fill("#home-q", "ear defenders");
  await Promise.all([page.waitForNavigation(), page.click(".big-search button")]);
  check(/q=ear\+defenders/.test(page.url()), "no-js search", `the search went to ${page.url()}`);
  check(await page.locator(".results .card").count() > 0, "no-js search", "no results");
  check(await page.locator("[data-filters]").isVisible(), "no-js search", "the filters are hidden without JavaScript");
  await page.check("#f-tier-universal");
  await Promise.all([page.waitForNavigation(), page.click("[data-filters] button[type=submit]")]);
  check(/tier=universal/.test(page.url()), "no-js filter", `applying filters went to ${page.url()}`);
  check(await page.locator(".applied-tag").count() === 1, "no-js filter", "no applied-filter tag");
  await page.selectOption("#sort", "title");
  await Promise.all([page.waitForNavigation(), page.click(".sort button")]);
  check(/sort=title/.test(page.url()), "no-js sort", `sorting went to ${page.url()}`);
  const first = (await page.locator(".results .card-title a").first().textContent()).trim();
  await page.locator(".results .card-select input").first().check();
  await Promise.all([page.waitForNavigation(), page.click(".select-bar button")]);
  check(/Added 1 page/.test(await page.locator("main").textContent()), "no-js add", "no confirmation after adding the ticked result");
  await page.goto(base + "/plan");
  check((await page.locator("main").textContent()).includes(first), "no-js plan", `the plan does not list "${first}"`);
  await page.goto(base + "/search");
  await page.locator(".pagination a[rel=next]").click();
  await page.waitForURL(/page=2/);
  check(/showing 21 to/.test(await page.locator("[data-result-count]").textContent()), "no-js pages", "page 2 does not show results 21 onwards");
  await page.goto(base + "/needs/specific-learning-difficulties");
  const all = await page.locator(".cards .card").count();
  await page.check("#phase-early-years");
  await Promise.all([page.waitForNavigation(), page.click(".phase-filter button")]);
  const some = await page.locator(".cards .card").count();
  check(/phase=early-years/.test(page.url()) && some < all, "no-js phase filter", `${all} cards before, ${some} after filtering to early years`);
  await page.screenshot({ path: path.join(SHOTS, "no-js-search-1280.png") });
  console.log("  searched, filtered, sorted, paged, added and filtered a listing by phase");
  await close(browser);
}

// A staff session of eleven pages as slides: at 1280x720 and 1920x1080 no
// slide's content overflows its 16:9 box; the keyboard moves through them
// with "Slide n of N" right; printed, the handout holds every step of every
// chosen page (the folded sections print open).
const SESSION = "strategies/movement-breaks-for-attention,strategies/small-group-nurture-sessions,strategies/salt-programme-delivery-by-teaching-assistant,strategies/precision-teaching,strategies/structured-work-systems,strategies/comic-strip-conversations,resources/one-page-profile,guidance/ingredient-personalisation,training/culture-leadership-session,strategies/brave-steps-ladder,strategies/worry-time-and-daily-check-ins";

async function sessionSlides(base) {
  console.log("== a session's slides at 1280x720 and 1920x1080, the keyboard, and the printed handout");
  for (const [width, height] of [[1280, 720], [1920, 1080]]) {
    const browser = await launch({ viewport: { width, height } });
    const page = await browser.context.newPage();
    const where = `slides at ${width}x${height}`;
    await page.goto(base + "/plan?view=present&items=" + encodeURIComponent(SESSION), { waitUntil: "networkidle" });
    const boxes = await page.evaluate(() => [...document.querySelectorAll(".slide-box")].map((box, i) => {
      const r = box.getBoundingClientRect();
      return { n: i + 1, over: box.scrollHeight - box.clientHeight, wide: box.scrollWidth - box.clientWidth, ratio: r.width / r.height };
    }));
    const count = boxes.length;
    check(count >= 30, where, `only ${count} slides for eleven pages`);
    for (const b of boxes) {
      check(b.over <= 1 && b.wide <= 1, where, `slide ${b.n} overflows its box by ${b.over}px down and ${b.wide}px across`);
      check(Math.abs(b.ratio - 16 / 9) < 0.02, where, `slide ${b.n} is not 16:9 (${b.ratio.toFixed(3)})`);
    }
    await page.click("[data-start]");
    const current = () => page.locator(".slide.current .slide-count").textContent();
    const expect = async (n, after) => {
      const text = await current();
      check(text === `Slide ${n} of ${count}`, where, `after ${after} the slide says "${text}", not "Slide ${n} of ${count}"`);
    };
    await expect(1, "starting");
    const fills = await page.evaluate(() => {
      const r = document.querySelector(".slide.current .slide-box").getBoundingClientRect();
      return Math.max(r.width / window.innerWidth, r.height / window.innerHeight);
    });
    check(fills > 0.98, where, `the slide fills only ${(fills * 100).toFixed(0)}% of the screen`);
    for (const [key, n] of [["ArrowRight", 2], ["PageDown", 3], ["ArrowDown", 4], ["PageUp", 3], ["ArrowLeft", 2], ["End", count], ["Home", 1]]) {
      await page.keyboard.press(key);
      await expect(n, key);
    }
    for (let i = 1; i < 14; i++) {
      await page.keyboard.press("ArrowRight");
    }
    await expect(14, "13 steps on");
    await page.screenshot({ path: path.join(SHOTS, `slide-14-${width}x${height}.png`) });
    await page.keyboard.press("Home");
    await page.screenshot({ path: path.join(SHOTS, `slide-1-${width}x${height}.png`) });
    await close(browser);
  }

  const browser = await launch();
  const page = await browser.context.newPage();
  await page.goto(base + "/plan?view=session&items=" + encodeURIComponent(SESSION), { waitUntil: "networkidle" });
  const steps = await page.evaluate(() => [...document.querySelectorAll(".plan-item")].flatMap((item) => {
    const title = item.querySelector("h3").textContent.trim();
    return [...item.querySelectorAll("details .body > ol > li")].map((li) => ({ title, text: li.textContent }));
  }));
  check(steps.length >= 30, "handout", `only ${steps.length} steps found on the session page`);
  const pdfFile = path.join(SHOTS, "session-handout.pdf");
  await page.pdf({ path: pdfFile, format: "A4" });
  const extracted = spawnSync("pdftotext", [pdfFile, "-"], { encoding: "utf8" });
  check(extracted.status === 0, "handout", `pdftotext failed: ${extracted.stderr || extracted.error}`);
  // Line breaks, ligatures and hyphens differ between the page and the PDF's
  // text (pdftotext joins "one-" at a line end to "minute" as "oneminute").
  const squash = (t) => t.replace(/\uFB01/g, "fi").replace(/\uFB02/g, "fl").replace(/[\s\-\u2010\u00AD]+/g, "");
  const printed = squash(extracted.stdout || "");
  let missing = 0;
  for (const step of steps) {
    if (!printed.includes(squash(step.text))) {
      missing++;
      if (missing <= 5) {
        fail("handout", `the printed handout lacks a step of "${step.title}": ${step.text.slice(0, 60)}...`);
      }
    }
  }
  check(missing === 0, "handout", `${missing} of ${steps.length} steps are missing from the PDF`);
  check(/Page 1 of \d+/.test(extracted.stdout || ""), "handout", "the printed pages are not numbered");
  console.log(`  ${steps.length} steps printed; slides fit and step at both sizes`);
  await close(browser);
}

// The plan form: what is typed stays in the tab (never in a URL or the
// cookie), a Word export posts it, a saved plan opens in the browser without
// sending it, "Clear everything" empties it, and emptying the plan asks.
async function planForm(base) {
  console.log("== plan form: kept in the tab, posted to the export, opened from a file, cleared");
  const browser = await launch();
  const page = await browser.context.newPage();
  const sent = [];
  page.on("request", (request) => sent.push({ url: request.url(), method: request.method(), body: request.postData() || "" }));
  const items = "strategies/small-group-nurture-sessions,strategies/movement-breaks-for-attention";
  await page.goto(base + "/plan?items=" + encodeURIComponent(items));
  const marker = "QzBrowserMarker";
  await page.fill("#f-child\\.name", marker);
  await page.fill("textarea[name='outcomes.1.outcome']", "Joins a group game " + marker);
  await page.locator("input[name='steps.strategies/small-group-nurture-sessions'][value='2']").uncheck();
  await page.check("#need-adhd");
  await page.reload();
  check(await page.inputValue("#f-child\\.name") === marker, "plan form", "the name was not kept in the tab");
  check(await page.locator("#need-adhd").isChecked(), "plan form", "the chosen need was not kept");
  check(!(await page.locator("input[name='steps.strategies/small-group-nurture-sessions'][value='2']").isChecked()), "plan form", "an unticked step came back ticked");
  const local = await page.evaluate(() => window.localStorage.getItem("waymark.sheet"));
  check(local === null, "plan form", "what was typed reached localStorage without the box ticked");
  const cookie = (await browser.context.cookies()).map((c) => c.value).join(" ");
  check(!cookie.includes(marker), "plan form", "what was typed reached a cookie");
  // The Word document is posted; the marker goes in its body, never a URL.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("button[formaction='/plan.docx']"),
  ]);
  const post = sent.find((r) => r.url.endsWith("/plan.docx"));
  check(post && post.method === "POST" && post.body.includes(marker), "plan form", "the Word export was not posted with what was typed");
  check(!sent.some((r) => r.url.includes(marker)), "plan form", "what was typed appeared in a URL");
  check(download.suggestedFilename() === "waymark-plan.docx", "plan form", `downloaded ${download.suggestedFilename()}`);
  // Save the plan, clear everything, then open the saved file in the browser.
  const [saved] = await Promise.all([
    page.waitForEvent("download"),
    page.click("button[formaction='/plan.json']"),
  ]);
  const savedPath = await saved.path();
  page.once("dialog", (dialog) => dialog.accept());
  await page.click("[data-clear]");
  check(await page.inputValue("#f-child\\.name") === "", "plan form", "Clear everything left the name");
  check(await page.evaluate(() => window.sessionStorage.getItem("waymark.sheet")) === null, "plan form", "Clear everything left the tab's copy");
  await page.goto(base + "/plan");
  const before = sent.length;
  await page.setInputFiles("#open-plan", savedPath);
  await Promise.all([page.waitForURL(/items=/), page.click("[data-plan-open] button[type=submit]")]);
  await page.waitForLoadState("domcontentloaded");
  check(await page.inputValue("#f-child\\.name") === marker, "plan form", "the saved plan did not open with its name");
  check(!sent.slice(before).some((r) => r.method === "POST"), "plan form", "opening a saved plan sent it to the server");
  // Emptying the plan asks first; dismissing keeps it.
  page.once("dialog", (dialog) => dialog.dismiss());
  await page.click("form[data-confirm] button");
  check(await page.locator(".plan-item").count() > 0, "plan form", "the plan was emptied without asking");
  await page.screenshot({ path: path.join(SHOTS, "plan-form-1280.png"), fullPage: false });
  console.log("  kept in the tab, posted to the Word export, reopened from its saved file, cleared; emptying asks");
  await close(browser);
}

// The school's inclusion strategy with JavaScript off: five pages added from
// their own pages, a cost changed and worked out again, then the Word export.
async function strategyWithoutJavaScript(base) {
  console.log("== JavaScript off: a five-page inclusion strategy, a cost changed, exported as Word");
  const browser = await launch({ javaScriptEnabled: false, acceptDownloads: true });
  const page = await browser.context.newPage();
  const pages = [
    "strategies/small-group-nurture-sessions",
    "strategies/movement-breaks-for-attention",
    "strategies/brave-steps-ladder",
    "strategies/emotion-coaching",
    "resources/one-page-profile",
  ];
  for (const [i, slug] of pages.entries()) {
    await page.goto(`${base}/${slug}`);
    await Promise.all([page.waitForNavigation(), page.click("button[formaction='/strategy/add']")]);
    check(/\/strategy\?added=1/.test(page.url()), "no-js strategy", `adding ${slug} went to ${page.url()}`);
    check(await page.locator("fieldset.activity").count() === i + 1, "no-js strategy", `after adding ${slug} the strategy has ${await page.locator("fieldset.activity").count()} activities`);
  }
  const plan = (await browser.context.cookies()).find((c) => c.name === "waymark_plan");
  check(!plan, "no-js strategy", "adding to the strategy changed the plan's cookie");
  await page.fill("#school-name", "Hillside Primary");
  await page.fill("#years", "2026 to 2029");
  await page.fill("#rate-teaching-assistant", "14.37");
  await page.fill("#cost-2", "123.45");
  await page.selectOption("#funding-2", "inclusive-mainstream-fund");
  await Promise.all([page.waitForNavigation(), page.click(".strategy-actions button[type=submit]:not([formaction])")]);
  const text = await page.locator("main").textContent();
  check(text.includes("Cost used: £123.45"), "no-js strategy", "the changed cost is not used");
  check(text.includes("£517.32"), "no-js strategy", "the nurture group's cost was not worked out from the rate");
  check(text.includes("£640.77"), "no-js strategy", "the total is not the sum of the two costs");
  check(await page.inputValue("#school-name") === "Hillside Primary", "no-js strategy", "the school's name was not kept");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("button[formaction='/strategy.docx']"),
  ]);
  check(download.suggestedFilename() === "inclusion-strategy.docx", "no-js strategy", `downloaded ${download.suggestedFilename()}`);
  const bytes = readFileSync(await download.path());
  check(bytes.length > 2000 && bytes.subarray(0, 2).toString() === "PK", "no-js strategy", "the Word document is not a zip file");
  await page.screenshot({ path: path.join(SHOTS, "strategy-no-js-1280.png"), fullPage: false });
  console.log("  added five pages, changed a cost, worked it out again and downloaded the Word document");
  await close(browser);
}

// README pictures: the search page with filters, on a desktop and a phone.
async function readmeShots(base) {
  const browser = await launch();
  const page = await browser.context.newPage();
  const url = base + "/search?q=can%27t+sit+still&need=sensory-physical&phase=primary";
  await page.goto(url, { waitUntil: "networkidle" });
  await page.screenshot({ path: path.join(SHOTS, "readme-search-desktop.png") });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.screenshot({ path: path.join(SHOTS, "readme-search-phone.png") });
  await close(browser);
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const htmlFiles = mkdtempSync(path.join(os.tmpdir(), "waymark-html-"));
  const { child, base, adminBase } = await startServer();
  try {
    await staffOnly(base, adminBase);
    await pageTypes(base, adminBase, htmlFiles);
    htmlChecker(htmlFiles);
    await phoneFirstScreens(base);
    await keyboardJourney(base);
    await liveSearch(base);
    await withoutJavaScript(base);
    await planForm(base);
    await sessionSlides(base);
    await strategyWithoutJavaScript(base);
    await readmeShots(base);
  } finally {
    child.kill("SIGTERM");
    rmSync(htmlFiles, { recursive: true, force: true });
  }
  console.log(`screenshots: ${SHOTS}`);
  if (failures.length) {
    console.log(`\n${failures.length} failures:\n${failures.map((f) => "  " + f).join("\n")}`);
    process.exit(1);
  }
  console.log("browser suite: all checks passed");
}

main().catch((error) => {
  console.error(`browser suite could not run: ${error.stack || error}`);
  process.exit(1);
});
