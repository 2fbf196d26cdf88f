import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { RecordingContentType } from '../../../domain/call/call.values.js';
import type { Actor } from '../../../domain/shared/actor.js';
import { CallCommands } from '../../call/call-commands.js';
import type { CallCommandResult } from '../../call/call-command.result.js';
import { CLOCK, type Clock } from '../../ports/clock.port.js';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port.js';
import { RECORDING_CRYPTO, type RecordingCrypto } from '../../ports/recording-crypto.port.js';
import { RECORDING_STORAGE, type RecordingStorage } from '../../ports/recording-storage.port.js';
import {
  RECORDING_UPLOAD_STORE,
  type RecordingUpload,
  type RecordingUploadStore,
} from '../../ports/recording-upload-store.port.js';
import type { RequestContext } from '../../request-context.js';
import {
  PartTooLargeError,
  RecordingTooLargeError,
  contentRangeMismatch,
  partOutOfRange,
  uploadInProgress,
  uploadIncomplete,
  uploadNotFound,
} from '../recording.errors.js';
import { RECORDING_SETTINGS, type RecordingSettings } from '../recording-settings.js';
import {
  assertMayUpload,
  keepUploadAlive,
  leaseStaleBefore,
  recordingObjectKey,
} from '../recording-upload-rules.js';
import { appendRecordingUploaded } from '../append-recording-uploaded.js';
import { sealIntoStorage } from '../seal-into-storage.js';

/** Where a resumable upload's parts live until it completes: each part sealed on its own. */
export const UPLOAD_PARTS_PREFIX = 'uploads/';

export function partKey(upload: RecordingUpload, part: number): string {
  return `${UPLOAD_PARTS_PREFIX}${upload.callId}/${upload.recordingId}/${upload.uploadId}/${part}.vwrc`;
}

/** The upload id of a part's key, or null for any other key. */
export function uploadIdOfPartKey(key: string): string | null {
  const match = /^uploads\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/([0-9a-f-]{36})\/\d+\.vwrc$/.exec(key);
  return match?.[1] ?? null;
}

export interface UploadProgress {
  readonly uploadId: string;
  readonly sizeBytes: number;
  readonly partBytes: number;
  readonly partCount: number;
  /** Part numbers stored so far, ascending. */
  readonly receivedParts: readonly number[];
  /** Plaintext bytes stored contiguously from the start: where a sequential client resumes. */
  readonly offset: number;
}

export interface UploadTarget {
  readonly callId: string;
  readonly recordingId: string;
  readonly actor: Actor;
}

/** A part as received: its number as sent, the `Content-Range` header and the body. */
export interface ReceivedPart {
  readonly part: string;
  readonly contentRange: string | undefined;
  readonly contentLength: string | undefined;
  readonly body: Readable;
}

/**
 * Resumable uploads (docs/architecture.md, "Recording uploads"): begin declares the size and
 * type and takes the recording's one upload slot; each part is a fixed plaintext range, sealed
 * as its own object (a repeated part replaces the earlier copy); complete streams the parts in
 * order through one SHA-256 and one encryptor into the recording's object and appends
 * RecordingUploaded. Nothing but the completion is appended to the ledger.
 */
@Injectable()
export class ResumableRecordingUploads {
  constructor(
    private readonly calls: CallCommands,
    @Inject(RECORDING_STORAGE) private readonly storage: RecordingStorage,
    @Inject(RECORDING_CRYPTO) private readonly crypto: RecordingCrypto,
    @Inject(RECORDING_UPLOAD_STORE) private readonly uploads: RecordingUploadStore,
    @Inject(RECORDING_SETTINGS) private readonly settings: RecordingSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async begin(
    target: UploadTarget,
    contentType: RecordingContentType,
    sizeBytes: number,
  ): Promise<UploadProgress> {
    const { callId, recordingId, actor } = target;
    if (sizeBytes > this.settings.maxBytes) {
      throw new RecordingTooLargeError(this.settings.maxBytes);
    }
    await assertMayUpload(
      this.calls,
      callId,
      recordingId,
      contentType,
      actor,
      this.clock,
      this.settings,
    );
    const now = this.clock.now();
    const upload: RecordingUpload = {
      uploadId: this.ids.newId(),
      callId,
      recordingId,
      ownerId: actor.userId,
      kind: 'parts',
      contentType,
      sizeBytes,
      partBytes: this.settings.partBytes,
      startedAt: now,
      renewedAt: now,
    };
    const claim = await this.uploads.claim(upload, leaseStaleBefore(this.clock, this.settings));
    if (!claim.claimed) throw uploadInProgress(recordingId);
    if (claim.replaced?.kind === 'parts') await this.deleteParts(claim.replaced);
    return this.progress(upload, new Map());
  }

  async status(target: UploadTarget, uploadId: string): Promise<UploadProgress> {
    const { upload } = await this.ownUpload(target, uploadId);
    await this.uploads.renew(uploadId, this.clock.now());
    return this.progress(upload, await this.uploads.parts(uploadId));
  }

  async putPart(
    target: UploadTarget,
    uploadId: string,
    received: ReceivedPart,
  ): Promise<UploadProgress> {
    const { upload, partBytes, sizeBytes, partCount } = await this.ownUpload(target, uploadId);
    const part = /^\d{1,9}$/.test(received.part) ? Number(received.part) : -1;
    if (part < 0 || part >= partCount) throw partOutOfRange(received.part, partCount);
    const start = part * partBytes;
    const length = Math.min(partBytes, sizeBytes - start);
    const expected = `bytes ${start}-${start + length - 1}/${sizeBytes}`;
    if (received.contentRange?.trim() !== expected) throw contentRangeMismatch(expected);
    if (received.contentLength !== undefined) {
      const declared = Number(received.contentLength);
      if (declared > length) throw new PartTooLargeError(length);
      if (declared !== length) throw contentRangeMismatch(expected);
    }
    if (!(await this.uploads.renew(uploadId, this.clock.now()))) throw uploadNotFound(uploadId);
    const key = partKey(upload, part);
    const sealed = await sealIntoStorage(
      this.storage,
      this.crypto,
      key,
      received.body,
      length,
      () => new PartTooLargeError(length),
    );
    if (sealed.sizeBytes !== length) {
      await this.storage.delete(key).catch(() => undefined);
      throw contentRangeMismatch(expected);
    }
    if (!(await this.uploads.recordPart(uploadId, part, length))) {
      await this.storage.delete(key).catch(() => undefined);
      throw uploadNotFound(uploadId);
    }
    return this.progress(upload, await this.uploads.parts(uploadId));
  }

  async complete(
    target: UploadTarget,
    uploadId: string,
    context: RequestContext,
  ): Promise<CallCommandResult> {
    const { upload, partCount, partBytes, sizeBytes } = await this.ownUpload(target, uploadId);
    const contentType = upload.contentType ?? 'video/webm';
    const parts = await this.uploads.parts(uploadId);
    const missing = range(partCount).filter((part) => !parts.has(part));
    if (missing.length > 0) throw uploadIncomplete(missing);
    await assertMayUpload(
      this.calls,
      upload.callId,
      upload.recordingId,
      contentType,
      target.actor,
      this.clock,
      this.settings,
    );
    const stopRenewing = keepUploadAlive(this.uploads, uploadId, this.clock, this.settings);
    // A key of its own per completion: a repeated completion racing this one never overwrites
    // (nor, when refused, deletes) the object the ledger records.
    const storageKey = recordingObjectKey(upload.callId, upload.recordingId, this.ids.newId());
    try {
      const sealed = await sealIntoStorage(
        this.storage,
        this.crypto,
        storageKey,
        Readable.from(this.plaintextOfParts(upload, partCount)),
        sizeBytes,
        () => new RecordingTooLargeError(this.settings.maxBytes),
      );
      if (sealed.sizeBytes !== sizeBytes) {
        await this.storage.delete(storageKey).catch(() => undefined);
        throw contentRangeMismatch(
          `bytes 0-${sizeBytes - 1}/${sizeBytes} in parts of ${partBytes}`,
        );
      }
      const { callId, recordingId } = upload;
      const result = await appendRecordingUploaded(
        { calls: this.calls, storage: this.storage, clock: this.clock, settings: this.settings },
        { callId, recordingId, contentType, sealed, storageKey },
        target.actor,
        context,
      );
      await this.uploads.release(uploadId);
      // Left behind if this fails: the sweeper removes parts of uploads that no longer exist.
      await this.deleteParts(upload).catch(() => undefined);
      return result;
    } finally {
      stopRenewing();
    }
  }

  async abort(target: UploadTarget, uploadId: string): Promise<void> {
    const { upload } = await this.ownUpload(target, uploadId);
    await this.uploads.release(uploadId);
    await this.deleteParts(upload);
  }

  /**
   * The upload with the layout of its parts, if it is this user's upload of this recording; else
   * UPLOAD_NOT_FOUND.
   */
  private async ownUpload(
    target: UploadTarget,
    uploadId: string,
  ): Promise<PartLayout & { readonly upload: RecordingUpload }> {
    const upload = /^[0-9a-f-]{36}$/.test(uploadId) ? await this.uploads.find(uploadId) : null;
    if (
      upload === null ||
      upload.kind !== 'parts' ||
      upload.callId !== target.callId ||
      upload.recordingId !== target.recordingId ||
      upload.ownerId !== target.actor.userId
    ) {
      throw uploadNotFound(uploadId);
    }
    return { upload, ...shape(upload) };
  }

  /** Each part decrypted (and so authenticated) in turn: the recording's plaintext in order. */
  private async *plaintextOfParts(upload: RecordingUpload, partCount: number) {
    for (const part of range(partCount)) {
      const sealed = await this.storage.get(partKey(upload, part));
      const decryptor = this.crypto.decryptor();
      sealed.on('error', (error) => decryptor.destroy(error));
      for await (const chunk of sealed.pipe(decryptor)) yield chunk as Buffer;
    }
  }

  private async deleteParts(upload: RecordingUpload): Promise<void> {
    for await (const object of this.storage.list(
      `${UPLOAD_PARTS_PREFIX}${upload.callId}/${upload.recordingId}/${upload.uploadId}/`,
    )) {
      await this.storage.delete(object.key);
    }
  }

  private progress(upload: RecordingUpload, parts: ReadonlyMap<number, number>): UploadProgress {
    const { partBytes, sizeBytes, partCount } = shape(upload);
    const receivedParts = [...parts.keys()].sort((a, b) => a - b);
    let contiguous = 0;
    while (parts.has(contiguous)) contiguous++;
    return {
      uploadId: upload.uploadId,
      sizeBytes,
      partBytes,
      partCount,
      receivedParts,
      offset: Math.min(contiguous * partBytes, sizeBytes),
    };
  }
}

/** How an upload's bytes are cut into parts. */
interface PartLayout {
  readonly partBytes: number;
  readonly sizeBytes: number;
  readonly partCount: number;
}

function shape(upload: RecordingUpload): PartLayout {
  const partBytes = upload.partBytes ?? 1;
  const sizeBytes = upload.sizeBytes ?? 0;
  return { partBytes, sizeBytes, partCount: Math.max(1, Math.ceil(sizeBytes / partBytes)) };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
