import type { TimelineIntegrity } from '../../../web/src/api/contract.js';
import { integrityVerdict } from '../../../web/src/screens/integrity-verdict.js';

const intact: TimelineIntegrity = {
  verified: true,
  status: 'verified',
  checkedEvents: 5,
  brokenAt: null,
  problem: null,
  checkpoint: {
    treeSize: 1200,
    signedAt: '2026-12-03T08:00:00.000Z',
    checkpointedEvents: 5,
    notYetCheckpointed: 0,
  },
};

describe("the auditor's integrity verdict", () => {
  it('says verified only when every event is in a signed checkpoint', () => {
    expect(integrityVerdict(intact)).toEqual({
      tone: 'info',
      text: 'Integrity verified: 5 events, hash chain intact, every event in the signed checkpoint of 1200 ledger events.',
    });
  });

  it('warns that events after the newest checkpoint are vouched for by the chain alone', () => {
    const verdict = integrityVerdict({
      ...intact,
      verified: false,
      status: 'not_yet_checkpointed',
      checkpoint: { ...intact.checkpoint!, checkpointedEvents: 3, notYetCheckpointed: 2 },
    });
    expect(verdict.tone).toBe('warning');
    expect(verdict.text).toMatch(
      /^Hash chain intact \(5 events\); 2 not yet in a signed checkpoint\./,
    );
  });

  it('names what does not hold when the check failed', () => {
    const verdict = integrityVerdict({
      ...intact,
      verified: false,
      status: 'failed',
      brokenAt: 4,
      problem: 'the checkpoint commits revision 4 as the head, the stream ends at revision 3',
    });
    expect(verdict).toEqual({
      tone: 'error',
      text: 'Integrity check FAILED: the checkpoint commits revision 4 as the head, the stream ends at revision 3.',
    });
  });
});
