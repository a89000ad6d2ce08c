// The web app's journey in a real browser: Playwright drives Debian's Chromium (no browser
// download), axe-core checks every page. Prints one JSON report for the Rust test to judge.
//
// usage: node web-journey.mjs BASE_URL CHROMIUM CSV_FILE [SCREENSHOT_DIR]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const [base, executablePath, csvFile, shots] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const report = { axe: {}, external: [], coverArt: [], consoleErrors: [], steps: {}, overflow: {}, navigations: [] };

const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const desktop = { viewport: { width: 1280, height: 900 } };
const phone = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true };

function watch(page) {
  // Cover art is the tracks' own (the addresses Last.fm and the platforms gave); anything else
  // from another host (a script, a style, a font, a call) would be a leak.
  page.on("request", (r) => {
    if (r.url().startsWith(base) || r.url().startsWith("data:")) return;
    // Going to a platform's own consent page (linking an account) is the person's navigation.
    if (r.isNavigationRequest() && r.resourceType() === "document") return report.navigations.push(r.url());
    (r.resourceType() === "image" ? report.coverArt : report.external).push(r.url());
  });
  page.on("console", (m) => {
    const url = m.location().url || "";
    // Cover art that failed to load and the platform's consent page are other sites' to judge.
    if (url && !url.startsWith(base)) return;
    if (m.type() === "error") report.consoleErrors.push(`${m.text()} ${url}`);
  });
}

// axe-core is evaluated through the DevTools protocol, so the pages' CSP stays as it is.
async function check(page, name, { shoot = true } = {}) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  report.axe[name] = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
  report.overflow[name] = await page.evaluate(() => document.scrollingElement.scrollWidth > window.innerWidth);
  if (shots && shoot) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

const ctx = await browser.newContext(desktop);
const page = await ctx.newPage();
watch(page);
await page.goto(`${base}/`);
report.steps.landing = new URL(page.url()).pathname;
await check(page, "sign-in-desktop");
await page.getByRole("link", { name: "Create an account" }).first().click();
await page.getByLabel("Username").fill("journey");
await page.getByLabel("Display name").fill("Jo Urney");
await page.getByLabel("Password").fill("a-long-enough-passphrase");
await page.getByRole("button", { name: "Create the account" }).click();
await page.waitForURL(`${base}/app`);
await check(page, "library-empty-desktop", { shoot: false });

// Import a playlist by its link (the test serves the platform).
await page.getByLabel(/A playlist link/).fill(process.env.SHARIFY_JOURNEY_LINK);
await page.getByRole("button", { name: "Import" }).click();
await page.waitForSelector("h1");
report.steps.linkImport = await page.locator("h1").innerText();
await page.goto(`${base}/app`);

// Import a CSV through the file field.
await page.getByLabel(/A playlist file/).setInputFiles(csvFile);
await page.getByRole("button", { name: "Import" }).click();
await page.waitForSelector("h1");
report.steps.importHeading = await page.locator("h1").innerText();
await check(page, "import-report-desktop");
await page.getByRole("link", { name: "Open the playlist" }).click();
await page.waitForSelector("[data-items]");
const titles = () => page.locator("[data-item] .title bdi").allInnerTexts();
report.steps.before = await titles();
await check(page, "playlist-desktop");

// Reorder with the keyboard only: Tab to the third track's "Up" button, press Enter.
const third = report.steps.before[2];
const up = page.getByRole("button", { name: `Move ${third} up` });
await page.locator("body").focus();
let reached = false;
for (let i = 0; i < 80 && !reached; i++) {
  await page.keyboard.press("Tab");
  reached = await up.evaluate((el) => el === document.activeElement);
}
report.steps.reachedByTab = reached;
const navigated = page.waitForEvent("framenavigated");
await page.keyboard.press("Enter");
await navigated;
await page.waitForLoadState("load");
report.steps.after = await titles();

// Review the two doubtful matches: take the first's best candidate, keep the second as given.
const playlistUrl = page.url().split("#")[0];
const reviewLink = page.getByRole("link", { name: /Review \d+ doubtful/ });
report.steps.toReview = await reviewLink.innerText();
await reviewLink.click();
await page.waitForSelector("ol.review");
await check(page, "review-desktop");
await page.getByRole("button", { name: "Decide" }).first().click();
await page.waitForLoadState("load");
await page.getByLabel(/None of these/).first().check();
await page.getByRole("button", { name: "Decide" }).first().click();
await page.waitForLoadState("load");
report.steps.reviewed = (await page.locator("main").innerText()).includes("Nothing waits");
// File the playlist into a new folder with a tag, and find it by the tag.
await page.goto(`${base}/app`);
await page.getByLabel("New folder").fill("Trips");
await page.getByRole("button", { name: "Create the folder" }).click();
await page.waitForLoadState("load");
await page.goto(playlistUrl);
await page.getByLabel("Folder", { exact: true }).selectOption({ label: "Trips" });
await page.getByLabel(/^Tags/).fill("road, summer");
await page.getByRole("button", { name: "File it" }).click();
await page.waitForLoadState("load");
await page.goto(`${base}/app?tag=road`);
report.steps.filedAndTagged = await page.locator(".playlists li").allInnerTexts();
await check(page, "library-tag-desktop", { shoot: false });
await page.goto(playlistUrl);

// Share a link for a viewer and open it in a second browser context (no account).
await page.getByLabel(/A share link for a/).selectOption("viewer");
await page.getByRole("button", { name: "Create the link" }).click();
const notice = await page.locator(".notice").innerText();
const link = notice.match(/https?:\/\/\S+\/s\/[A-Za-z0-9_-]+/)?.[0];
report.steps.shareLink = Boolean(link);
const viewer = await browser.newContext(phone);
const viewerPage = await viewer.newPage();
watch(viewerPage);
await viewerPage.goto(link);
report.steps.viewerSees = await viewerPage.locator("[data-track-row] .title bdi").allInnerTexts();
await check(viewerPage, "shared-page-phone");

await page.goto(`${playlistUrl}/history`);
report.steps.historyRows = await page.locator(".history tbody tr").count();
await check(page, "history-desktop");
await page.goto(`${playlistUrl}/sharing`);
await check(page, "sharing-desktop");
await page.goto(`${playlistUrl}/organise`);
await check(page, "organise-desktop");
await page.goto(`${base}/app/search?q=karma`);
report.steps.searchFound = await page.locator("[data-found-tracks] li").count();
await check(page, "search-desktop");
await page.goto(`${playlistUrl}/find?q=karma`);
report.steps.findHits = await page.locator("[data-hits] li").count();
await check(page, "find-desktop");
// A page that does not exist (not watched: the browser logs its 404 status as an error).
const missing = await ctx.newPage();
await missing.goto(`${base}/app/playlists/no-such-playlist`);
report.steps.missingHeading = await missing.locator("h1").innerText();
await check(missing, "error-desktop", { shoot: false });
await missing.close();
await page.goto(`${base}/app/account`);
await check(page, "account-desktop");

// Link Spotify: its consent page (the test's fake), Agree, back through the API's callback.
await page.goto(`${base}/app/platforms`);
await check(page, "platforms-unlinked-desktop", { shoot: false });
await page.getByRole("button", { name: "Link Spotify" }).click();
await page.waitForSelector("#agree");
await page.click("#agree");
await page.waitForSelector("[data-linked-as]");
report.steps.linked = (await page.locator("[data-linked-as]").innerText()).replace(/\s+/g, " ");
await check(page, "linked-desktop");
await page.getByRole("link", { name: "Back to your linked accounts" }).click();
await page.waitForSelector("[data-platform=spotify] [data-linked]");
await check(page, "platforms-desktop");
await page.getByRole("link", { name: "Import one of your Spotify playlists" }).click();
await page.waitForSelector("h1");
await check(page, "spotify-playlists-desktop");

// Push the playlist to Spotify: a dry run first, then for real.
await page.goto(`${playlistUrl}/push`);
await check(page, "push-desktop", { shoot: false });
await page.getByLabel("Push to").selectOption({ label: "Spotify: a new private playlist" });
await page.getByRole("button", { name: "Preview the push" }).click();
await page.waitForSelector("[data-dry-run]");
report.steps.dryRunAdded = await page.locator("[data-added]").innerText();
report.steps.dryRunNotFound = await page.locator("[data-not-found]").innerText();
await check(page, "push-preview-desktop");
await page.getByRole("button", { name: "Push now" }).click();
await page.waitForLoadState("load");
report.steps.pushed = await page.locator("h1").innerText();
report.steps.pushedAdded = await page.locator("[data-added]").innerText();

// Listening stats: import plays from the linked account, then see them drawn.
await page.goto(`${base}/app/stats`);
await page.getByRole("button", { name: "Import plays from Spotify now" }).click();
await page.waitForLoadState("load");
report.steps.statsImported = await page.locator(".notice").innerText();
await page.getByRole("link", { name: "All time" }).click();
await page.waitForSelector("[data-chart=clock]");
report.steps.statsListens = await page.locator("[data-listens]").innerText();
report.steps.charts = await page.locator("svg[data-chart]").count();
await check(page, "stats-desktop");
await page.goto(`${base}/app/schedules`);
report.steps.schedules = await page.locator("[data-schedule] .title").allInnerTexts();
await check(page, "schedules-desktop");
await page.locator("[data-schedule] .title a").first().click();
await page.waitForSelector("table.runs");
await check(page, "schedule-runs-desktop", { shoot: false });
await page.goto(`${base}/app`);
await check(page, "library-desktop");

// The same pages on a phone, and in dark mode.
const small = await browser.newContext({ ...phone, storageState: await ctx.storageState() });
const smallPage = await small.newPage();
watch(smallPage);
for (const [name, path] of [
  ["library-phone", "/app"],
  ["account-phone", "/app/account"],
  ["stats-phone", "/app/stats?period=all"],
  ["platforms-phone", "/app/platforms"],
  ["schedules-phone", "/app/schedules"],
  ["search-phone", "/app/search?q=karma"],
  ["review-phone", `${new URL(playlistUrl).pathname}/review`],
  ["history-phone", `${new URL(playlistUrl).pathname}/history`],
  ["sharing-phone", `${new URL(playlistUrl).pathname}/sharing`],
  ["organise-phone", `${new URL(playlistUrl).pathname}/organise`],
  ["push-phone", `${new URL(playlistUrl).pathname}/push`],
  ["find-phone", `${new URL(playlistUrl).pathname}/find?q=karma`],
  ["spotify-playlists-phone", "/app/platforms/spotify/playlists"],
]) {
  await smallPage.goto(`${base}${path}`);
  await check(smallPage, name);
}
// The import report on a phone (a second copy of the file; the desktop steps use the first).
await smallPage.goto(`${base}/app`);
await smallPage.getByLabel(/A playlist file/).setInputFiles(csvFile);
await smallPage.getByRole("button", { name: "Import" }).click();
await smallPage.waitForSelector("h1");
await check(smallPage, "import-report-phone");
const dark = await browser.newContext({ ...desktop, colorScheme: "dark", storageState: await ctx.storageState() });
const darkPage = await dark.newPage();
watch(darkPage);
await darkPage.goto(`${base}/app/stats?period=all`);
await check(darkPage, "stats-dark-desktop");
await darkPage.goto(playlistUrl);
await check(darkPage, "playlist-dark-desktop");
await smallPage.goto(darkPage.url());
await check(smallPage, "playlist-phone");
const signedOut = await browser.newContext(phone);
const outPage = await signedOut.newPage();
await outPage.goto(`${base}/app/sign-up`);
await check(outPage, "sign-up-phone");
await outPage.goto(`${base}/app/sign-in`);
await check(outPage, "sign-in-phone");

// A form another site sends (here: a page of the platform's origin, same site, other origin),
// even one carrying the session's form token, is refused; the playlist stays as it was.
const other = await ctx.newPage();
await other.goto(`${process.env.SHARIFY_JOURNEY_OTHER_SITE}/spotify/accounts/authorize`); // an error page of that site
await page.goto(playlistUrl);
const token = await page.locator("input[name=csrf]").first().inputValue();
const version = await page.locator("input[name=version]").first().inputValue();
const refused = other.waitForResponse((r) => r.url().endsWith("/rename"));
await other.evaluate(
  ([action, token, version]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    for (const [name, value] of Object.entries({ csrf: token, version, name: "Hijacked" })) {
      const input = document.createElement("input");
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  },
  [`${playlistUrl}/rename`, token, version],
);
report.steps.crossSiteStatus = (await refused).status();
await page.reload();
report.steps.nameAfterCrossSite = await page.locator("h1").innerText();

// Two tabs on the same playlist: the second's stale rename is refused, shown, and kept.
const tabA = await ctx.newPage();
const tabB = await ctx.newPage();
await tabA.goto(playlistUrl);
await tabB.goto(playlistUrl);
await tabA.getByLabel("Name", { exact: true }).fill("Road trip 2026");
await tabA.getByRole("button", { name: "Rename" }).click();
await tabA.waitForLoadState("load");
await tabB.getByLabel("Name", { exact: true }).fill("Road trip (B's idea)");
const stale = tabB.waitForResponse((r) => r.url().endsWith("/rename"));
await tabB.getByRole("button", { name: "Rename" }).click();
report.steps.staleStatus = (await stale).status();
await tabB.waitForLoadState("load");
report.steps.staleNotice = await tabB.locator(".notice").innerText();
report.steps.staleKept = await tabB.getByLabel("Name", { exact: true }).inputValue();
report.steps.staleHeading = await tabB.locator("h1").innerText();

// A second sign-in elsewhere ends when the password changes here.
const elsewhere = await browser.newContext(desktop);
const elsewherePage = await elsewhere.newPage();
await elsewherePage.goto(`${base}/app/sign-in`);
await elsewherePage.getByLabel("Username").fill("journey");
await elsewherePage.getByLabel("Password").fill("a-long-enough-passphrase");
await elsewherePage.getByRole("button", { name: "Sign in" }).click();
await elsewherePage.waitForURL(`${base}/app`);
await page.goto(`${base}/app/account`);
await page.getByLabel("Current password").fill("a-long-enough-passphrase");
await page.getByLabel(/New password/).fill("another-long-passphrase");
await page.getByRole("button", { name: "Change the password" }).click();
await page.waitForLoadState("load");
report.steps.passwordNotice = await page.locator(".notice").innerText();
await elsewherePage.goto(`${base}/app`);
report.steps.elsewhereAfter = new URL(elsewherePage.url()).pathname;
await page.goto(`${base}/app`);
report.steps.hereAfter = new URL(page.url()).pathname;

await browser.close();
console.log(JSON.stringify(report));
