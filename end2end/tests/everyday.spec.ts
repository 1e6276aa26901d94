import { test, expect, Page } from "@playwright/test";
import { ACCOUNTS, apiRecord, apiRecords, hydrated, login, watchConsole } from "./helpers";

// What people do in sequence, not one step on one page: a coordinator saves the same record
// several times in a row (with and without a status change, by mouse and by keyboard) and
// the history holds exactly what was chosen each time; the form shows the saved state after
// every save; a save works without JavaScript; every page is reachable by every way in.

const KREIS = "16068";

interface HistoryChange {
  label: string;
  old: string;
  new: string;
}
interface HistoryEntry {
  comment: string | null;
  changes: HistoryChange[];
}

async function history(page: Page, id: number): Promise<HistoryEntry[]> {
  const res = await page.request.get(`/api/v1/records/${id}/history`);
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  return (body.items ?? body) as HistoryEntry[];
}

/** The changes of one history entry as "Field: old → new". */
function described(entry: HistoryEntry): string[] {
  return entry.changes.map((c) => `${c.label}: ${c.old} → ${c.new}`);
}

async function save(page: Page) {
  const before = await page.locator(".success-notice").count();
  await page.getByRole("button", { name: "Speichern", exact: true }).click();
  await expect(page.locator(".success-notice")).toContainText("Gespeichert");
  return before;
}

test("saving a record three times in a row stores exactly what was chosen each time", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  const { items } = await apiRecords(page.request, `org_unit=${KREIS}&status=nicht_begonnen&pro_seite=1&seite=3`);
  const record = items[0];
  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  const status = page.locator("#f-status");
  const note = page.locator("#f-note");
  const comment = page.locator("#f-comment");

  // 1. a status change with a comment
  await status.selectOption("in_planung");
  await comment.fill("Erster Schritt");
  await save(page);
  await expect(page.locator("dl.facts")).toContainText("in Planung");
  // the form shows the saved state: the status saved, the comment empty again
  await expect(status).toHaveValue("in_planung");
  await expect(comment).toHaveValue("");
  expect((await apiRecord(page.request, record.id)).version).toBe(record.version + 1);

  // 2. only a note: the status must stay what was saved
  await note.fill("Nur eine Notiz");
  await save(page);
  await expect(status).toHaveValue("in_planung");
  await expect(note).toHaveValue("Nur eine Notiz");
  await expect(comment).toHaveValue("");

  // 3. by keyboard: the next status and a comment, saved with Enter on the button
  await status.focus();
  await status.selectOption("in_umsetzung");
  await comment.fill("Dritter Schritt");
  await page.getByRole("button", { name: "Speichern", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("dl.facts")).toContainText("in Umsetzung");
  await expect(status).toHaveValue("in_umsetzung");
  await expect(comment).toHaveValue("");

  // the stored history is exactly these three changes, newest last
  const stored = await apiRecord(page.request, record.id);
  expect(stored.status_code).toBe("in_umsetzung");
  expect(stored.note).toBe("Nur eine Notiz");
  expect(stored.version).toBe(record.version + 3);
  const entries = (await history(page, record.id)).slice(-3);
  expect(entries.map(described)).toEqual([
    ["Status: nicht begonnen → in Planung"],
    ["Notiz: – → Nur eine Notiz"],
    ["Status: in Planung → in Umsetzung"],
  ]);
  expect(entries.map((e) => e.comment)).toEqual(["Erster Schritt", null, "Dritter Schritt"]);
  expect(errors).toEqual([]);
});

test("a record is saved without JavaScript, twice in a row", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.koordination, { javaScript: false });
  const { items } = await apiRecords(page.request, `org_unit=${KREIS}&status=nicht_begonnen&pro_seite=1&seite=4`);
  const record = items[0];
  await page.goto(`/umsetzungsstaende/${record.id}`);
  // the server-rendered form carries the version the edit is based on
  await expect(page.locator('input[name="form[version]"]')).toHaveValue(String(record.version));
  await page.locator("#f-status").selectOption("in_planung");
  await page.locator("#f-comment").fill("ohne JavaScript");
  await page.getByRole("button", { name: "Speichern", exact: true }).click();
  await expect(page.locator(".success-notice")).toContainText("Gespeichert");
  await expect(page.locator("#f-status")).toHaveValue("in_planung");
  await expect(page.locator('input[name="form[version]"]')).toHaveValue(String(record.version + 1));
  await page.locator("#f-note").fill("zweites Mal");
  await page.getByRole("button", { name: "Speichern", exact: true }).click();
  await expect(page.locator(".success-notice")).toContainText("Gespeichert");
  const stored = await apiRecord(page.request, record.id);
  expect([stored.status_code, stored.note, stored.version]).toEqual(["in_planung", "zweites Mal", record.version + 2]);
  await context.close();
});

/** The pages of each kind a coordinator and an administrator open. */
function pageKinds(recordId: number): string[] {
  return [
    "/",
    "/?themenfeld=6",
    "/?themenfeld=6&kreis=16067",
    "/leistungen?themenfeld=1&seite=2",
    "/leistungen/10000",
    "/organisationen",
    "/organisationen/16068",
    `/umsetzungsstaende/${recordId}`,
    "/aenderungen",
    "/zustaendigkeiten",
    "/zustaendigkeiten/10092",
    "/meine-aufgaben",
    "/sammelbearbeitung?leistung=10001&einheit=16068",
    "/statusimport",
    "/konto",
    "/verwaltung/konten",
    "/verwaltung/protokoll",
    "/datenquellen",
    "/impressum",
  ];
}

/** A page that shows no error: no error notice, no "page not found". */
async function expectNoError(page: Page, what: string) {
  await expect(page.locator(".error-notice"), what).toHaveCount(0);
  await expect(page.locator("h1").first(), what).not.toContainText(/Seite nicht gefunden|Fehler/);
}

test("every page is reachable by every way in: directly, by the menu, breadcrumbs and footer", async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  const { items } = await apiRecords(page.request, `org_unit=${KREIS}&pro_seite=1`);
  for (const start of pageKinds(items[0].id)) {
    await page.goto(start);
    await hydrated(page);
    await expectNoError(page, `${start} loaded directly`);
    const links = page.locator("header nav a, .breadcrumb a, footer a");
    const targets = [...new Set(await links.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? "")))];
    for (const target of targets.filter((t) => t.startsWith("/") && !t.startsWith("/sprache/"))) {
      await page.goto(start);
      await hydrated(page);
      await page.locator(`header nav a[href="${target}"], .breadcrumb a[href="${target}"], footer a[href="${target}"]`).first().click();
      await page.waitForURL((url) => url.pathname + url.search === target);
      await expectNoError(page, `${target} reached from ${start}`);
      expect(errors, `console errors after ${start} → ${target}`).toEqual([]);
    }
  }
});

test("the language switch keeps the page and its query string", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  for (const path of ["/leistungen?themenfeld=6&seite=2", "/?themenfeld=6&kreis=16068", "/aenderungen?seit=2024-01-01"]) {
    await page.goto(path);
    await hydrated(page);
    await page.locator("a.language-switch").click();
    await page.waitForURL((url) => url.pathname + url.search === path);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expectNoError(page, `${path} in English`);
    await page.locator("a.language-switch").click();
    await page.waitForURL((url) => url.pathname + url.search === path);
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
  }
  expect(errors).toEqual([]);
});

test("filtering with JavaScript leaves no stray parameter; Kreise are listed in German order", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  await page.goto("/leistungen");
  await hydrated(page);
  await page.getByRole("button", { name: "Filtern" }).click();
  await page.waitForURL(/\/leistungen\?/);
  expect(page.url()).not.toMatch(/[?&]=(&|$)/);
  await page.goto("/organisationen");
  await hydrated(page);
  const names = await page.locator("main a").allTextContents();
  const soemmerda = names.findIndex((n) => n.startsWith("Sömmerda"));
  const suhl = names.findIndex((n) => n.startsWith("Suhl"));
  expect(soemmerda).toBeGreaterThan(-1);
  expect(suhl, names.join(" | ")).toBeGreaterThan(soemmerda);
  expect(errors).toEqual([]);
});

test("a coordinator lands on their own work and opens a record from it", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  await expect(page).toHaveURL(/\/meine-aufgaben$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Meine Aufgaben");
  const unit = page.locator("section.my-work").first();
  await expect(unit.getByRole("heading", { level: 2 })).toContainText("Sömmerda");
  await expect(unit).toContainText("Überfällig (");
  await expect(unit).toContainText("Warten auf Aktualisierung (");
  const first = unit.locator("table.records a").first();
  await expect(first).toBeVisible();
  await first.click();
  await page.waitForURL(/\/umsetzungsstaende\/\d+$/);
  await expect(page.locator("#f-status")).toBeVisible();
  expect(errors).toEqual([]);
});

test("on a service page, a coordinator finds their unit's records; readers are not offered bulk edits", async ({ page, browser }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  await page.goto("/organisationen/16068");
  await hydrated(page);
  // from the Kreis's table to the service's records in the Kreis
  const row = page.locator('[data-testid="gemeinden-coverage"] tbody tr').first();
  await row.getByRole("link", { name: /^Umsetzungsstände/ }).click();
  await page.waitForURL(/\/leistungen\/\d+\?einheit=16068$/);
  await expect(page.locator("#einheit")).toHaveValue("16068");
  const units = await page.locator("table.records tbody tr td:first-child").allTextContents();
  expect(units.length).toBeGreaterThan(0);
  // by name, as a person types it
  await page.locator("#einheit").fill("kölleda");
  await page.getByRole("button", { name: "Anzeigen" }).click();
  await page.waitForURL(/einheit=k%C3%B6lleda|einheit=kölleda/);
  await expect(page.locator("table.records tbody tr")).toHaveCount(1);
  await expect(page.locator("table.records tbody tr")).toContainText("Kölleda");
  expect(errors).toEqual([]);

  const context = await browser.newContext();
  const reader = await context.newPage();
  await login(reader, ACCOUNTS.lesen);
  await reader.goto("/organisationen/16068");
  await hydrated(reader);
  await expect(reader.locator('[data-testid="gemeinden-coverage"] a', { hasText: "Sammelbearbeitung" })).toHaveCount(0);
  await expect(reader.locator('[data-testid="gemeinden-coverage"] a', { hasText: "Umsetzungsstände" }).first()).toBeVisible();
  await context.close();
});
