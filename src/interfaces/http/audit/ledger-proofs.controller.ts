import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetCallEvidenceQuery } from '../../../application/call/queries/get-call-evidence/get-call-evidence.query.js';
import { LedgerAudit } from '../../../application/ledger/ledger-audit.js';
import type { StoredCheckpoint } from '../../../application/ports/ledger-tree.port.js';
import { Roles } from '../auth/auth.decorators.js';
import { ConsistencyQueryDto } from '../dto/consistency-query.dto.js';
import { CurrentRequester, type Requester } from '../requester.decorator.js';
import { uuidParam } from '../validation.js';

const base64 = (hashes: readonly Buffer[]): string[] =>
  hashes.map((hash) => hash.toString('base64'));

/** A checkpoint as answered: the signed note an auditor verifies, and the values it carries. */
function presentCheckpoint(checkpoint: StoredCheckpoint) {
  return {
    note: checkpoint.note,
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash.toString('base64'),
    headsCount: checkpoint.headsCount,
    headsRoot: checkpoint.headsRoot.toString('base64'),
    signedAt: checkpoint.signedAt.toISOString(),
  };
}

/** For auditors: RFC 9162 proofs against the ledger's signed checkpoints, and evidence bundles. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('audit')
export class LedgerProofsController {
  constructor(
    private readonly ledger: LedgerAudit,
    private readonly queries: QueryBus,
  ) {}

  @Get('events/:position/proof')
  @ApiOperation({ summary: "An event's inclusion proof against the newest signed checkpoint" })
  async eventProof(@Param('position') position: string) {
    const answer = await this.ledger.eventProof(position);
    return {
      event: answer.event,
      leafIndex: answer.leafIndex,
      proof: base64(answer.proof),
      checkpoint: presentCheckpoint(answer.checkpoint),
    };
  }

  @Get('ledger/consistency')
  @ApiOperation({ summary: 'The consistency proof between two signed checkpoints' })
  async consistency(@Query() query: ConsistencyQueryDto) {
    const answer = await this.ledger.consistency(Number(query.from), Number(query.to));
    return {
      from: presentCheckpoint(answer.from),
      to: presentCheckpoint(answer.to),
      proof: base64(answer.proof),
    };
  }

  @Get('calls/:id/evidence')
  @ApiOperation({ summary: "The call's evidence bundle: events, proofs, checkpoint, public key" })
  evidence(@Param('id', uuidParam) id: string, @CurrentRequester() { actor, context }: Requester) {
    return this.queries.execute(new GetCallEvidenceQuery(actor, id, context));
  }
}
