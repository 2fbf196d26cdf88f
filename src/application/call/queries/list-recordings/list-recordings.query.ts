import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { RequestContext } from '../../../request-context.js';
import type { Page, RecordingView } from '../../../ports/call-read-model.port.js';

export class ListRecordingsQuery extends Query<Page<RecordingView>> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly context: RequestContext,
    readonly page: { readonly limit: number; readonly cursor: string | null },
  ) {
    super();
  }
}
