import { test, expect, Page } from "@playwright/test";
import { ACCOUNTS, PASSWORD, apiRecords, axe, hydrated, login, pagesOfAnAdministrator, watchConsole, watchForeignRequests } from "./helpers";

async function checkPage(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
  await axe(page, path);
}

test("every page a signed-in administrator sees passes axe and stays on this origin", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const foreign = watchForeignRequests(page, baseURL!);
  await login(page, ACCOUNTS.admin);
  const record = (await apiRecords(page.request, "org_unit=16068&pro_seite=1")).items[0];
  for (const path of pagesOfAnAdministrator(record.id)) {
    await checkPage(page, path);
  }
  // the security log lists this administrator's own login
  await page.goto("/verwaltung/protokoll?art=anmeldung");
  await expect(page.locator("table tbody")).toContainText(ACCOUNTS.admin);
  // the 404 page in a page of its own: Chromium logs the 404 of the document as a console error
  const notFound = await page.context().newPage();
  await checkPage(notFound, "/gibt-es-nicht");
  await notFound.close();
  // states that only appear after an action: field errors, the bulk result
  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  await page.getByLabel("Online-Angebot (URL)").fill("kein link");
  await page.getByRole("button", { name: "Speichern" }).click();
  await expect(page.locator(".field-error")).toHaveCount(1);
  await axe(page, "record page with a field error");
  expect(foreign, "requests to other origins").toEqual([]);
  expect(errors).toEqual([]);
});

test("the login page and the legal pages pass axe for anonymous visitors", async ({ page, baseURL }) => {
  const errors = watchConsole(page);
  const foreign = watchForeignRequests(page, baseURL!);
  for (const [path, heading] of [
    ["/anmelden", "Anmelden"],
    ["/anmelden?fehler=ungueltig", "Anmelden"],
    ["/impressum", "Impressum"],
    ["/datenschutz", "Datenschutzerklärung"],
    ["/barrierefreiheit", "Erklärung zur Barrierefreiheit"],
  ]) {
    await checkPage(page, path);
    // reachable without an account (not redirected to the login page)
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  }
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

/** Presses Tab (or Shift+Tab) until `selector` has the focus (fails after `max` presses). */
async function tabTo(page: Page, selector: string, opts: { back?: boolean; max?: number } = {}) {
  const target = page.locator(selector).first();
  for (let i = 0; i < (opts.max ?? 120); i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(opts.back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`${selector} never received the focus by ${opts.back ? "Shift+Tab" : "Tab"}`);
}

test("keyboard only: a coordinator signs in, changes a status, and updates a Kreis in bulk", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto("/anmelden");
  await hydrated(page);
  // the first Tab reaches the skip link, which moves the focus to the content
  await page.keyboard.press("Tab");
  await expect(page.locator(".skip-link")).toBeFocused();
  await page.keyboard.press("Enter");
  await tabTo(page, "#email");
  await page.keyboard.type(ACCOUNTS.koordination);
  await page.keyboard.press("Tab");
  await expect(page.locator("#password")).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => !url.pathname.startsWith("/anmelden"));
  await hydrated(page);

  const record = (await apiRecords(page.request, "org_unit=16068&status=nicht_begonnen&pro_seite=1")).items[0];
  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  await page.keyboard.press("Tab");
  await expect(page.locator(".skip-link")).toBeFocused();
  await page.keyboard.press("Enter");
  await tabTo(page, "#f-status");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("#f-status")).not.toHaveValue("nicht_begonnen");
  await tabTo(page, "#f-comment");
  await page.keyboard.type("Per Tastatur");
  await tabTo(page, ".edit-form button[type=submit]");
  await page.keyboard.press("Enter");
  await expect(page.locator(".success-notice")).toContainText("Gespeichert");
  await expect(page.locator("ol.timeline li").first()).toContainText("Per Tastatur");

  // bulk: select all editable records with the keyboard and set a Reifegrad
  await page.goto("/sammelbearbeitung?leistung=10001&einheit=16068");
  await hydrated(page);
  await tabTo(page, "#b-maturity");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("#b-maturity")).toHaveValue("1");
  await tabTo(page, "#alle");
  await page.keyboard.press("Space");
  await expect(page.locator("#alle")).toBeChecked();
  // the apply button sits above the table and is enabled now
  await tabTo(page, ".bulk-form button[type=submit]", { back: true });
  await page.keyboard.press("Enter");
  await expect(page.locator(".bulk-result")).toContainText("0 abgelehnt");
  expect(errors).toEqual([]);
});

test("printing shows the content without navigation and controls", async ({ page }) => {
  await login(page, ACCOUNTS.koordination);
  const record = (await apiRecords(page.request, "org_unit=16068&pro_seite=1")).items[0];
  for (const path of ["/", "/leistungen", `/umsetzungsstaende/${record.id}`, "/aenderungen"]) {
    await page.goto(path);
    await hydrated(page);
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toBeHidden();
    await expect(page.locator(".account-box")).toBeHidden();
    await expect(page.locator("button:visible")).toHaveCount(0);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.emulateMedia({ media: "screen" });
  }
});
