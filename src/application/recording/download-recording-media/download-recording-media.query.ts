import { Query } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';
import type { Actor } from '../../../domain/shared/actor.js';
import type { RequestContext } from '../../request-context.js';
import type { ByteRange } from '../byte-streams.js';

export interface RecordingMediaDownload {
  readonly recordingId: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** null: the whole file. */
  readonly range: ByteRange | null;
  /** Decrypted, authenticated chunk by chunk; errors with RecordingIntegrityError. */
  readonly body: Readable;
}

export class DownloadRecordingMediaQuery extends Query<RecordingMediaDownload> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly recordingId: string,
    readonly context: RequestContext,
    /** The raw Range header, if any. */
    readonly rangeHeader: string | null,
  ) {
    super();
  }
}
