import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ACCOUNTS, hydrated, login, watchConsole } from "./helpers";

// Thüringen's Gemeindeverzeichnis as the application ships it (Destatis, 31.12.2020)
const SHIPPED = readFileSync(join(__dirname, "../../reference-data/gebiete/thueringen_gemeinden_2020.csv"), "utf8");

function file(text: string) {
  return { name: "gemeinden.csv", mimeType: "text/csv", buffer: Buffer.from(text, "utf8") };
}

/** The shipped list with a column `vorgaenger_ags`: Eisenach joins the Wartburgkreis (2021). */
function withEisenachInWartburgkreis(): string {
  const [header, ...lines] = SHIPPED.trimEnd().split(/\r?\n/);
  const eisenach = lines.find((l) => l.startsWith("16056000,"))!;
  const rejoined = eisenach.replace("16056000,160560000000,", "16063105,160630105105,").replace(',16056,"Eisenach, Stadt",', ",16063,Wartburgkreis,");
  return [
    `${header},vorgaenger_ags`,
    ...lines.filter((l) => l !== eisenach).map((l) => `${l},`),
    `${rejoined},16056000`,
  ].join("\n") + "\n";
}

test("an administrator checks a merger, then takes a rename over", async ({ page, baseURL }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Gebietsimport" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/gebietsimport$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Gebietsimport");
  const upload = page.getByLabel("Gemeindeverzeichnis (CSV oder XLSX, höchstens 64 MB)");
  const result = page.getByTestId("territory-result");

  // Eisenach under the Wartburgkreis's key: checked, nothing written
  await upload.setInputFiles(file(withEisenachInWartburgkreis()));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(result.getByRole("heading", { level: 2 })).toHaveText("Probelauf: nichts wurde geändert");
  await expect(result).toContainText("1 neu");
  await expect(result).toContainText("2 aufgelöst");
  await expect(result.getByRole("table", { name: /^Neu \(/ })).toContainText("aufgenommen: 16056000 Eisenach, Stadt");
  const dissolved = result.getByRole("table", { name: /^Aufgelöst/ });
  await expect(dissolved).toContainText("aufgegangen in 16063105 Eisenach, Stadt");
  await expect(dissolved).toContainText("aufgegangen in 16063 Wartburgkreis");
  await expect(page.getByRole("button", { name: "Jetzt übernehmen" })).toBeVisible();

  // one Kreis alone would dissolve most of the Land: blocked
  const [header, ...lines] = SHIPPED.trimEnd().split(/\r?\n/);
  await upload.setInputFiles(file([header, ...lines.filter((l) => l.startsWith("16068"))].join("\n") + "\n"));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(result.getByRole("alert")).toContainText("Das Gemeindeverzeichnis kann so nicht übernommen werden");
  await expect(page.getByRole("button", { name: "Jetzt übernehmen" })).toHaveCount(0);

  // a renamed Gemeinde, taken over
  const renamed = SHIPPED.replace("16068001,160685012001,Alperstedt,", "16068001,160685012001,Alperstedt (neu),");
  expect(renamed).not.toEqual(SHIPPED);
  await upload.setInputFiles(file(renamed));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(result.getByRole("table", { name: /^Geändert \(/ })).toContainText("Name: Alperstedt → Alperstedt (neu)");
  await page.getByRole("button", { name: "Jetzt übernehmen" }).click();
  await expect(result.getByRole("heading", { level: 2 })).toHaveText("Gemeindeverzeichnis übernommen");
  await result.getByRole("link", { name: "Alperstedt (neu)" }).click();
  await expect(page).toHaveURL(/\/organisationen\/16068001$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Alperstedt (neu)");

  // back to the shipped name, so other tests see the Land they expect
  const restored = await page.request.post("/api/v1/imports/org-units?dry_run=false", {
    headers: { "content-type": "text/csv", Origin: baseURL! },
    data: Buffer.from(SHIPPED, "utf8"),
  });
  expect(restored.status(), await restored.text()).toBe(200);
  expect((await restored.json()).written).toBe(true);
  expect(errors).toEqual([]);
});
