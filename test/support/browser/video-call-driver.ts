import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** The demo clinician and patient, by the names the login page lists. */
export const PROVIDER = 'Dr. Ada Provider';
export const PATIENT = 'Pat Patient';

/** Where the browser tests keep their screenshots. */
export const BROWSER_ARTIFACTS = path.resolve('test-artifacts', 'browser');

/*
 * What the page.evaluate callbacks below read in the browser. The test program is a Node program
 * without the DOM library (it would change Node's fetch types), so these name just those shapes.
 */
interface VideoElement {
  currentTime: number;
  readyState: number;
  videoWidth: number;
  paused: boolean;
}
interface PeerConnection {
  connectionState: string;
  getStats(): Promise<{ forEach(visit: (entry: Record<string, unknown>) => void): void }>;
}
interface WatchedPage {
  __peers: PeerConnection[];
  __localStreams: Array<{ getTracks(): Array<{ readyState: string }> }>;
  document: { querySelector(selector: string): unknown };
}

/**
 * Keeps every RTCPeerConnection and camera/microphone stream the page makes (`window.__peers`,
 * `window.__localStreams`), so a test can read the call's real getStats() and check that hanging
 * up released every device, without the app exposing anything for tests.
 */
const WATCH_WEBRTC = `
  window.__peers = [];
  window.__localStreams = [];
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
    }
  };
  const nativeGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await nativeGetUserMedia(constraints);
    window.__localStreams.push(stream);
    return stream;
  };
`;

export interface CallParty {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** A fresh browser context (its own storage: a separate person) logged in as a demo user. */
export async function openAs(
  browser: Browser,
  baseUrl: string,
  displayName: string,
  options: { viewport?: { width: number; height: number }; grantMedia?: boolean } = {},
): Promise<CallParty> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    permissions: options.grantMedia === false ? [] : ['camera', 'microphone'],
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  await context.addInitScript(WATCH_WEBRTC);
  if (process.env['BROWSER_DEBUG']) {
    await context.addInitScript("localStorage.setItem('vytalwatch.debug', '1')");
  }
  const page = await context.newPage();
  if (process.env['BROWSER_DEBUG']) {
    page.on('console', (message) => process.stdout.write(`[${displayName}] ${message.text()}\n`));
    page.on('pageerror', (error) => process.stdout.write(`[${displayName}] ${error.message}\n`));
  }
  await page.goto('/');
  await page.getByRole('button', { name: new RegExp(`^Log in as ${displayName}`) }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  return { context, page };
}

/** The clinician calls a patient from the home screen; resolves with the new call's id. */
export async function placeCall(clinician: Page, patientName: string): Promise<string> {
  await clinician.getByRole('button', { name: `Video call ${patientName}` }).click();
  await clinician.waitForURL(/#\/calls\/[0-9a-f-]{36}\/live$/);
  const callId = /#\/calls\/([0-9a-f-]{36})\/live$/.exec(clinician.url())?.[1];
  if (!callId) throw new Error(`no call id in ${clinician.url()}`);
  return callId;
}

export interface RemoteVideoState {
  readonly currentTime: number;
  readonly readyState: number;
  readonly videoWidth: number;
  readonly paused: boolean;
}

export function remoteVideo(page: Page): Promise<RemoteVideoState> {
  return page.locator('[data-testid="remote-video"]').evaluate((element) => {
    const video = element as unknown as VideoElement;
    return {
      currentTime: video.currentTime,
      readyState: video.readyState,
      videoWidth: video.videoWidth,
      paused: video.paused,
    };
  });
}

/** Waits until the remote <video> shows decoded frames and its clock moves. */
export async function waitForRemoteVideoPlaying(page: Page, timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      () => {
        const page = globalThis as unknown as WatchedPage;
        const video = page.document.querySelector(
          '[data-testid="remote-video"]',
        ) as VideoElement | null;
        return (
          !!video &&
          !video.paused &&
          video.readyState >= 2 &&
          video.videoWidth > 0 &&
          video.currentTime > 0
        );
      },
      undefined,
      { timeout: timeoutMs, polling: 20 },
    );
  } catch (error) {
    // Say what the page saw, so a failure can be told apart from slowness.
    const status = await page
      .locator('.call-status')
      .textContent()
      .catch(() => null);
    const stats = await peerStats(page).catch(() => null);
    const video = await remoteVideo(page).catch(() => null);
    throw new Error(
      `remote video not playing: ${(error as Error).message}; status ${JSON.stringify(status)}, ` +
        `peer ${JSON.stringify(stats)}, video ${JSON.stringify(video)}`,
      { cause: error },
    );
  }
}

export interface PeerStats {
  readonly inboundBytes: number;
  readonly localCandidateType: string | null;
  readonly remoteCandidateType: string | null;
  readonly connectionState: string;
}

/** getStats() of the page's live peer connection: bytes received and the selected candidate pair. */
export function peerStats(page: Page): Promise<PeerStats> {
  return page.evaluate(async () => {
    const peers = (globalThis as unknown as WatchedPage).__peers;
    const live = [...peers].reverse().find((peer) => peer.connectionState !== 'closed');
    if (!live)
      return {
        inboundBytes: 0,
        localCandidateType: null,
        remoteCandidateType: null,
        connectionState: 'none',
      };
    const report = await live.getStats();
    const entries = new Map<string, Record<string, unknown>>();
    report.forEach((entry: Record<string, unknown>) => entries.set(String(entry['id']), entry));
    let inboundBytes = 0;
    let pair: Record<string, unknown> | undefined;
    for (const entry of entries.values()) {
      if (entry['type'] === 'inbound-rtp') inboundBytes += Number(entry['bytesReceived'] ?? 0);
      if (entry['type'] === 'transport' && entry['selectedCandidatePairId']) {
        pair = entries.get(String(entry['selectedCandidatePairId']));
      }
    }
    const typeOf = (id: unknown) =>
      (entries.get(String(id))?.['candidateType'] as string | undefined) ?? null;
    return {
      inboundBytes,
      localCandidateType: pair ? typeOf(pair['localCandidateId']) : null,
      remoteCandidateType: pair ? typeOf(pair['remoteCandidateId']) : null,
      connectionState: live.connectionState,
    };
  });
}

/**
 * From the patient's click on "Answer" until the remote video plays on both sides: the time a
 * clinician and a patient wait to see each other. Milliseconds.
 */
export async function answerAndTimeVideo(clinician: Page, patient: Page): Promise<number> {
  const answer = patient.getByRole('button', { name: 'Answer' });
  await answer.waitFor();
  const started = Date.now();
  await answer.click();
  await Promise.all([waitForRemoteVideoPlaying(patient), waitForRemoteVideoPlaying(clinician)]);
  return Date.now() - started;
}

/** Hangs up; when there is no "End call" to press, keeps a screenshot of what was there. */
export async function endCall(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: 'End call' })
    .click({ timeout: 10_000 })
    .catch(async (error: unknown) => {
      await page.screenshot({
        path: path.join(BROWSER_ARTIFACTS, 'hang-up-failed.png'),
        fullPage: true,
      });
      throw error;
    });
  await page.getByRole('heading', { name: /^Call (completed|ended)/ }).waitFor();
}

/** Camera and microphone tracks still live, and peer connections still open, on this page. */
export function liveWebRtc(page: Page): Promise<{ tracks: number; peers: number }> {
  return page.evaluate(() => {
    const watched = globalThis as unknown as WatchedPage;
    return {
      tracks: watched.__localStreams
        .flatMap((stream) => stream.getTracks())
        .filter((track) => track.readyState === 'live').length,
      peers: watched.__peers.filter((peer) => peer.connectionState !== 'closed').length,
    };
  });
}
