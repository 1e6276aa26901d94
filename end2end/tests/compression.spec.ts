import { test, expect } from "@playwright/test";

// What a first visit transfers: the release site's files go out precompressed (brotli, else
// gzip) to a client that accepts it, pages compressed on the fly, and a client that accepts
// neither gets the plain body.
test("the site's files and pages go out compressed, and plain to a client without Accept-Encoding", async ({
  request,
}) => {
  for (const path of ["/", "/pkg/ozg-monitor.wasm", "/pkg/ozg-monitor.js", "/pkg/ozg-monitor.css"]) {
    const br = await request.get(path, { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.status(), path).toBe(200);
    expect(br.headers()["content-encoding"], path).toBe("br");
    const gzip = await request.get(path, { headers: { "accept-encoding": "gzip" } });
    expect(gzip.headers()["content-encoding"], path).toBe("gzip");
    const plain = await request.get(path, { headers: { "accept-encoding": "identity" } });
    expect(plain.status(), path).toBe(200);
    expect(plain.headers()["content-encoding"], path).toBeUndefined();
  }
});
