import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { findChromium, launchChromium } from '../support/browser/chromium.js';
import {
  findTurnServer,
  startTurnServer,
  type RunningTurnServer,
} from '../support/browser/coturn.js';
import {
  answerAndTimeVideo,
  endCall,
  liveWebRtc,
  openAs,
  peerStats,
  placeCall,
  remoteVideo,
  type CallParty,
  BROWSER_ARTIFACTS,
  PATIENT,
  PROVIDER,
} from '../support/browser/video-call-driver.js';
import { retryStalledCallsOnce } from '../support/browser/retry-stalled-calls.js';
import { eventually } from '../support/socket-client.js';
import { TestServer } from '../support/test-server.js';

/**
 * The whole product in a real browser: two people (two browser contexts with fake camera and
 * microphone) log in, call, answer, see and hear each other, record with consent, play the
 * recording back and end the call; once peer to peer and once forced through coturn.
 */
retryStalledCallsOnce();

const chromiumPath = findChromium();
const turnBinary = findTurnServer();

type Mode = { name: 'peer-to-peer'; relay: false } | { name: 'relayed'; relay: true };

const modes: Array<[string, Mode, boolean]> = [
  ['peer to peer', { name: 'peer-to-peer', relay: false }, chromiumPath !== null],
  [
    'forced through coturn (iceTransportPolicy relay)',
    { name: 'relayed', relay: true },
    chromiumPath !== null && turnBinary !== null,
  ],
];

for (const [title, mode, available] of modes) {
  (available ? describe : describe.skip)(`web client video call, ${title}`, () => {
    let browser: Browser;
    let api: TestServer;
    let turn: RunningTurnServer | null = null;
    let clinician: CallParty;
    let patient: CallParty;

    beforeAll(async () => {
      mkdirSync(BROWSER_ARTIFACTS, { recursive: true });
      const env: Record<string, string> = {};
      if (mode.relay && turnBinary) {
        turn = await startTurnServer(turnBinary, 'browser-test-turn-secret');
        Object.assign(env, {
          TURN_URLS: turn.urls.join(','),
          TURN_SECRET: turn.secret,
          ICE_TRANSPORT_POLICY: 'relay',
        });
      }
      api = await TestServer.start(env);
      browser = await launchChromium(chromiumPath as string);
      clinician = await openAs(browser, api.server.url, PROVIDER);
      patient = await openAs(browser, api.server.url, PATIENT);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await api?.stop();
      await turn?.stop();
    });

    it('calls, connects, mutes, records with consent, plays the recording back and ends', async () => {
      const { page: doctor } = clinician;
      const { page: person } = patient;

      // Log in -> call -> incoming call -> answer -> both see each other.
      const callId = await placeCall(doctor, PATIENT);
      await person.getByRole('alertdialog', { name: 'Incoming video call' }).waitFor();
      await person.getByText(`${PROVIDER} is calling you.`).waitFor();
      const answerToVideoMs = await answerAndTimeVideo(doctor, person);
      expect(answerToVideoMs).toBeGreaterThan(0);

      for (const page of [doctor, person]) {
        // The remote video's clock advances and inbound RTP bytes keep growing.
        const before = await remoteVideo(page);
        const bytesBefore = (await peerStats(page)).inboundBytes;
        const after = await eventually(
          () => remoteVideo(page),
          (video) => video.currentTime > before.currentTime + 0.5,
          15_000,
        );
        expect(after.currentTime).toBeGreaterThan(before.currentTime + 0.5);
        const stats = await eventually(
          () => peerStats(page),
          (peer) => peer.inboundBytes > bytesBefore + 10_000,
          15_000,
        );
        expect(stats.inboundBytes).toBeGreaterThan(bytesBefore + 10_000);
        expect(stats.connectionState).toBe('connected');
        if (mode.relay) {
          expect(stats.localCandidateType).toBe('relay');
          expect(stats.remoteCandidateType).toBe('relay');
        } else {
          expect(stats.localCandidateType).not.toBe('relay');
          expect(stats.remoteCandidateType).not.toBe('relay');
        }
        await page
          .getByRole('status')
          .filter({ hasText: /connected$/ })
          .waitFor();
      }

      // Mute is seen by the other side.
      await person.getByRole('button', { name: 'Mute' }).click();
      await doctor.getByTestId('remote-muted').waitFor();
      await person.getByRole('button', { name: 'Unmute' }).click();
      await doctor.getByTestId('remote-muted').waitFor({ state: 'detached' });

      // Both consent; only then may the clinician record.
      const record = doctor.getByRole('button', { name: 'Record', exact: true });
      expect(await record.isDisabled()).toBe(true);
      for (const page of [doctor, person]) {
        await page.getByRole('button', { name: 'I agree to recording' }).click();
      }
      expect(
        await eventually(
          () => record.isEnabled(),
          (enabled) => enabled,
          15_000,
        ),
      ).toBe(true);
      await record.click();
      for (const page of [doctor, person]) {
        await page.getByTestId('recording-indicator').waitFor();
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await doctor.screenshot({
        path: path.join(BROWSER_ARTIFACTS, `${mode.name}-clinician-in-call.png`),
        fullPage: true,
      });
      await person.screenshot({
        path: path.join(BROWSER_ARTIFACTS, `${mode.name}-patient-in-call.png`),
        fullPage: true,
      });
      await doctor.getByRole('button', { name: 'Stop recording' }).click();
      await doctor
        .getByText('The recording was saved to the call’s record.')
        .waitFor({ timeout: 20_000 });

      // The uploaded recording plays from the call details page (a second tab, same login),
      // for the clinician and for the patient.
      for (const [party, who] of [
        [clinician, 'clinician'],
        [patient, 'patient'],
      ] as const) {
        const details = await party.context.newPage();
        await details.goto(`/#/calls/${callId}`);
        await details.getByRole('button', { name: 'Play recording' }).click();
        const recording = details.getByTestId('recording-video');
        await recording.waitFor();
        const played = await eventually(
          () =>
            recording.evaluate(
              (element) => (element as unknown as { currentTime: number }).currentTime,
            ),
          (seconds) => seconds > 1,
          15_000,
        );
        expect(played).toBeGreaterThan(1);
        await details.screenshot({
          path: path.join(BROWSER_ARTIFACTS, `${mode.name}-${who}-recording-playback.png`),
          fullPage: true,
        });
        await details.close();
      }

      // End: both see it ended, then find it in their history with its duration.
      await endCall(doctor);
      await person.getByRole('heading', { name: /^Call (completed|ended)/ }).waitFor();
      for (const page of [doctor, person]) {
        await page.getByRole('link', { name: 'Back to calls' }).click();
        const row = page.locator(`[data-call-id="${callId}"]`);
        const status = await eventually(
          () => row.getAttribute('data-status').catch(() => null),
          (value) => value === 'ENDED',
          15_000,
        );
        expect(status).toBe('ENDED');
        await expect(row.getByLabel('Duration').textContent()).resolves.toMatch(/^\d+:\d\d$/);
        await expect(row.textContent()).resolves.toContain('Recorded');
      }

      // Hanging up released every camera and microphone and closed the peer connection.
      for (const page of [doctor, person]) {
        expect(await liveWebRtc(page)).toEqual({ tracks: 0, peers: 0 });
      }
    }, 120_000);
  });
}
