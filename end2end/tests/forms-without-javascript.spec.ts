import { test, expect, Browser } from "@playwright/test";
import { ACCOUNTS, hydrated, login } from "./helpers";

// Every form posted with JavaScript off (as in the seconds before the wasm has arrived)
// either works or is locked and says that it needs JavaScript. The record's form, the filters
// and sign-in have their own tests (everyday.spec.ts, app.spec.ts, i18n.spec.ts).

async function withoutJavaScript(browser: Browser, email: string) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, email, { javaScript: false });
  return { context, page };
}

test("forms that need JavaScript are locked and say so, until the page runs", async ({ browser }) => {
  const { context, page } = await withoutJavaScript(browser, ACCOUNTS.admin);
  const locked: [string, string][] = [
    ["/sammelbearbeitung?einheit=16068", "ausgewählte anwenden"],
    ["/statusimport", "Prüfen"],
    ["/verwaltung/katalogimport", "Prüfen"],
    ["/verwaltung/gebietsimport", "Prüfen"],
    ["/konto", "Token erstellen"],
  ];
  for (const [path, button] of locked) {
    await page.goto(path);
    await expect(page.getByTestId("needs-javascript"), path).toContainText("braucht JavaScript");
    await expect(page.getByRole("button", { name: new RegExp(button) }).first(), path).toBeDisabled();
  }
  await context.close();

  // with JavaScript the same forms are open and the notice is gone
  const js = await browser.newPage();
  await login(js, ACCOUNTS.admin);
  for (const [path, button] of locked.filter(([p]) => !p.startsWith("/sammelbearbeitung"))) {
    await js.goto(path);
    await hydrated(js);
    await expect(js.getByTestId("needs-javascript"), path).toHaveCount(0);
    await expect(js.getByRole("button", { name: new RegExp(button) }).first(), path).toBeEnabled();
  }
  await js.close();
});

test("an administrator creates an account and a user revokes a token without JavaScript", async ({ browser }) => {
  const { context, page } = await withoutJavaScript(browser, ACCOUNTS.admin);
  const email = `ohne-js-${Date.now()}@e2e.test`;
  await page.goto("/verwaltung/konten");
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Konto anlegen" }) });
  await form.getByLabel("E-Mail-Adresse").fill(email);
  await form.getByLabel("Name", { exact: true }).fill("Ohne Skript");
  await form.getByLabel("Rolle").selectOption({ label: "Lesen" });
  await form.getByLabel(/Erstes Passwort/).fill("Kiefer Regen Laterne 42");
  await form.getByRole("button", { name: "Konto anlegen" }).click();
  await page.waitForURL(/\/verwaltung\/konten/);
  await expect(page.getByRole("cell", { name: email })).toBeVisible();

  // a token made with JavaScript (it is shown once), revoked without
  const js = await browser.newPage();
  await login(js, ACCOUNTS.admin);
  await js.goto("/konto");
  await hydrated(js);
  const name = `ohne-js-${Date.now()}`;
  await js.getByLabel("Name des Tokens").fill(name);
  await js.getByRole("button", { name: "Token erstellen" }).click();
  await expect(js.locator(".token-secret")).toBeVisible();
  await js.close();

  await page.goto("/konto");
  const row = page.getByRole("row").filter({ hasText: name });
  await row.getByRole("button", { name: `Token ${name} widerrufen` }).click();
  await page.waitForURL(/\/konto/);
  await expect(page.getByRole("row").filter({ hasText: name })).toContainText("widerrufen am");
  await context.close();
});
