import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import ts from 'typescript';
import { findChromium, launchChromium } from '../support/browser/chromium.js';

/**
 * The web client's PeerLink in a real browser, two of them in one page wired by a signaling
 * channel with a delay, so that both sides offer at once (glare): perfect negotiation must connect
 * them anyway, and an ICE restart on both sides at once must too.
 */
const chromiumPath = findChromium();

/** peer-link.ts has no imports: compiled to a script, it defines `window.PeerLink`. */
function peerLinkScript(): string {
  const source = readFileSync(path.resolve('web/src/call/peer-link.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return `${outputText.replace(/^export /gm, '')}\nwindow.PeerLink = PeerLink;`;
}

/** Runs in the page: two links, a polite and an impolite one, joined by a 40 ms channel. */
const CONNECT_TWO_LINKS = `(async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const offers = { impolite: 0, polite: 0 };
  const links = {};
  const inboxes = { impolite: Promise.resolve(), polite: Promise.resolve() };
  const deliver = (to, message) => setTimeout(() => {
    inboxes[to] = inboxes[to].then(async () => {
      if (message.description) await links[to].receiveDescription(message.description);
      else await links[to].receiveCandidate(message.candidate);
    }).catch((error) => { window.__negotiationErrors.push(String(error)); });
  }, 40);
  const signals = (self, other) => ({
    description: (description) => {
      if (description.type === 'offer') offers[self] += 1;
      deliver(other, { description });
    },
    candidate: (candidate) => deliver(other, { candidate }),
  });
  const events = { remoteStream: () => undefined, stateChange: () => undefined };
  window.__negotiationErrors = [];
  links.impolite = new PeerLink({ iceServers: [] }, false, stream, signals('impolite', 'polite'), events);
  links.polite = new PeerLink({ iceServers: [] }, true, stream, signals('polite', 'impolite'), events);
  window.__links = links;
  window.__offers = offers;
})()`;

const LINK_STATE = `(() => {
  const ufrag = (link) => /a=ice-ufrag:(\\S+)/.exec(link.connection.localDescription?.sdp ?? '')?.[1] ?? null;
  const describe = (link) => ({
    connectionState: link.connection.connectionState,
    signalingState: link.connection.signalingState,
    remoteTracks: link.remoteStream.getTracks().length,
    ufrag: ufrag(link),
  });
  return {
    links: { impolite: describe(window.__links.impolite), polite: describe(window.__links.polite) },
    offers: { ...window.__offers },
    errors: [...window.__negotiationErrors],
  };
})()`;

interface LinkState {
  connectionState: string;
  signalingState: string;
  remoteTracks: number;
  ufrag: string | null;
}
interface PageState {
  links: { impolite: LinkState; polite: LinkState };
  offers: { impolite: number; polite: number };
  errors: string[];
}

async function settled(page: Page, accept: (state: PageState) => boolean): Promise<PageState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const state = (await page.evaluate(LINK_STATE)) as PageState;
    if (accept(state)) return state;
    if (Date.now() > deadline) throw new Error(`links did not settle: ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const bothConnected = (state: PageState) =>
  Object.values(state.links).every(
    (link) =>
      link.connectionState === 'connected' &&
      link.signalingState === 'stable' &&
      link.remoteTracks === 2,
  );

(chromiumPath ? describe : describe.skip)('perfect negotiation in the browser', () => {
  let browser: Browser;
  let server: http.Server;
  let page: Page;

  beforeAll(async () => {
    // A page on a loopback origin: getUserMedia needs a secure context.
    server = http.createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end('<!doctype html><title>peer link</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.addScriptTag({ content: peerLinkScript() });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('connects when both sides offer at once, and again after both restart ICE at once', async () => {
    await page.evaluate(CONNECT_TWO_LINKS);
    const connected = await settled(page, bothConnected);
    // Both offered: the offers crossed, and the polite side gave way.
    expect(connected.offers.impolite).toBeGreaterThanOrEqual(1);
    expect(connected.offers.polite).toBeGreaterThanOrEqual(1);
    expect(connected.errors).toEqual([]);

    await page.evaluate(
      'window.__links.impolite.restartIce(); window.__links.polite.restartIce();',
    );
    const restarted = await settled(
      page,
      (state) =>
        bothConnected(state) &&
        state.links.impolite.ufrag !== connected.links.impolite.ufrag &&
        state.links.polite.ufrag !== connected.links.polite.ufrag,
    );
    expect(restarted.offers.impolite + restarted.offers.polite).toBeGreaterThan(
      connected.offers.impolite + connected.offers.polite,
    );
    expect(restarted.errors).toEqual([]);
  }, 60_000);
});
