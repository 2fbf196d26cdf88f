import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CallVisibility } from '../call-visibility.js';
import { GetCallDetailsQuery } from './get-call-details.query.js';

@QueryHandler(GetCallDetailsQuery)
export class GetCallDetailsHandler implements IQueryHandler<GetCallDetailsQuery> {
  constructor(private readonly visibility: CallVisibility) {}

  execute(query: GetCallDetailsQuery) {
    return this.visibility.readableCall(query, 'details');
  }
}
