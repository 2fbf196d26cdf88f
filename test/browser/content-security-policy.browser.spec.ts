import type { Browser } from 'playwright-core';
import { findChromium, launchChromium } from '../support/browser/chromium.js';
import { TestServer } from '../support/test-server.js';

/** The OpenAPI page and the web client in a real browser, under the policies the server sends. */
const chromiumPath = findChromium();

(chromiumPath ? describe : describe.skip)('pages under their Content-Security-Policy', () => {
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

  /** A page that collects every Content-Security-Policy violation it meets. */
  async function watchedPage() {
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
    return { context, page, blocked };
  }

  it('/docs renders every operation with nothing blocked', async () => {
    const { context, page, blocked } = await watchedPage();
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

  it('the web client logs in and shows its home screen with nothing blocked', async () => {
    const { context, page, blocked } = await watchedPage();
    const response = await page.goto(`${api.server.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("style-src 'self'");
    await page
      .getByRole('button', { name: /^Log in as / })
      .first()
      .click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    expect(blocked).toEqual([]);
    await context.close();
  }, 60_000);
});
