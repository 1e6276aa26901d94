import { expect, Page, ConsoleMessage, APIRequestContext, Request } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** The password of every account the e2e server creates (scripts/e2e-server.sh). */
export const PASSWORD = "e2e-passwort-123";

export const ACCOUNTS = {
  admin: "admin@e2e.test",
  koordination: "koordination@e2e.test",
  lesen: "lesen@e2e.test",
} as const;

// Every test fails on any browser console error or uncaught page error (hydration problems
// show up there first).
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg: ConsoleMessage) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return errors;
}

export async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
}

/**
 * Signs in through the login form and waits until the browser has left /anmelden. With
 * JavaScript (the default) it also waits for both pages to hydrate, so that no half-loaded
 * page is left behind when the test navigates on.
 */
export async function login(page: Page, email: string, opts: { javaScript?: boolean } = {}) {
  const js = opts.javaScript ?? true;
  await page.goto("/anmelden");
  if (js) await hydrated(page);
  await page.getByLabel("E-Mail-Adresse", { exact: true }).fill(email);
  await page.getByLabel("Passwort", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/anmelden"));
  if (js) await hydrated(page);
}

/** One record as `/api/v1/records` lists it (only the fields the tests use). */
export interface ApiRecord {
  id: number;
  version: number;
  ozg_id: number;
  org_unit_code: string;
  status_code: string;
  maturity: number | null;
  note: string | null;
}

/** GET a list of records through the API (the request shares the page's cookies). */
export async function apiRecords(request: APIRequestContext, query: string): Promise<{ items: ApiRecord[]; total: number }> {
  const res = await request.get(`/api/v1/records?${query}`);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

export async function apiRecord(request: APIRequestContext, id: number): Promise<ApiRecord> {
  const res = await request.get(`/api/v1/records/${id}`);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

// WCAG 2.0 and 2.1, levels A and AA: what BITV 2.0 / EN 301 549 require.
export const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Every request the page makes that leaves this origin (fonts, scripts, images, anything). */
export function watchForeignRequests(page: Page, baseURL: string): string[] {
  const own = new URL(baseURL).origin;
  const foreign: string[] = [];
  page.on("request", (r: Request) => {
    const url = new URL(r.url());
    if ((url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:") && url.origin !== own) {
      foreign.push(r.url());
    }
  });
  return foreign;
}

export async function axe(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`,
  );
  expect(found, `axe violations on ${what}`).toEqual([]);
}

/** Every page an administrator can open (`recordId`: any implementation record). */
export function pagesOfAnAdministrator(recordId: number): string[] {
  return [
    "/",
    "/leistungen",
    "/leistungen?themenfeld=1&seite=2",
    "/leistungen/10000",
    "/organisationen",
    "/organisationen/16068",
    "/organisationen/TMDI",
    `/umsetzungsstaende/${recordId}`,
    "/aenderungen",
    "/zustaendigkeiten",
    "/zustaendigkeiten/10092",
    "/zustaendigkeiten/neue-leistung",
    "/meine-aufgaben",
    "/sammelbearbeitung",
    "/sammelbearbeitung?leistung=10001&einheit=16068",
    "/statusimport",
    "/konto",
    "/verwaltung/konten",
    "/verwaltung/protokoll",
    "/verwaltung/protokoll?art=anmeldung",
    "/verwaltung/katalogimport",
    "/verwaltung/gebietsimport",
    "/verwaltung/einstellungen",
    "/datenquellen",
    "/impressum",
    "/datenschutz",
    "/barrierefreiheit",
  ];
}
