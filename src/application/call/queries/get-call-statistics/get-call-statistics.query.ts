import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../../../domain/shared/actor.js';
import type { CallStatistics } from '../../../ports/call-read-model.port.js';

export class GetCallStatisticsQuery extends Query<CallStatistics> {
  constructor(
    readonly actor: Actor,
    readonly from: Date,
    readonly to: Date,
  ) {
    super();
  }
}
