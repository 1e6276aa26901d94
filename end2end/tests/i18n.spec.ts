import { test, expect } from "@playwright/test";
import { ACCOUNTS, PASSWORD, apiRecords, axe, hydrated, pagesOfAnAdministrator, watchConsole, watchForeignRequests } from "./helpers";

test("English is chosen on any page, stays chosen, passes axe everywhere; German comes back", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const foreign = watchForeignRequests(page, baseURL!);
  await page.goto("/anmelden");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await page.getByRole("link", { name: "Switch to English" }).click();
  await page.waitForURL((url) => url.pathname === "/anmelden");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator(".skip-link")).toHaveText("Skip to content");

  // sign in on the English page, by field ids: the labels are English now
  await page.locator("#email").fill(ACCOUNTS.admin);
  await page.locator("#password").fill(PASSWORD);
  await page.locator("#password").press("Enter");
  await page.waitForURL((url) => !url.pathname.startsWith("/anmelden"));
  await hydrated(page);

  const record = (await apiRecords(page.request, "org_unit=16068&pro_seite=1")).items[0];
  for (const path of pagesOfAnAdministrator(record.id)) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("navigation", { name: "Main navigation" })).toContainText("Overview");
    await axe(page, `${path} in English`);
  }

  // a form error comes back in English too
  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  await page.locator("#f-url").fill("kein link");
  await page.locator(".edit-form button[type=submit]").click();
  await expect(page.locator(".field-error")).toHaveCount(1);
  await expect(page.locator(".field-error")).not.toContainText("Bitte");
  await axe(page, "record page with a field error in English");

  // back to German, on the page the user is on
  await page.getByRole("link", { name: "Auf Deutsch umschalten" }).click();
  await page.waitForURL((url) => url.pathname === `/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toContainText("Übersicht");
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});

test("without JavaScript the language switch is a plain link", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/impressum");
  await page.getByRole("link", { name: "Switch to English" }).click();
  await page.waitForURL((url) => url.pathname === "/impressum");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("link", { name: "Auf Deutsch umschalten" })).toBeVisible();
  await context.close();
});
