/** Why the browser gave us no camera or microphone, in words a clinician or patient can act on. */
export function describeMediaError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera or microphone access was denied. Allow it in your browser’s site settings, then rejoin the call. The other side can still see and hear you once you do.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found. Connect one and rejoin the call.';
    case 'NotReadableError':
    case 'AbortError':
      return 'Your camera or microphone is in use by another application. Close it and rejoin the call.';
    default:
      return 'Your camera and microphone could not be started.';
  }
}

export interface LocalMedia {
  readonly stream: MediaStream | null;
  /** Set when some or all devices were refused: the call goes on with what there is. */
  readonly problem: string | null;
}

/**
 * Camera and microphone for the call. A refused camera falls back to the microphone alone, and a
 * refused microphone to receiving only, so the call still connects and the user is told why.
 */
export async function openLocalMedia(video: boolean): Promise<LocalMedia> {
  try {
    return {
      stream: await navigator.mediaDevices.getUserMedia({ audio: true, video }),
      problem: null,
    };
  } catch (error) {
    const problem = describeMediaError(error);
    if (!video) return { stream: null, problem };
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio: true }), problem };
    } catch {
      return { stream: null, problem };
    }
  }
}

export function stopTracks(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
