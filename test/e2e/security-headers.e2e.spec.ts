import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { securityHeaders } from '../../src/interfaces/http/security-headers.js';
import { TestServer } from '../support/test-server.js';

/** What every response must carry, whatever answered it. */
function expectSecurityHeaders(headers: Headers, what: string): void {
  expect({ what, nosniff: headers.get('x-content-type-options') }).toEqual({
    what,
    nosniff: 'nosniff',
  });
  expect({ what, referrer: headers.get('referrer-policy') }).toEqual({
    what,
    referrer: 'no-referrer',
  });
  expect({ what, frame: headers.get('x-frame-options') }).toEqual({ what, frame: 'DENY' });
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('security headers on every response', () => {
  let api: TestServer;
  let webClientDir: string;

  beforeAll(async () => {
    webClientDir = await mkdtemp(path.join(tmpdir(), 'vw-web-client-'));
    await mkdir(path.join(webClientDir, 'assets'));
    await writeFile(
      path.join(webClientDir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/app-1a2b3c.js"></script>',
    );
    await writeFile(path.join(webClientDir, 'assets', 'app-1a2b3c.js'), 'console.log(1);');
    api = await TestServer.start({ WEB_CLIENT_DIR: webClientDir });
  });
  afterAll(async () => {
    await api.stop();
    await rm(webClientDir, { recursive: true, force: true });
  });

  it('authenticated API responses: the headers and no-store', async () => {
    for (const [user, route] of [
      ['provider', '/webrtc/calls'],
      ['provider', '/directory/patients'],
      ['auditor', '/audit/events'],
    ] as const) {
      const response = await api.as(user, 'GET', route);
      expect({ route, status: response.status }).toEqual({ route, status: 200 });
      expectSecurityHeaders(response.headers, route);
      expect({ route, cache: response.headers.get('cache-control') }).toEqual({
        route,
        cache: 'no-store',
      });
    }
    const created = await api.as<{ id: string; position: string }>(
      'provider',
      'POST',
      '/webrtc/calls',
      {
        body: { patientId: '00000000-0000-4000-8000-000000000003', type: 'VIDEO' },
      },
    );
    expect(created.status).toBe(201);
    expectSecurityHeaders(created.headers, 'POST /webrtc/calls');
    expect(created.headers.get('cache-control')).toBe('no-store');
    const details = await api.as(
      'provider',
      'GET',
      `/webrtc/calls/${created.body.id}?minPosition=${created.body.position}`,
    );
    expect(details.status).toBe(200);
    expect(details.headers.get('cache-control')).toBe('no-store');
  });

  it('errors and 404s carry them too', async () => {
    const unauthenticated = await api.request('GET', '/webrtc/calls');
    const notFound = await api.request('GET', '/no/such/route');
    const malformed = await api.as('provider', 'POST', '/webrtc/calls', {
      rawBody: '{"patientId":',
      headers: { 'content-type': 'application/json' },
    });
    for (const [what, response, status] of [
      ['401', unauthenticated, 401],
      ['404', notFound, 404],
      ['malformed JSON', malformed, 400],
    ] as const) {
      expect({ what, status: response.status }).toEqual({ what, status });
      expectSecurityHeaders(response.headers, what);
      expect({ what, cache: response.headers.get('cache-control') }).toEqual({
        what,
        cache: 'no-store',
      });
    }
  });

  it('socket.io answers its own HTTP requests (handshake, long-polling) with them too', async () => {
    const handshake = await fetch(`${api.server.url}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    expectSecurityHeaders(handshake.headers, 'socket.io handshake');
    expect(handshake.headers.get('cache-control')).toBe('no-store');
    const { sid } = JSON.parse((await handshake.text()).slice(1)) as { sid: string };
    const polling = `${api.server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    // A namespace connect as the client's first packet, so that the poll answers at once.
    const sent = await fetch(polling, { method: 'POST', body: '40' });
    expect(sent.status).toBe(200);
    expectSecurityHeaders(sent.headers, 'socket.io post');
    const poll = await fetch(polling);
    expect(poll.status).toBe(200);
    expectSecurityHeaders(poll.headers, 'socket.io poll');
    expect(poll.headers.get('cache-control')).toBe('no-store');
  });

  it('the web client: the strict policy, its files cacheable', async () => {
    const page = await api.request('GET', '/');
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers, 'index.html');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('permissions-policy')).toContain('camera=(self)');

    const asset = await api.request('GET', '/assets/app-1a2b3c.js');
    expect(asset.status).toBe(200);
    expectSecurityHeaders(asset.headers, 'asset');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('/docs answers under its policy and every script and stylesheet it names loads', async () => {
    const docs = await fetch(`${api.server.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expectSecurityHeaders(docs.headers, '/docs');
    const policy = docs.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    // Swagger UI styles itself inline; scripts still come only from this origin.
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    const html = await docs.text();
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
    const assets = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)=['"]([^'"]+)['"]/g)]
      .map((match) => match[1] as string)
      .filter((url) => !url.startsWith('data:'));
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect({ asset, sameOrigin: !/^[a-z]+:\/\//i.test(asset) }).toEqual({
        asset,
        sameOrigin: true,
      });
      const loaded = await fetch(new URL(asset, docs.url));
      expect({ asset, status: loaded.status }).toEqual({ asset, status: 200 });
      expectSecurityHeaders(loaded.headers, asset);
    }
    const spec = await api.request<{ openapi: string }>('GET', '/docs-json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
  });

  it('no HSTS over plain HTTP, nor from an X-Forwarded-Proto no proxy is trusted for', async () => {
    const plain = await api.request('GET', '/health');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const forgedProto = await api.request('GET', '/health', {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(forgedProto.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('HSTS behind a trusted TLS-terminating proxy', () => {
  // The same middleware on an app that trusts its loopback proxy, as TRUST_PROXY configures it.
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    for (const middleware of securityHeaders()) app.use(middleware);
    app.get('/', (_request, response) => {
      response.json({ ok: true });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('is sent when the proxy says the client used https, and only then', async () => {
    const overTls = await fetch(url, { headers: { 'x-forwarded-proto': 'https' } });
    expect(overTls.headers.get('strict-transport-security')).toBe(
      'max-age=63072000; includeSubDomains',
    );
    expectSecurityHeaders(overTls.headers, 'behind the proxy');
    const overHttp = await fetch(url, { headers: { 'x-forwarded-proto': 'http' } });
    expect(overHttp.headers.get('strict-transport-security')).toBeNull();
  });
});
