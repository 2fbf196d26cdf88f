import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { RequestContext } from '../../../request-context.js';
import type { RecordingView } from '../../../ports/call-read-model.port.js';

export class GetRecordingQuery extends Query<RecordingView> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly recordingId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
