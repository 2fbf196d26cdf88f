import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { RecordingNotFoundError } from '../../../../domain/call/call.errors.js';
import { CALL_READ_MODEL, type CallReadModel } from '../../../ports/call-read-model.port.js';
import { CallVisibility } from '../call-visibility.js';
import { GetRecordingQuery } from './get-recording.query.js';

@QueryHandler(GetRecordingQuery)
export class GetRecordingHandler implements IQueryHandler<GetRecordingQuery> {
  constructor(
    private readonly visibility: CallVisibility,
    @Inject(CALL_READ_MODEL) private readonly calls: CallReadModel,
  ) {}

  async execute(query: GetRecordingQuery) {
    await this.visibility.readableCall(query, 'recording');
    const recording = await this.calls.findRecording(query.callId, query.recordingId);
    if (!recording) throw new RecordingNotFoundError(query.recordingId);
    return recording;
  }
}
