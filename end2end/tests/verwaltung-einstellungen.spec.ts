import { test, expect } from "@playwright/test";
import { ACCOUNTS, apiRecords, hydrated, login, watchConsole } from "./helpers";

// The Kompetenzzentrum's settings in the order people use them: the administration adds a
// status and the steps into and out of it, a coordinator uses it on a record, and from then on
// the status stays (the history names it); a target date appears in the overview's trend; the
// audit log lists each change. This file runs last: it changes the pipeline for everyone.

test("an administrator adds a status and its steps, a coordinator uses it, and it then stays", async ({ page, browser }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Einstellungen" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/einstellungen$/);
  await hydrated(page);
  const outcome = page.getByTestId("settings-outcome");

  // a new status of the phase "in Planung"
  await page.locator("#ns-code").fill("in_abstimmung");
  await page.locator("#ns-label").fill("in Abstimmung mit dem Ressort");
  await page.locator("#ns-phase").selectOption("planning");
  await page.locator("#ns-order").fill("25");
  await page.getByRole("button", { name: "Status anlegen" }).click();
  await expect(outcome).toContainText("Gespeichert.");
  const row = page.locator('tr[data-status="in_abstimmung"]');
  await expect(row).toContainText("in Abstimmung mit dem Ressort");
  await expect(row).toContainText("Umsetzungsstände: 0 · Änderungen: 0");

  // the steps: from "in Planung" into it, from it on to "in Umsetzung"
  const fromPlanning = page.locator('tr[data-from="in_planung"]');
  await fromPlanning.getByLabel("Neuer Schritt von „in Planung“ nach").selectOption("in_abstimmung");
  await fromPlanning.getByRole("button", { name: "erlauben" }).click();
  await expect(fromPlanning.locator("ul")).toContainText("in Abstimmung mit dem Ressort");
  const fromNew = page.locator('tr[data-from="in_abstimmung"]');
  await expect(fromNew).toContainText("keiner (Endzustand)");
  await fromNew.getByLabel("Neuer Schritt von „in Abstimmung mit dem Ressort“ nach").selectOption("in_umsetzung");
  await fromNew.getByRole("button", { name: "erlauben" }).click();
  await expect(fromNew.locator("ul")).toContainText("in Umsetzung");

  // a coordinator takes a record through it
  const coordinator = await browser.newPage();
  const coordinatorErrors = watchConsole(coordinator);
  await login(coordinator, ACCOUNTS.koordination);
  const record = (await apiRecords(coordinator.request, "org_unit=16068&status=nicht_begonnen&pro_seite=1&seite=7")).items[0];
  await coordinator.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(coordinator);
  const status = coordinator.locator("#f-status");
  await status.selectOption("in_planung");
  await coordinator.getByRole("button", { name: "Speichern", exact: true }).click();
  await expect(coordinator.locator("dl.facts")).toContainText("in Planung");
  await expect(status.locator("option")).toContainText(["in Abstimmung mit dem Ressort"]);
  await status.selectOption("in_abstimmung");
  await coordinator.locator("#f-comment").fill("Abstimmung mit dem TMDI läuft");
  await coordinator.getByRole("button", { name: "Speichern", exact: true }).click();
  await expect(coordinator.locator("dl.facts")).toContainText("in Abstimmung mit dem Ressort");
  await expect(status).toHaveValue("in_abstimmung");
  await coordinator.close();

  // in use now: the status stays, its phase counts it as "in Planung"
  await page.reload();
  await hydrated(page);
  await expect(row).toContainText("Umsetzungsstände: 1 · Änderungen: 1");
  await row.locator("summary").click();
  await expect(row).toContainText("Bleibt bestehen");
  await expect(row.getByRole("button", { name: /entfernen/ })).toHaveCount(0);

  // a target date of the Land, drawn into the overview's trend
  await page.locator("#zd-datum").fill("2026-12-31");
  await page.locator("#zd-label").fill("Landesziel 2026");
  await page.getByRole("button", { name: "Zieldatum ergänzen" }).click();
  await expect(outcome).toContainText("Gespeichert.");
  await expect(page.getByTestId("deadline-table")).toContainText("31.12.2026");
  await page.goto("/");
  await hydrated(page);
  await expect(page.locator("main")).toContainText("Landesziel 2026");

  // the audit log names every change
  await page.goto("/verwaltung/protokoll?art=einstellung_geaendert");
  await hydrated(page);
  const log = page.locator("table tbody");
  await expect(log).toContainText("Status in_abstimmung „in Abstimmung mit dem Ressort“ angelegt");
  await expect(log).toContainText("Schritt in_planung → in_abstimmung erlaubt");
  await expect(log).toContainText("Zieldatum 31.12.2026 „Landesziel 2026“ ergänzt");
  expect(errors).toEqual([]);
  expect(coordinatorErrors).toEqual([]);
});
