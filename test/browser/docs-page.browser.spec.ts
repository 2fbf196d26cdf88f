import type { Browser } from 'playwright-core';
import { findChromium, launchChromium } from '../support/browser/chromium.js';
import { TestServer } from '../support/test-server.js';

/** The OpenAPI page in a real browser, under the Content-Security-Policy the server sends. */
const chromiumPath = findChromium();

(chromiumPath ? describe : describe.skip)('/docs under its Content-Security-Policy', () => {
  let browser: Browser;
  let api: TestServer;

  beforeAll(async () => {
    api = await TestServer.start();
    browser = await launchChromium(chromiumPath as string);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('renders every operation with nothing blocked', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    // A blocked style or script also fires this event, which chromium does not always log.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        console.error('Content Security Policy violation: ' + event.violatedDirective));`,
    });
    const response = await page.goto(`${api.server.url}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(10);
    // Swagger UI's own stylesheet applied: the operation blocks are laid out, not bare text.
    const border = await page.evaluate(
      "getComputedStyle(document.querySelector('.swagger-ui .opblock')).borderTopStyle",
    );
    expect(border).toBe('solid');
    expect(blocked).toEqual([]);
    await context.close();
  }, 60_000);
});
