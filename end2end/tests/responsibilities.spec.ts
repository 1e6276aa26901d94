import { test, expect } from "@playwright/test";
import { ACCOUNTS, apiRecords, hydrated, login, watchConsole } from "./helpers";

// Hundehaltung (the Hundesteuer): a Gemeinde task of its own sphere in the shipped matrix (633 Gemeinden), moved to the 23 Kreise
// and kreisfreien Städte by the administration, with a dry run first, and back again.
const SERVICE = 10160;

test("an administrator moves a service from the Gemeinden to the Kreise after a dry run", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  await page.goto("/zustaendigkeiten?q=Hundehaltung");
  await hydrated(page);
  await expect(page.getByTestId("responsibility-figures")).toContainText(/\d+ von 557 Zuständigkeiten bestätigt/);
  const row = page.locator(`tr[data-ozg-id="${SERVICE}"]`);
  await expect(row).toContainText("Gemeinden");
  await expect(row).toContainText("Annahme");
  await row.getByRole("link", { name: "Ändern – Hundehaltung" }).click();
  await expect(page).toHaveURL(new RegExp(`/zustaendigkeiten/${SERVICE}$`));
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Zuständigkeit: ${SERVICE} Hundehaltung`);

  // the dry run says what would happen and changes nothing
  await page.getByLabel("Ebene", { exact: true }).selectOption("kreis");
  await page.getByLabel("Vom Kompetenzzentrum bestätigt").check();
  await page.getByRole("button", { name: "Probelauf: was würde sich ändern?" }).click();
  const outcome = page.getByTestId("responsibility-outcome");
  await expect(outcome).toContainText("Probelauf – nichts wurde gespeichert.");
  await expect(page.getByTestId("responsibility-counts")).toHaveText(/^23 Einträge neu angelegt, 633 geschlossen .*, 0 wieder geöffnet\.$/);
  await expect(outcome).toContainText("Kommunal vollzogene Leistungen");
  expect((await apiRecords(page.request, `ozg_id=${SERVICE}&pro_seite=1`)).total).toBe(633);

  // applied: the 23 Kreise hold the service, the Gemeinden's records are kept, read-only
  await page.getByRole("button", { name: "Änderung übernehmen" }).click();
  await expect(outcome).toContainText("Gespeichert.");
  await expect(page.locator("dl.facts")).toContainText("Landkreise und kreisfreie Städte");
  await expect(page.locator("dl.facts")).toContainText("bestätigt");
  const kreise = await apiRecords(page.request, `ozg_id=${SERVICE}&pro_seite=100`);
  expect(kreise.total).toBe(23);
  expect(kreise.items.every((r) => r.org_unit_code.length === 5)).toBe(true);

  await page.goto("/organisationen/16068051");
  await hydrated(page);
  const closed = page.locator("table.records tbody tr").filter({ hasText: "Hundehaltung" });
  await expect(closed.getByTestId("closed-record")).toContainText(/nicht mehr zuständig seit \d{2}\.\d{2}\.\d{4}/);
  await closed.getByRole("link", { name: /./ }).nth(1).click();
  await hydrated(page);
  await expect(page.getByTestId("no-longer-responsible")).toContainText("Nicht mehr zuständig seit");
  await expect(page.getByRole("button", { name: "Speichern" })).toHaveCount(0);

  // the list shows the confirmed Kreis task; moving it back reopens the Gemeinden's records
  await page.goto("/zustaendigkeiten?ebene=kreis&bestaetigt=ja");
  await hydrated(page);
  await expect(page.locator(`tr[data-ozg-id="${SERVICE}"]`)).toContainText("(+633 nicht mehr zuständig)");
  await page.goto(`/zustaendigkeiten/${SERVICE}`);
  await hydrated(page);
  await page.getByLabel("Ebene", { exact: true }).selectOption("gemeinde");
  await page.getByLabel("Vom Kompetenzzentrum bestätigt").uncheck();
  await page.getByRole("button", { name: "Änderung übernehmen" }).click();
  await expect(page.getByTestId("responsibility-counts")).toHaveText(/^0 Einträge neu angelegt, 23 geschlossen .*, 633 wieder geöffnet\.$/);
  expect((await apiRecords(page.request, `ozg_id=${SERVICE}&pro_seite=1`)).total).toBe(633);
  expect(errors).toEqual([]);
});

test("the administration confirms responsibilities by importing the matrix", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  await page.goto("/zustaendigkeiten");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "CSV" })).toHaveAttribute("href", "/api/v1/responsibilities.csv");
  await page.getByText("Matrix importieren (CSV oder Excel)").click();
  // the file as a coordinator's spreadsheet would hold it: two confirmed, one unknown unit
  const file = (rows: string) => ({
    name: "zustaendigkeiten.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`OZG-ID;Ebene;Bestätigt;Federführung\n${rows}`),
  });
  await page.getByLabel("Datei mit der Zuständigkeitsmatrix").setInputFiles(file("10092;kreis;ja;\n10214;landesbehoerde;ja;TLXX\n"));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  const result = page.getByTestId("matrix-import-result");
  await expect(result).toContainText("2 Zeilen gelesen (CSV, UTF-8): 1 ändern sich, 0 unverändert, 1 mit Fehlern.");
  await expect(result.locator("tr").filter({ hasText: "Zeile 3" })).toContainText("„TLXX“ ist keine bestehende Einheit");
  await expect(page.getByRole("button", { name: "Jetzt übernehmen" })).toHaveCount(0);

  await page.getByLabel("Datei mit der Zuständigkeitsmatrix").setInputFiles(file("10092;kreis;ja;\n10214;landesbehoerde;ja;TLVwA\n"));
  await page.getByRole("button", { name: "Prüfen (Probelauf)" }).click();
  await expect(result).toContainText("Probelauf: nichts wurde gespeichert");
  await expect(result).toContainText("2 Zeilen gelesen (CSV, UTF-8): 2 ändern sich, 0 unverändert, 0 mit Fehlern.");
  await page.getByRole("button", { name: "Jetzt übernehmen" }).click();
  await expect(result).toContainText("Übernommen");
  const wohngeld = await (await page.request.get("/api/v1/services/10092/responsibility")).json();
  expect(wohngeld.confirmed).toBe(true);
  await page.goto("/zustaendigkeiten?bestaetigt=ja");
  await hydrated(page);
  await expect(page.getByTestId("responsibility-figures")).toContainText(/^2 von 557 Zuständigkeiten bestätigt/);
  expect(errors).toEqual([]);
});

test("a coordinator reads the responsibilities but cannot change them", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  await page.goto("/zustaendigkeiten?ebene=landesbehoerde");
  await hydrated(page);
  await expect(page.locator("table tbody tr").first()).toContainText("Thüringer");
  await expect(page.getByRole("link", { name: /^Ändern – / })).toHaveCount(0);
  await page.goto("/zustaendigkeiten/10092");
  await hydrated(page);
  await expect(page.getByText("Zuständigkeiten ändert nur die Administration")).toBeVisible();
  await expect(page.getByRole("button", { name: "Änderung übernehmen" })).toHaveCount(0);
  const res = await page.request.put("/api/v1/services/10092/responsibility", { data: { level: "gemeinde" } });
  expect(res.status()).toBe(403);
  expect(errors).toEqual([]);
});

// The press release's example, last in this file: it adds a 558th service to the shared
// database. The 2019 catalogue lacks the "Entschädigung nach § 56 Abs. 1 IfSG" the Land
// offered online in 2020: the administration adds it for the Landesverwaltungsamt, records it
// online with its URL, and the dashboard counts it.
test("the administration adds a service the catalogue lacks and records it online", async ({ page }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.admin);
  await page.goto("/zustaendigkeiten");
  await hydrated(page);
  await page.getByRole("link", { name: "Leistung ergänzen, die der OZG-Katalog nicht hat" }).click();
  await expect(page).toHaveURL(/\/zustaendigkeiten\/neue-leistung$/);
  await hydrated(page);
  await expect(page.getByLabel("OZG-ID (fünf Ziffern, noch nicht vergeben)")).toHaveValue("10602");
  await page.getByLabel("Bezeichnung", { exact: true }).fill("Entschädigung nach § 56 Abs. 1 IfSG");
  await page.getByLabel(/^Lebens- bzw. Unternehmenslage/).selectOption({ label: "Krankheit" });
  await page.getByLabel("LeiKa-Typen (freiwillig)").fill("2");
  await page.getByLabel("Ebene", { exact: true }).selectOption("landesbehoerde");
  await page.getByLabel(/^Federführende Stelle/).selectOption("TLVwA");
  await page.getByLabel("Vom Kompetenzzentrum bestätigt").check();

  await page.getByRole("button", { name: "Probelauf: was würde sich ändern?" }).click();
  const outcome = page.getByTestId("responsibility-outcome");
  await expect(outcome).toContainText("Probelauf – nichts wurde gespeichert.");
  await expect(outcome).toContainText("Neue Leistung 10602 Entschädigung nach § 56 Abs. 1 IfSG: Landesbehörde");
  await expect(page.getByTestId("responsibility-counts")).toHaveText(/^1 Einträge neu angelegt, 0 geschlossen .*, 0 wieder geöffnet\.$/);
  expect((await page.request.get("/api/v1/services/10602/responsibility")).status()).toBe(404);

  await page.getByRole("button", { name: "Leistung anlegen" }).click();
  await expect(outcome).toContainText("Gespeichert.");
  await outcome.getByRole("link", { name: "Zur Leistung und ihren Umsetzungsständen" }).click();
  await expect(page).toHaveURL(/\/leistungen\/10602$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Entschädigung nach § 56 Abs. 1 IfSG");

  // the Landesverwaltungsamt's one record goes online with its URL
  const [record] = (await apiRecords(page.request, "ozg_id=10602")).items;
  expect(record.org_unit_code).toBe("TLVwA");
  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  for (const next of ["in_umsetzung", "online"]) {
    await page.locator("#f-status").selectOption(next);
    if (next === "online") await page.getByLabel("Online-Angebot (URL)").fill("https://service.thueringen.de/ifsg-56");
    await page.getByRole("button", { name: "Speichern", exact: true }).click();
    await expect(page.locator(".success-notice")).toContainText("Gespeichert");
    await expect(page.locator("#f-status")).toHaveValue(next);
  }

  // counted on the dashboard like every catalogue service
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByTestId("scope-line")).toContainText("558 OZG-Leistungen im Filter");
  await expect(page.getByTestId("federal-total")).toHaveText("558");
  expect(errors).toEqual([]);
});
