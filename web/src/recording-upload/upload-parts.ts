/** What the server answers about a resumable upload (POST, GET and PUT of its parts). */
export interface UploadProgress {
  readonly uploadId: string;
  readonly sizeBytes: number;
  readonly partBytes: number;
  readonly partCount: number;
  readonly receivedParts: readonly number[];
  readonly offset: number;
}

export interface PartSlice {
  readonly part: number;
  /** Inclusive first and last byte of the recording. */
  readonly start: number;
  readonly end: number;
  /** The header the server checks the part against. */
  readonly contentRange: string;
}

/** Part `part` of a recording of `size` bytes cut into parts of `partBytes`. */
export function partSlice(part: number, partBytes: number, size: number): PartSlice {
  const start = part * partBytes;
  const end = Math.min(start + partBytes, size) - 1;
  return { part, start, end, contentRange: `bytes ${start}-${end}/${size}` };
}

/** The parts the server does not have yet, in order. */
export function partsToSend(progress: UploadProgress): PartSlice[] {
  const received = new Set(progress.receivedParts);
  const slices: PartSlice[] = [];
  for (let part = 0; part < progress.partCount; part++) {
    if (!received.has(part)) slices.push(partSlice(part, progress.partBytes, progress.sizeBytes));
  }
  return slices;
}

/** Share of the recording the server holds, 0..1. */
export function uploadedShare(
  progress: Pick<UploadProgress, 'receivedParts' | 'partBytes' | 'sizeBytes'>,
): number {
  if (progress.sizeBytes === 0) return 1;
  const bytes = progress.receivedParts.reduce((sum, part) => {
    const { start, end } = partSlice(part, progress.partBytes, progress.sizeBytes);
    return sum + (end - start + 1);
  }, 0);
  return Math.min(1, bytes / progress.sizeBytes);
}
