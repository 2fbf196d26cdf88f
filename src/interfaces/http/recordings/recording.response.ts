import type { Response } from 'express';
import type { CallCommandResult } from '../../../application/call/call-command.result.js';
import { presentRecordingResult } from '../calls/call.presenter.js';

/** A recording after a command: the call's presenter plus the media facts; `ETag` is the revision. */
export function recordingResponse(
  response: Response,
  result: CallCommandResult,
  recordingId: string,
) {
  const { recording, body } = presentRecordingResult(result, recordingId);
  response.setHeader('ETag', `"${result.revision}"`);
  return {
    ...body,
    media: recording.media,
    legalHold: recording.legalHold,
    failureReason: recording.failureReason,
    purgedAt: recording.purgedAt,
  };
}
