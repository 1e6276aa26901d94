import { test, expect, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ACCOUNTS, apiRecords, hydrated, login, watchConsole } from "./helpers";

test.beforeEach(async ({ page }) => {
  await login(page, ACCOUNTS.lesen);
});

/** Clicks a download link and returns the file's suggested name and bytes. */
async function download(page: Page, name: string): Promise<{ file: string; bytes: Buffer }> {
  const [d] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("downloads").getByRole("link", { name, exact: true }).click(),
  ]);
  expect(await d.failure()).toBeNull();
  return { file: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
}

test("a Kreis' records download as CSV for Excel, as XLSX and its report as PDF from its page", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto("/organisationen/16068");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sömmerda");

  const csv = await download(page, "CSV für Excel");
  expect(csv.file).toMatch(/^umsetzungsstaende-16068-\d{4}-\d{2}-\d{2}-demodaten\.csv$/);
  expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
  const lines = csv.bytes.toString("utf8").slice(1).split("\r\n").filter((l) => l !== "");
  expect(lines[0]).toMatch(/^Datensatz;Version;OZG-ID;Leistung;/);
  const { total } = await apiRecords(page.request, "org_unit=16068&pro_seite=1");
  expect(lines.length - 1).toBe(total);

  const xlsx = await download(page, "Excel (XLSX)");
  expect(xlsx.file).toMatch(/^umsetzungsstaende-16068-.*-demodaten\.xlsx$/);
  expect(xlsx.bytes.subarray(0, 2).toString("latin1")).toBe("PK"); // a zip container

  const pdf = await download(page, "Bericht (PDF)");
  expect(pdf.file).toMatch(/^ozg-bericht-16068-\d{4}-\d{2}-\d{2}-demodaten\.pdf$/);
  expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  // the page is still there: a download is not a navigation
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sömmerda");
  expect(errors).toEqual([]);
});

test("the dashboard's downloads follow its filter", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto("/?themenfeld=6");
  await hydrated(page);
  const sheets = await download(page, "Excel, ein Blatt je Themenfeld");
  expect(sheets.file).toMatch(/^umsetzungsstaende-themenfeld-6-.*\.xlsx$/);
  // a past date: the downloads say they hold today's records
  await page.getByLabel("Stand am").fill("2023-06-30");
  await page.getByLabel("Stand am").dispatchEvent("change");
  await expect(page).toHaveURL(/am=2023-06-30/);
  await expect(page.getByTestId("downloads")).toContainText("„Stand am“ und „Stand“ gelten für sie nicht");
  const plain = await download(page, "CSV (RFC 4180, für Programme)");
  expect(plain.file).toMatch(/^umsetzungsstaende-themenfeld-6-.*\.csv$/);
  expect(plain.bytes.toString("utf8")).toMatch(/^Datensatz,Version,OZG-ID,/);
  // the report does show the past date: its data date is from then
  const report = await download(page, "Bericht (PDF)");
  expect(report.file).toMatch(/^ozg-bericht-land-2023-\d{2}-\d{2}-demodaten\.pdf$/);
  expect(report.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(errors).toEqual([]);
});
