import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { callStreamId } from '../../../../domain/call/call.decider.js';
import { CallNotFoundError } from '../../../../domain/call/call.errors.js';
import { AccessAudit } from '../../../audit/access-audit.js';
import { evidenceDocument, type EvidenceDocument } from '../../../ledger/call-evidence.js';
import { LEDGER_PUBLIC_KEY, type LedgerPublicKey } from '../../../ledger/ledger-public-key.js';
import { StreamVerifier } from '../../../ledger/stream-verification.js';
import { CLOCK, type Clock } from '../../../ports/clock.port.js';
import { EVENT_STORE, type EventStore } from '../../../ports/event-store.port.js';
import { GetCallEvidenceQuery } from './get-call-evidence.query.js';

/** The call's evidence bundle, checkable offline; exporting it is an audited read like the timeline. */
@QueryHandler(GetCallEvidenceQuery)
export class GetCallEvidenceHandler implements IQueryHandler<GetCallEvidenceQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_PUBLIC_KEY) private readonly publicKey: LedgerPublicKey,
    private readonly access: AccessAudit,
    private readonly verifier: StreamVerifier,
  ) {}

  async execute(query: GetCallEvidenceQuery): Promise<EvidenceDocument> {
    const streamId = callStreamId(query.callId);
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new CallNotFoundError(query.callId);
    await this.access.record(query, 'CallEvidenceExported', { view: 'evidence' });
    const verification = await this.verifier.verify(streamId, events);
    return evidenceDocument(query.callId, streamId, verification, this.publicKey, this.clock.now());
  }
}
