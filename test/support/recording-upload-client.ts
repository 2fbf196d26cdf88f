import { request as httpRequest } from 'node:http';
import { DEMO, type DemoUser, type TestServer } from './test-server.js';

export interface Progress {
  uploadId: string;
  sizeBytes: number;
  partBytes: number;
  partCount: number;
  receivedParts: number[];
  offset: number;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A call with a STOPPED recording of `provider`, both parties having consented. */
export async function stoppedRecording(
  api: TestServer,
): Promise<{ callId: string; recordingId: string }> {
  const call = await api.as<{ id: string }>('provider', 'POST', '/webrtc/calls', {
    body: { patientId: DEMO.patient.id, type: 'VIDEO' },
  });
  const callId = call.body.id;
  await api.as('patient', 'POST', `/webrtc/calls/${callId}/answer`);
  for (const user of ['provider', 'patient'] as const) {
    await api.as(user, 'POST', `/webrtc/calls/${callId}/consent`, { body: { consented: true } });
  }
  const started = await api.as<{ id: string }>(
    'provider',
    'POST',
    `/webrtc/calls/${callId}/record`,
  );
  const recordingId = started.body.id;
  await api.as('provider', 'POST', `/webrtc/calls/${callId}/recordings/${recordingId}/stop`);
  return { callId, recordingId };
}

/** The resumable upload protocol, spoken over real HTTP to a test server. */
export class RecordingUploadClient {
  constructor(
    private readonly api: TestServer,
    private readonly callId: string,
    private readonly recordingId: string,
    private readonly user: DemoUser = 'provider',
  ) {}

  get uploadsPath(): string {
    return `/webrtc/calls/${this.callId}/recordings/${this.recordingId}/media/uploads`;
  }

  begin(sizeBytes: number, contentType = 'video/webm'): Promise<Answer<Progress>> {
    return this.api.as<Progress>(this.user, 'POST', this.uploadsPath, {
      body: { sizeBytes, contentType },
    });
  }

  status(uploadId: string): Promise<Answer<Progress>> {
    return this.api.as<Progress>(this.user, 'GET', `${this.uploadsPath}/${uploadId}`);
  }

  complete(uploadId: string): Promise<Answer> {
    return this.api.as(this.user, 'POST', `${this.uploadsPath}/${uploadId}/complete`);
  }

  /** Part `part` of `media`, with the Content-Range the protocol asks for unless given. */
  async putPart(
    uploadId: string,
    part: number | string,
    body: Buffer,
    contentRange?: string,
  ): Promise<Answer<Progress>> {
    const response = await fetch(
      `${this.api.server.url}${this.uploadsPath}/${uploadId}/parts/${part}`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await this.api.tokenFor(this.user)}`,
          'content-type': 'application/octet-stream',
          ...(contentRange === undefined ? {} : { 'content-range': contentRange }),
        },
        body,
      },
    );
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Progress };
  }

  /**
   * Sends the part's headers and its first `cutAt` bytes, then drops the connection, as a
   * network that fails mid-request does. Resolves once the socket is gone.
   */
  async cutPart(
    uploadId: string,
    part: number,
    body: Buffer,
    contentRange: string,
    cutAt: number,
  ): Promise<void> {
    const url = new URL(`${this.api.server.url}${this.uploadsPath}/${uploadId}/parts/${part}`);
    const token = await this.api.tokenFor(this.user);
    await new Promise<void>((resolve) => {
      const request = httpRequest(url, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'content-range': contentRange,
          'content-length': String(body.length),
        },
      });
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve());
      });
      request.write(body.subarray(0, cutAt), () => {
        // Give the server a moment to take in what was sent, then cut.
        setTimeout(() => request.destroy(), 20);
      });
    });
  }
}

export function partRange(part: number, partBytes: number, size: number): string {
  const start = part * partBytes;
  const end = Math.min(start + partBytes, size) - 1;
  return `bytes ${start}-${end}/${size}`;
}

export function partOf(media: Buffer, part: number, partBytes: number): Buffer {
  return media.subarray(part * partBytes, Math.min((part + 1) * partBytes, media.length));
}
