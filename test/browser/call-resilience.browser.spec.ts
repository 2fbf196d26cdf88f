import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../support/browser/chromium.js';
import {
  findTurnServer,
  startTurnServer,
  type RunningTurnServer,
} from '../support/browser/coturn.js';
import {
  endCall,
  openAs,
  placeCall,
  remoteVideo,
  waitForRemoteVideoPlaying,
  type CallParty,
  BROWSER_ARTIFACTS,
  PATIENT,
  PROVIDER,
} from '../support/browser/video-call-driver.js';
import { retryStalledCallsOnce } from '../support/browser/retry-stalled-calls.js';
import { SignalingClient } from '../support/socket-client.js';
import { TestServer } from '../support/test-server.js';

/**
 * What goes wrong in real calls, in a real browser: a page reload, a network drop, a refused
 * camera, a call that stops ringing before it is answered; and the patient's screens at phone
 * width, driven by the keyboard.
 */
retryStalledCallsOnce();

const chromiumPath = findChromium();
const turnBinary = findTurnServer();

async function videoKeepsPlaying(page: Page): Promise<void> {
  const before = (await remoteVideo(page)).currentTime;
  await page.waitForFunction(
    (start) => {
      const video = (
        globalThis as unknown as {
          document: { querySelector(selector: string): { currentTime: number } | null };
        }
      ).document.querySelector('[data-testid="remote-video"]');
      return !!video && video.currentTime > start + 0.5;
    },
    before,
    { timeout: 15_000 },
  );
}

async function connectedBoth(clinician: Page, patient: Page): Promise<void> {
  await Promise.all([waitForRemoteVideoPlaying(clinician), waitForRemoteVideoPlaying(patient)]);
  for (const page of [clinician, patient]) {
    await page.locator('[data-remote-status="connected"]').waitFor({ timeout: 15_000 });
  }
}

(chromiumPath ? describe : describe.skip)('web client when things go wrong', () => {
  let browser: Browser;
  let api: TestServer;
  let parties: CallParty[] = [];
  let turn: RunningTurnServer | null = null;

  beforeAll(async () => {
    mkdirSync(BROWSER_ARTIFACTS, { recursive: true });
    // STUN and TURN as in production (coturn answers both), when coturn is installed.
    turn = turnBinary ? await startTurnServer(turnBinary, 'resilience-turn-secret') : null;
    // Every test logs two people in from the same loopback address.
    api = await TestServer.start({
      RECONNECT_GRACE_SECONDS: '30',
      LOGIN_ATTEMPTS_PER_MINUTE: '100',
      ...(turn ? { TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret } : {}),
    });
    browser = await launchChromium(chromiumPath as string);
  }, 60_000);

  afterEach(async () => {
    for (const party of parties) await party.context.close();
    parties = [];
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await turn?.stop();
  });

  async function twoParties(
    patientOptions: Parameters<typeof openAs>[3] = {},
    patientBrowser: Browser = browser,
  ): Promise<[Page, Page, CallParty]> {
    const clinician = await openAs(browser, api.server.url, PROVIDER);
    const patient = await openAs(patientBrowser, api.server.url, PATIENT, patientOptions);
    parties.push(clinician, patient);
    return [clinician.page, patient.page, patient];
  }

  async function startCall(clinician: Page, patient: Page): Promise<string> {
    const callId = await placeCall(clinician, PATIENT);
    await patient.getByRole('button', { name: 'Answer' }).click();
    await connectedBoth(clinician, patient);
    return callId;
  }

  it('a patient who reloads the page mid-call comes back into it', async () => {
    const [clinician, patient] = await twoParties();
    const callId = await startCall(clinician, patient);
    await patient.reload();
    expect(patient.url()).toContain(`#/calls/${callId}/live`);
    await connectedBoth(clinician, patient);
    await videoKeepsPlaying(clinician);
    await endCall(clinician);
  }, 90_000);

  it('answers a patient who opens the ringing call’s link, and connects them', async () => {
    const [clinician, patient] = await twoParties();
    const callId = await placeCall(clinician, PATIENT);
    await patient.goto(`/#/calls/${callId}/live`);
    await connectedBoth(clinician, patient);
    await endCall(clinician);
  }, 90_000);

  it('says when the network is lost, and the call goes on when it is back', async () => {
    const [clinician, patient, patientParty] = await twoParties();
    await startCall(clinician, patient);
    await patientParty.context.setOffline(true);
    await patient
      .getByText('Network connection lost. Calls resume when you are back online.')
      .waitFor();
    await patientParty.context.setOffline(false);
    await patient
      .getByText('Network connection lost. Calls resume when you are back online.')
      .waitFor({ state: 'detached' });
    await patient.locator('[data-remote-status="connected"]').waitFor({ timeout: 15_000 });
    await videoKeepsPlaying(patient);
    await videoKeepsPlaying(clinician);
    await endCall(clinician);
  }, 90_000);

  it('tells a patient who refused the camera why, and the call goes on', async () => {
    const refusing = await launchChromium(chromiumPath as string, { mediaPermission: 'prompt' });
    try {
      const [clinician, patient] = await twoParties({ grantMedia: false }, refusing);
      await placeCall(clinician, PATIENT);
      await patient.getByRole('button', { name: 'Answer' }).click();
      await patient.getByText(/Camera or microphone access was denied/).waitFor();
      // The call goes on: the patient is in it (the clinician no longer waits for them) with
      // its controls. Whether media then flows is not asserted here: a page without camera
      // permission offers only mDNS host names, which nothing resolves in this sandbox.
      await clinician
        .locator('[data-remote-status="connecting"], [data-remote-status="connected"]')
        .waitFor({ timeout: 15_000 });
      await patient.getByRole('button', { name: 'End call' }).waitFor();
      await endCall(clinician);
    } finally {
      for (const party of parties) await party.context.close();
      parties = [];
      await refusing.close();
    }
  }, 90_000);

  it('tells the patient when a call stopped ringing before they answered', async () => {
    const [clinician, patient] = await twoParties();
    await placeCall(clinician, PATIENT);
    await patient.getByRole('alertdialog', { name: 'Incoming video call' }).waitFor();
    await clinician.getByRole('button', { name: 'Cancel call' }).click();
    await patient.getByText('The caller hung up before you answered.').waitFor();
    expect(await patient.getByRole('alertdialog').count()).toBe(0);
  }, 60_000);

  it('shares the screen in place of the camera, and offers audio only on a poor connection', async () => {
    const [clinician, patient] = await twoParties();
    const callId = await startCall(clinician, patient);
    await clinician.getByRole('button', { name: 'Share screen' }).click();
    await clinician.getByRole('button', { name: 'Stop sharing' }).waitFor();
    await patient.getByText('Sharing screen').waitFor();
    await videoKeepsPlaying(patient);
    await clinician.getByRole('button', { name: 'Stop sharing' }).click();
    await patient.getByText('Sharing screen').waitFor({ state: 'detached' });

    // The patient's link turns poor (reported here by a second socket of theirs): both are told.
    const patientSocket = await SignalingClient.as(api, 'patient');
    try {
      expect(await patientSocket.request('reconnect-call', { callId })).toMatchObject({ ok: true });
      const poor = { callId, rttMs: 450, jitterMs: 45, packetLossPct: 7, bitrateKbps: 300 };
      for (let sample = 0; sample < 3; sample++) {
        expect(await patientSocket.request('connection-quality', poor)).toMatchObject({ ok: true });
      }
      await patient.getByText(/Your connection is poor/).waitFor();
      await clinician.getByText(/Pat Patient’s connection is poor/).waitFor();
      await clinician.getByRole('button', { name: 'Switch to audio only' }).click();
      await clinician.getByRole('button', { name: 'Camera on' }).waitFor();
      expect(await patientSocket.next('participant-media-updated')).toMatchObject({
        callId,
        video: false,
      });
    } finally {
      patientSocket.close();
    }
    await endCall(clinician);
  }, 90_000);

  it('works at phone width with the keyboard alone', async () => {
    const [clinician, patient] = await twoParties({ viewport: { width: 390, height: 844 } });
    await placeCall(clinician, PATIENT);
    const answer = patient.getByRole('button', { name: 'Answer' });
    await answer.waitFor();
    // The ringing banner puts the focus on "Answer": Enter answers.
    await patient.waitForFunction(
      () =>
        (globalThis as unknown as { document: { activeElement: { textContent: string } | null } })
          .document.activeElement?.textContent === 'Answer',
    );
    await patient.keyboard.press('Enter');
    await connectedBoth(clinician, patient);
    // Tab reaches the call controls; Space on "Mute" mutes.
    const mute = patient.getByRole('button', { name: 'Mute' });
    await mute.focus();
    await patient.keyboard.press('Space');
    await patient.getByRole('button', { name: 'Unmute' }).waitFor();
    const overflow = await patient.evaluate(() => {
      const root = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await patient.screenshot({
      path: path.join(BROWSER_ARTIFACTS, 'phone-width-patient-in-call.png'),
      fullPage: true,
    });
    await endCall(clinician);
  }, 90_000);
});
