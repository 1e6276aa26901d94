import { test, expect } from "@playwright/test";
import { ACCOUNTS, apiRecord, apiRecords, hydrated, login, watchConsole } from "./helpers";

/** A CSV cell as German Excel writes it: quoted when it holds `;`, quotes or line breaks. */
function cell(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

test("a coordinator uploads an edited file, reads the dry run, then applies it", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  await page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name: "Statusimport" }).click();
  await expect(page).toHaveURL(/\/statusimport$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Statusimport");
  // step one offers the coordinator's own Kreis, not the whole Land
  await expect(page.locator('a[href="/api/v1/records.csv?org_unit=16068"]')).toBeVisible();
  await expect(page.locator('a[href="/api/v1/records.xlsx?org_unit=16068"]')).toBeVisible();

  // two of the coordinator's records, as a file in the export's columns: a new note on the
  // first, a Reifegrad the scale does not have on the second
  const { items } = await apiRecords(page.request, "org_unit=16068&pro_seite=2");
  const [first, second] = items;
  const note = `Per Import gepflegt ${Date.now()}`;
  const rows = [
    ["OZG-ID", "Einheit (Schlüssel)", "Version", "Status (Code)", "Reifegrad", "Bemerkung"],
    [first.ozg_id, first.org_unit_code, first.version, first.status_code, first.maturity, note],
    [second.ozg_id, second.org_unit_code, second.version, second.status_code, 9, second.note],
  ];
  const csv = "\ufeff" + rows.map((r) => r.map(cell).join(";")).join("\r\n") + "\r\n";
  await page.getByLabel("Datei (CSV oder XLSX, höchstens 64 MB)").setInputFiles({
    name: "umsetzungsstaende.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf8"),
  });
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();

  const result = page.getByTestId("import-result");
  await expect(result.getByRole("heading")).toHaveText("Probelauf: nichts wurde geändert");
  await expect(result).toContainText("2 Zeilen gelesen (CSV, UTF-8 mit BOM): 1 würden geändert, 0 unverändert, 1 mit Fehlern.");
  const table = result.getByRole("table", { name: "Zeilen mit Änderungen oder Fehlern" });
  await expect(table.getByRole("row", { name: /Zeile 2/ })).toContainText("Notiz: ");
  await expect(table.getByRole("row", { name: /Zeile 2/ })).toContainText(note);
  await expect(table.getByRole("row", { name: /Zeile 3/ })).toContainText("Reifegrad 9");
  // the dry run wrote nothing
  expect((await apiRecord(page.request, first.id)).note).toBe(first.note);

  await page.getByRole("button", { name: "Jetzt übernehmen" }).click();
  await expect(result.getByRole("heading")).toHaveText("Übernommen");
  await expect(result).toContainText("1 geändert, 0 unverändert, 1 mit Fehlern (nicht übernommen).");
  const stored = await apiRecord(page.request, first.id);
  expect(stored.note).toBe(note);
  expect(stored.version).toBe(first.version + 1);
  expect((await apiRecord(page.request, second.id)).version).toBe(second.version);

  // a file that is not an export is refused as a whole, with the reason
  await page.getByLabel("Datei (CSV oder XLSX, höchstens 64 MB)").setInputFiles({
    name: "liste.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("Name;Wert\r\nx;1\r\n", "utf8"),
  });
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(page.getByRole("alert")).toContainText("Die Datei kann nicht importiert werden");
  await expect(page.getByRole("alert")).toContainText("Es fehlen Spalten");
  // the browser logs the refused upload's 422 itself; nothing else may appear
  expect(errors).toEqual(["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]);
});
