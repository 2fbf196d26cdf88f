import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { CommandEnvelope } from '../../../handle-command.js';
import type { Page, RecordingView } from '../../../ports/call-read-model.port.js';

export class ListRecordingsQuery extends Query<Page<RecordingView>> {
  constructor(
    readonly actor: Actor,
    readonly callId: string,
    readonly envelope: CommandEnvelope,
    readonly page: { readonly limit: number; readonly cursor: string | null },
  ) {
    super();
  }
}
