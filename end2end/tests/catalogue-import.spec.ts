import { test, expect } from "@playwright/test";
import { ACCOUNTS, hydrated, login, watchConsole } from "./helpers";

const HEADER = "ozg_id,ozg_leistung,lage,themenfeld,leika_typen";
const ORIGINAL = "10601,Berufsständische Versorgungswerke,Unternehmensstart & Gewerbezulassung,Unternehmensführung & -entwicklung,4";
const RENAMED = "10601,Berufsständische Versorgungswerke (Katalog 2024),Unternehmensstart & Gewerbezulassung,Unternehmensführung & -entwicklung,4";
const NEW = '10702,"Entschädigung nach § 56 Abs. 1 IfSG",Gesundheit,Gesundheit,2/3';

function file(...lines: string[]) {
  return { name: "leistungen.csv", mimeType: "text/csv", buffer: Buffer.from([HEADER, ...lines].join("\n") + "\n", "utf8") };
}

test("an administrator checks a newer catalogue, then takes a rename over", async ({ page, baseURL }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Katalogimport" }).click();
  await expect(page).toHaveURL(/\/verwaltung\/katalogimport$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Katalogimport");
  const upload = page.getByLabel("Katalogdatei (CSV oder XLSX, höchstens 64 MB)");
  const result = page.getByTestId("catalogue-result");

  // a partial list with a rename and a new service: checked, nothing written
  await page.getByLabel("Teilliste: Fehlendes nicht deaktivieren").check();
  await upload.setInputFiles(file(RENAMED, NEW));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(result.getByRole("heading", { level: 2 })).toHaveText("Probelauf: nichts wurde geändert");
  await expect(result).toContainText("2 Zeilen gelesen (CSV, UTF-8): 1 neu, 1 geändert, 0 unverändert, 0 nicht mehr enthalten, 0 Zeilen mit Fehlern.");
  await expect(result.getByRole("table", { name: /^Neu \(/ })).toContainText("Entschädigung nach § 56 Abs. 1 IfSG");
  await expect(result.getByRole("table", { name: /^Geändert \(/ })).toContainText(
    "Name: Berufsständische Versorgungswerke → Berufsständische Versorgungswerke (Katalog 2024)",
  );
  await expect(page.getByRole("button", { name: "Jetzt übernehmen" })).toBeVisible();

  // a complete catalogue of one line would deactivate nearly everything: blocked
  await page.getByLabel("Teilliste: Fehlendes nicht deaktivieren").uncheck();
  await upload.setInputFiles(file(ORIGINAL));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(result.getByRole("alert")).toContainText("Der Katalog kann so nicht übernommen werden");
  await expect(result.getByRole("alert")).toContainText("Teilliste");
  await expect(page.getByRole("button", { name: "Jetzt übernehmen" })).toHaveCount(0);

  // the rename alone, taken over
  await page.getByLabel("Teilliste: Fehlendes nicht deaktivieren").check();
  await upload.setInputFiles(file(RENAMED));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(result).toContainText("1 geändert");
  await page.getByRole("button", { name: "Jetzt übernehmen" }).click();
  await expect(result.getByRole("heading", { level: 2 })).toHaveText("Katalog übernommen");
  await result.getByRole("link", { name: "Berufsständische Versorgungswerke (Katalog 2024)" }).click();
  await expect(page).toHaveURL(/\/leistungen\/10601$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Berufsständische Versorgungswerke (Katalog 2024)");

  // back to the original name, so other tests see the catalogue they expect
  const restored = await page.request.post("/api/v1/imports/catalogue?dry_run=false&deactivate_missing=false", {
    headers: { "content-type": "text/csv", Origin: baseURL! },
    data: Buffer.from(`${HEADER}\n${ORIGINAL}\n`, "utf8"),
  });
  expect(restored.status(), await restored.text()).toBe(200);
  expect((await restored.json()).written).toBe(true);
  expect(errors).toEqual([]);
});
