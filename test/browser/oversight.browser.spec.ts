import type { Browser } from 'playwright-core';
import { findChromium, launchChromium } from '../support/browser/chromium.js';
import { openAs } from '../support/browser/video-call-driver.js';
import { DEMO, TestServer } from '../support/test-server.js';

/** The auditor's and the analyst's screens, in a real browser, over a call made over REST. */
const chromiumPath = findChromium();

(chromiumPath ? describe : describe.skip)('web client for auditors and analysts', () => {
  let browser: Browser;
  let api: TestServer;
  let callId: string;

  beforeAll(async () => {
    api = await TestServer.start({
      LOGIN_ATTEMPTS_PER_MINUTE: '100',
      LEDGER_CHECKPOINT_INTERVAL_MS: '1500',
    });
    browser = await launchChromium(chromiumPath as string);
    const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
      body: { patientId: DEMO.patient.id, type: 'VIDEO' },
    });
    callId = call.body.id;
    await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
    await api.as('provider', 'POST', `/webrtc/calls/${callId}/end`, { body: {} });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('replays a call’s timeline with its integrity verdict and the state after any event', async () => {
    const auditor = await openAs(browser, api.server.url, 'Audrey Auditor');
    const { page } = auditor;
    await page.getByLabel('Call id').fill(callId);
    // Replayed before the next checkpoint is signed, the call's newest events are vouched for by
    // the chain alone (a warning); once a signed checkpoint covers them, the replay is verified.
    await page.getByRole('button', { name: 'Replay timeline' }).click();
    await page.getByText(/^(Hash chain intact|Integrity verified)/).waitFor();
    const verified = page.getByText(
      /^Integrity verified: \d+ events, hash chain intact, every event in the signed checkpoint of \d+ ledger events\.$/,
    );
    for (let attempt = 0; !(await verified.isVisible()); attempt += 1) {
      if (attempt === 40) throw new Error('no signed checkpoint came to cover the call');
      await page.waitForTimeout(500);
      await page.getByRole('button', { name: 'Replay timeline' }).click();
    }
    await page.getByRole('list').getByText('CallAnswered').waitFor();
    await page.getByRole('button', { name: /^State after CallAnswered/ }).click();
    await expect(page.getByTestId('state-at').textContent()).resolves.toContain(
      '"status": "IN_PROGRESS"',
    );
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export timeline (JSON)' }).click();
    expect((await download).suggestedFilename()).toBe(`call-${callId}-timeline.json`);
    await auditor.context.close();
  }, 60_000);

  it('shows statistics without patient identifiers', async () => {
    const analyst = await openAs(browser, api.server.url, 'Ana Analyst');
    const { page } = analyst;
    await page.getByRole('heading', { name: 'Call statistics' }).waitFor();
    await page.getByText(/^\d+ calls$/).waitFor();
    expect(await page.getByText('Pat Patient').count()).toBe(0);
    await analyst.context.close();
  }, 60_000);
});
