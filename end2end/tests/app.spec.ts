import { test, expect } from "@playwright/test";
import { ACCOUNTS, hydrated, login, watchConsole } from "./helpers";

// Every page needs a signed-in user now; the read-only account sees everything these tests read.
test.beforeEach(async ({ page }) => {
  await login(page, ACCOUNTS.lesen);
});

test("overview shows KPIs, the chart and the demo notice", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Übersicht: Umsetzung der OZG-Leistungen");
  await expect(page.locator(".demo-notice")).toContainText("Demo-Daten");
  await expect(page.locator(".kpi")).toHaveCount(4);
  await expect(page.locator(".kpi-detail").first()).toContainText("von 557 OZG-Leistungen");
  await expect(page.locator('[data-testid="chart-themenfeld"] svg > title')).toHaveText(
    "Stand der OZG-Leistungen nach Themenfeld",
  );
  await expect(page.locator('[data-testid="chart-trend"] svg > title')).toHaveText(
    "Entwicklung: OZG-Leistungen nach Umsetzungsstand",
  );
  await expect(page.locator('[data-testid="chart-ressort"] svg > title')).toHaveCount(1);
  await expect(page.locator('[data-testid="chart-maturity"] svg > title')).toHaveCount(1);
  const themenfeldTable = page.locator("section", { has: page.locator("#themenfelder") }).locator(".data-table");
  await themenfeldTable.getByText("Diagrammdaten als Tabelle").click();
  await expect(themenfeldTable.locator("tbody tr")).toHaveCount(14);
  expect(errors).toEqual([]);
});

test("dashboard: a filter and a past date change the charts and the URL; a bar segment opens the list", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await page.goto("/");
  await hydrated(page);
  await page.evaluate(() => ((window as any).__noReload = true));
  const themenfeldChart = page.locator('[data-testid="chart-themenfeld"] svg');
  const segmentsBefore = await themenfeldChart.locator("a.chart-link").count();
  const trendBefore = await page.locator('[data-testid="chart-trend"] desc').textContent();

  await page.getByLabel("Themenfeld", { exact: true }).selectOption({ label: "Familie & Kind" });
  await expect(page).toHaveURL(/themenfeld=\d+/);
  await expect(page.locator('[data-testid="scope-line"]')).toContainText("37 OZG-Leistungen im Filter");
  await expect(themenfeldChart.locator("a.chart-link")).not.toHaveCount(segmentsBefore);
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);

  await page.getByLabel("Stand am").fill("2022-12-31");
  await page.getByLabel("Stand am").dispatchEvent("change");
  await expect(page).toHaveURL(/am=2022-12-31/);
  await expect(page.locator('[data-testid="scope-line"]')).toContainText("Stand am 31.12.2022");
  await expect(page.locator('[data-testid="chart-trend"] desc')).not.toHaveText(trendBefore ?? "");
  await expect(page.locator('[data-testid="chart-trend"] desc')).toContainText("bis 31.12.2022");

  await page.getByLabel("Kreis", { exact: true }).selectOption("16051");
  await expect(page).toHaveURL(/kreis=16051/);
  await expect(page.locator('[data-testid="scope-line"]')).toContainText("Erfurt");
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);

  // zoomed into Erfurt the map shows its Gemeinde; the measure switch keeps the filter
  await expect(page.locator('[data-testid="chart-map"] svg > title')).toContainText("Abdeckung in den Gemeinden");
  await page.getByRole("link", { name: "nach Einwohnern" }).click();
  await expect(page).toHaveURL(/kreis=16051.*karte=einwohner|karte=einwohner.*kreis=16051/);
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);

  // drill-down: a segment of the Themenfeld bar opens the catalogue filtered the same way
  const segment = themenfeldChart.locator("a.chart-link").first();
  const href = await segment.getAttribute("href");
  expect(href).toMatch(/^\/leistungen\?themenfeld=\d+.*stand=/);
  await segment.dispatchEvent("click");
  await expect(page).toHaveURL(/\/leistungen\?themenfeld=\d+.*stand=/);
  await expect(page.locator(".result-count")).toBeVisible();
  expect(errors).toEqual([]);
});

test("changing a catalogue filter updates the table without a page load", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto("/leistungen");
  await hydrated(page);
  await expect(page.locator(".result-count")).toContainText("von 557");
  // a marker that a full navigation would wipe out
  await page.evaluate(() => ((window as any).__noReload = true));

  await page.getByLabel("Themenfeld").selectOption({ label: "Familie & Kind" });
  await expect(page).toHaveURL(/themenfeld=\d+/);
  await expect(page.locator(".result-count")).toContainText("von 37");
  await expect(page.locator('[data-testid="services-table"] tbody')).toContainText("Elterngeld");
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  // the Lage list follows the Themenfeld
  await expect(page.locator("#f-lage option", { hasText: "Geburt" })).toHaveCount(1);
  await expect(page.locator("#f-lage option", { hasText: "Führerschein" })).toHaveCount(0);

  // the text search, submitted with Enter, also stays in the page
  await page.getByLabel("Suche (Name oder OZG-ID)").fill("Elterngeld");
  await page.getByLabel("Suche (Name oder OZG-ID)").press("Enter");
  await expect(page).toHaveURL(/q=Elterngeld/);
  await expect(page.locator(".result-count")).toContainText("von 1");
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);

  // back to the first state through the history
  await page.goBack();
  await expect(page.locator(".result-count")).toContainText("von 37");
  // the form follows the URL, too
  await expect(page.getByLabel("Suche (Name oder OZG-ID)")).toHaveValue("");
  await page.goBack();
  await expect(page.locator(".result-count")).toContainText("von 557");
  await expect(page.getByLabel("Themenfeld")).toHaveValue("");
  await expect(page.locator("#f-lage option", { hasText: "Führerschein" })).toHaveCount(1);
  expect(errors).toEqual([]);
});

test("dashboard: a click on a Kreis of the map zooms in with the filter kept, a Gemeinde opens its page; the federal table and lateness are shown", async ({
  page,
}) => {
  const errors = watchConsole(page);
  await page.goto("/?themenfeld=6");
  await hydrated(page);
  await expect(page.locator('[data-testid="chart-map"] svg > title')).toHaveText("Abdeckung nach Kreisen");
  await expect(page.locator('[data-testid="chart-map"] a.map-region')).toHaveCount(23);
  await expect(page.locator('[data-testid="federal-table"] tbody tr')).toHaveCount(4);
  await expect(page.locator('[data-testid="late-by-kreis"] tbody tr').first()).toBeVisible();
  const gotha = page.locator('[data-testid="chart-map"] a.map-region[data-code="16067"]');
  await gotha.dispatchEvent("click");
  // the drill-down keeps the Themenfeld: the dashboard of Gotha, its Gemeinden on the map
  await expect(page).toHaveURL(/\/\?themenfeld=6&kreis=16067$/);
  await expect(page.getByLabel("Themenfeld", { exact: true })).toHaveValue("6");
  await expect(page.locator('[data-testid="chart-map"] svg > title')).toContainText("Abdeckung in den Gemeinden");
  await page.locator('[data-testid="chart-map"] a.map-region').first().dispatchEvent("click");
  await expect(page).toHaveURL(/\/organisationen\/16067\d{3}$/);
  await page.goBack();
  await page.getByTestId("scope-line").getByRole("link", { name: /Gotha/ }).click();
  await expect(page).toHaveURL(/\/organisationen\/16067$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Gotha");
  expect(errors).toEqual([]);
});

test("filters work without JavaScript", async ({ browser }) => {
  // a context of its own (without JavaScript), so it signs in on its own, through the plain form
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, ACCOUNTS.lesen, { javaScript: false });
  await page.goto("/leistungen");
  await page.getByLabel("Themenfeld").selectOption({ label: "Familie & Kind" });
  await page.getByRole("button", { name: "Filtern" }).click();
  await expect(page).toHaveURL(/themenfeld=\d+/);
  await expect(page.locator(".result-count")).toContainText("von 37");
  await context.close();
});

test("a service page lists its records and links to the units", async ({ page }) => {
  const errors = watchConsole(page);
  // a task of the transferred sphere in the shipped responsibility matrix: one record per
  // Verwaltungsgemeinschaft or erfüllende Gemeinde (82) and per Gemeinde in none (108)
  await page.goto("/leistungen?q=Wohnsitzmeldungen");
  await hydrated(page);
  await page.getByRole("link", { name: "Wohnsitzmeldungen", exact: true }).click();
  await expect(page).toHaveURL(/\/leistungen\/10124$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Wohnsitzmeldungen");
  await expect(page.locator("table.records tbody tr")).toHaveCount(50);
  await expect(page.locator(".pagination .result-count").first()).toContainText("1–50 von 190");
  await page.getByRole("link", { name: "Weiter »" }).click();
  await expect(page.locator(".pagination .result-count").first()).toContainText("51–100 von 190");
  expect(errors).toEqual([]);
});

test("org units: a Kreis shows its Gemeinden and their coverage", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto("/organisationen");
  await hydrated(page);
  await page.getByRole("link", { name: "Weimarer Land" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Weimarer Land");
  await expect(page.getByRole("heading", { name: "Kommunale OZG-Leistungen in den Gemeinden dieses Kreises" })).toBeVisible();
  // one row per Gemeinde or Verband service of the responsibility matrix (43 + 34), each
  // "x von n" over the Kreis' Gemeinden and Verbände
  const rows = page.locator('[data-testid="gemeinden-coverage"] tbody tr');
  await expect(rows).toHaveCount(77);
  await expect(rows.filter({ hasText: "Wohnsitzmeldungen" }).first()).toContainText(" von ");
  expect(errors).toEqual([]);
});

test("unknown pages answer 404 in German", async ({ page }) => {
  const response = await page.goto("/leistungen/99999");
  expect(response?.status()).toBe(404);
  await expect(page.locator(".error-notice")).toContainText("gibt es nicht");
});
