import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  LEDGER_PUBLIC_KEY,
  type LedgerPublicKey,
} from '../../../application/ledger/ledger-public-key.js';
import { Roles } from '../auth/auth.decorators.js';

/** The key auditors check the ledger's signed checkpoints with. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('audit/ledger')
export class LedgerKeyController {
  constructor(@Inject(LEDGER_PUBLIC_KEY) private readonly publicKey: LedgerPublicKey) {}

  @Get('public-key')
  @ApiOperation({
    summary: "The checkpoints' verifier key (Go note format); text/plain answers the key alone",
  })
  @ApiProduces('application/json', 'text/plain')
  publicKeyOf(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    if (request.accepts(['application/json', 'text/plain']) === 'text/plain') {
      response.type('text/plain');
      return `${this.publicKey.verifierKey}\n`;
    }
    return this.publicKey;
  }
}
