import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../support/browser/chromium.js';
import { retryStalledCallsOnce } from '../support/browser/retry-stalled-calls.js';
import {
  BROWSER_ARTIFACTS,
  endCall,
  openAs,
  placeCall,
  waitForRemoteVideoPlaying,
  type CallParty,
  PATIENT,
  PROVIDER,
} from '../support/browser/video-call-driver.js';
import { TestServer } from '../support/test-server.js';

/**
 * A call longer than the access token: the web client trades its refresh token before the access
 * token runs out and hands the new one to its socket, so the call goes on and the clinician can
 * still end it over the API afterwards.
 */
retryStalledCallsOnce();

const chromiumPath = findChromium();
const TOKEN_SECONDS = 15;

(chromiumPath ? describe : describe.skip)('web client sessions', () => {
  let browser: Browser;
  let api: TestServer;
  const parties: CallParty[] = [];

  beforeAll(async () => {
    mkdirSync(BROWSER_ARTIFACTS, { recursive: true });
    api = await TestServer.start({
      JWT_TTL_SECONDS: String(TOKEN_SECONDS),
      LOGIN_ATTEMPTS_PER_MINUTE: '100',
    });
    browser = await launchChromium(chromiumPath as string);
  }, 60_000);

  afterAll(async () => {
    for (const party of parties) await party.context.close();
    await browser?.close();
    await api?.stop();
  });

  async function connected(page: Page): Promise<void> {
    await page.locator('[data-remote-status="connected"]').waitFor({ timeout: 15_000 });
  }

  it('keeps a call going past the access token’s expiry, refreshing silently', async () => {
    const clinician = await openAs(browser, api.server.url, PROVIDER);
    const patient = await openAs(browser, api.server.url, PATIENT);
    parties.push(clinician, patient);
    const callId = await placeCall(clinician.page, PATIENT);
    await patient.page.getByRole('button', { name: 'Answer' }).click();
    await Promise.all([
      waitForRemoteVideoPlaying(clinician.page),
      waitForRemoteVideoPlaying(patient.page),
    ]);

    // Well past the first access token's expiry: only refreshed tokens keep both sides in.
    await new Promise((resolve) => setTimeout(resolve, (TOKEN_SECONDS + 8) * 1000));
    for (const { page } of [clinician, patient]) {
      expect(page.url()).toContain(`#/calls/${callId}/live`);
      await connected(page);
    }
    const { rows } = await api.server.runtime.knex.raw<{ rows: Array<{ used: string }> }>(
      'SELECT count(*) AS used FROM session_refresh_tokens WHERE used_at IS NOT NULL',
    );
    expect(Number(rows[0]?.used)).toBeGreaterThanOrEqual(2);
    await endCall(clinician.page);
    const ended = await api.as<{ status: string }>('provider', 'GET', `/webrtc/calls/${callId}`);
    expect(ended.body.status).toBe('ENDED');
  }, 120_000);
});
