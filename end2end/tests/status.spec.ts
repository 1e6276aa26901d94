import { test, expect } from "@playwright/test";
import { ACCOUNTS, apiRecord, apiRecords, hydrated, login, watchConsole } from "./helpers";

// Status tracking: editing one record (with its history), the read-only role, the conflict
// view after a parallel change, bulk updates for a Kreis, and logging out. The tests share one
// server and database (workers: 1), so each picks its records through the API at run time.

/** The Kreis the coordinator account is responsible for (with its Gemeinden). */
const KREIS = "16068";

test("a coordinator changes a status and sees it in the history", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  const { items } = await apiRecords(page.request, `org_unit=${KREIS}&status=nicht_begonnen&pro_seite=1`);
  expect(items.length).toBe(1);
  const record = items[0];
  expect(record.status_code).toBe("nicht_begonnen");

  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  const status = page.locator("#f-status");
  await expect(status.locator('option[value="in_planung"]')).toHaveText("in Planung");
  await status.selectOption("in_planung");
  await page.getByLabel("Änderungskommentar", { exact: true }).fill("Monatsabgleich E2E");
  await page.getByRole("button", { name: "Speichern", exact: true }).click();

  await expect(page.locator(".success-notice")).toContainText("Gespeichert");
  const latest = page.locator("section[aria-labelledby=historie] ol.timeline > li").first();
  await expect(latest).toContainText("Kai Koordination");
  await expect(latest).toContainText("nicht begonnen");
  await expect(latest).toContainText("in Planung");
  await expect(latest).toContainText("Monatsabgleich E2E");
  // the stored record agrees
  const stored = await apiRecord(page.request, record.id);
  expect(stored.status_code).toBe("in_planung");
  expect(stored.version).toBe(record.version + 1);
  expect(errors).toEqual([]);
});

test("a reader cannot edit", async ({ page, baseURL }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.lesen);
  const { items } = await apiRecords(page.request, `org_unit=${KREIS}&status=nicht_begonnen&pro_seite=1`);
  expect(items.length).toBe(1);
  const record = items[0];

  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  await expect(page.locator("dl.facts")).toBeVisible();
  await expect(page.locator(".notice").filter({ hasText: "lesen, aber nicht ändern" })).toBeVisible();
  await expect(page.locator("#f-status")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Speichern" })).toHaveCount(0);

  // the API refuses, too (same origin and a valid session: only the role is missing)
  const res = await page.request.patch(`/api/v1/records/${record.id}`, {
    data: { version: record.version, note: "x" },
    headers: { Origin: baseURL! },
  });
  expect(res.status(), await res.text()).toBe(403);
  const unchanged = await apiRecord(page.request, record.id);
  expect(unchanged.version).toBe(record.version);
  expect(errors).toEqual([]);
});

test("a stale edit shows the conflict view", async ({ page, baseURL }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  const { items } = await apiRecords(page.request, `org_unit=${KREIS}&status=nicht_begonnen&pro_seite=50`);
  // a record whose Reifegrad is not 2 yet, so that choosing 2 is a change
  const record = items.find((r) => r.maturity !== 2);
  expect(record, "an in-scope record with Reifegrad ≠ 2").toBeTruthy();
  const v = record!.version;

  await page.goto(`/umsetzungsstaende/${record!.id}`);
  await hydrated(page);
  await expect(page.locator("#f-maturity")).toBeVisible();

  // someone else saves while the form is open
  const parallel = await page.request.patch(`/api/v1/records/${record!.id}`, {
    data: { version: v, note: "Parallel geändert" },
    headers: { Origin: baseURL! },
  });
  expect(parallel.status(), await parallel.text()).toBe(200);
  expect((await parallel.json()).version).toBe(v + 1);

  await page.getByLabel("Reifegrad", { exact: true }).selectOption("2");
  await page.getByRole("button", { name: "Speichern", exact: true }).click();
  const conflict = page.locator(".conflict-notice");
  await expect(conflict).toContainText("Zwischenzeitlich geändert");
  await expect(conflict).toContainText("Parallel geändert");
  await expect(page.locator(".success-notice")).toHaveCount(0);
  // nothing of this editor's input was saved
  expect((await apiRecord(page.request, record!.id)).version).toBe(v + 1);

  await page.getByRole("button", { name: "Meine Eingaben auf den neuen Stand anwenden" }).click();
  await expect(page.locator(".success-notice")).toContainText("Gespeichert");
  await expect(conflict).toHaveCount(0);
  const stored = await apiRecord(page.request, record!.id);
  expect(stored.version).toBe(v + 2);
  expect(stored.maturity).toBe(2);
  // re-applying keeps what the other person changed: only this editor's fields move
  expect(stored.note).toBe("Parallel geändert");
  expect(errors).toEqual([]);
});

test("bulk update on a Kreis", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  await page.goto(`/sammelbearbeitung?leistung=10003&einheit=${KREIS}`);
  await hydrated(page);
  await expect(page.locator("table.records tbody tr").first()).toBeVisible();

  await page.getByRole("checkbox", { name: "Alle änderbaren auswählen" }).check();
  const apply = page.getByRole("button", { name: /^Auf \d+ ausgewählte anwenden$/ });
  await expect(apply).toBeEnabled();
  await expect(apply).not.toHaveText("Auf 0 ausgewählte anwenden");
  await page.locator("#b-maturity").selectOption("1");
  await page.locator("#b-comment").fill("Sammel E2E");
  await apply.click();

  const result = page.locator(".bulk-result");
  await expect(result).toContainText(/\d+ geändert, \d+ unverändert, \d+ abgelehnt\./);
  const text = (await result.textContent()) ?? "";
  const changed = Number(/(\d+) geändert/.exec(text)?.[1] ?? "0");
  expect(changed, text).toBeGreaterThan(0);
  test.info().annotations.push({ type: "bulk result", description: text });
  await expect(result).toContainText(" 0 abgelehnt.");

  const { items, total } = await apiRecords(page.request, `ozg_id=10003&org_unit=${KREIS}&pro_seite=500`);
  expect(items.length).toBe(total);
  expect(items.length).toBeGreaterThan(0);
  expect(items.filter((r) => r.maturity !== 1).map((r) => r.id)).toEqual([]);
  expect(errors).toEqual([]);
});

test("logging out ends the session", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.lesen);
  await page.getByRole("banner").getByRole("button", { name: "Abmelden" }).click();
  await expect(page).toHaveURL(/\/anmelden/);
  await expect(page.getByText("Sie wurden abgemeldet.")).toBeVisible();

  await page.goto("/");
  await expect(page).toHaveURL(/\/anmelden\?weiter=/);
  await expect(page.getByLabel("E-Mail-Adresse", { exact: true })).toBeVisible();
  // the API no longer knows this browser either
  const res = await page.request.get("/api/v1/records?pro_seite=1");
  expect(res.status()).toBe(401);
  expect(errors).toEqual([]);
});
