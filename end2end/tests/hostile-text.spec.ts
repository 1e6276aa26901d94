import { test, expect } from "@playwright/test";
import { ACCOUNTS, apiRecords, hydrated, login, watchConsole } from "./helpers";

// Text a coordinator types is shown as text with JavaScript too: after hydration and after
// client-side navigation (where the browser, not the server, renders the record), no element,
// attribute or redirect comes of it, and the edit form holds exactly what was saved.
// (Without JavaScript: server/tests/hostile_text.rs parses every server-rendered page.)

const NOTE = `</textarea><meta http-equiv="refresh" content="0;url=http://evil.example/"><textarea>`;
const EFA = `"><img src=x onerror="document.body.dataset.pwned='efa'"><a href="http://evil.example/">EfA</a>`;
const COMMENT = `</script><img src=x onerror="document.body.dataset.pwned='comment'"><script>`;

test("hostile text in a record stays text, rendered by the server and in the browser", async ({ page, baseURL }) => {
  const errors = watchConsole(page);
  await login(page, ACCOUNTS.koordination);
  const { items } = await apiRecords(page.request, `org_unit=16068&status=nicht_begonnen&pro_seite=1&seite=5`);
  const record = items[0];
  const res = await page.request.patch(`/api/v1/records/${record.id}`, {
    data: { version: record.version, note: NOTE, efa_solution: EFA, comment: COMMENT },
    headers: { Origin: baseURL! },
  });
  expect(res.status(), await res.text()).toBe(200);

  const check = async (what: string) => {
    await expect(page.locator("meta[http-equiv]"), what).toHaveCount(0);
    await expect(page.locator("[onerror]"), what).toHaveCount(0);
    await expect(page.locator("a[href^='http://evil.example']"), what).toHaveCount(0);
    expect(await page.evaluate(() => document.body.dataset.pwned ?? null), what).toBeNull();
    expect(new URL(page.url()).origin, what).toBe(new URL(baseURL!).origin);
  };

  // rendered by the server, then hydrated
  await page.goto(`/umsetzungsstaende/${record.id}`);
  await hydrated(page);
  await check("record page");
  await expect(page.locator("#f-note")).toHaveValue(NOTE);
  await expect(page.locator("#f-efa")).toHaveValue(EFA);
  await expect(page.locator("section[aria-labelledby=historie]")).toContainText(COMMENT);

  // rendered in the browser: away by client-side navigation, and back
  await page.locator(".breadcrumb a").first().click();
  await page.waitForURL(/\/leistungen\//);
  await check("service page");
  await page.goBack();
  await page.waitForURL(`**/umsetzungsstaende/${record.id}`);
  await expect(page.locator("#f-note")).toHaveValue(NOTE);
  await check("record page rendered in the browser");

  // the change list shows the comment as text
  await page.goto("/aenderungen");
  await hydrated(page);
  await check("change list");
  expect(errors).toEqual([]);
});
