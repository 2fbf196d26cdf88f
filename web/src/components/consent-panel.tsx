import type { CallDetails } from '../api/contract';

/**
 * Recording consent: the user's own answer (which they may change at any time) and who else has
 * agreed. Asking to record is not consent; each participant answers here for themselves.
 */
export function ConsentPanel({
  call,
  userId,
  consents,
  onAnswer,
}: {
  call: CallDetails;
  userId: string;
  consents: Readonly<Record<string, boolean>>;
  onAnswer: (consented: boolean) => void;
}) {
  const mine = consents[userId] === true;
  const others = call.participants.filter((participant) => participant.userId !== userId);
  return (
    <section className="consent panel" aria-labelledby="consent-heading">
      <h2 id="consent-heading">Recording consent</h2>
      {mine ? (
        <p>
          You agreed to this call being recorded.{' '}
          <button type="button" className="button-quiet" onClick={() => onAnswer(false)}>
            Withdraw consent
          </button>
        </p>
      ) : (
        <>
          <p>
            May this call be recorded for your medical record? Recording starts only when everyone
            agrees.
          </p>
          <div className="actions">
            <button type="button" className="button-primary" onClick={() => onAnswer(true)}>
              I agree to recording
            </button>
            <button type="button" className="button-secondary" onClick={() => onAnswer(false)}>
              I do not agree
            </button>
          </div>
        </>
      )}
      <ul className="consent-list">
        {others.map((participant) => (
          <li key={participant.userId} data-consented={consents[participant.userId] === true}>
            {participant.displayName ?? participant.role}:{' '}
            {consents[participant.userId] === true ? 'agreed' : 'has not agreed'}
          </li>
        ))}
      </ul>
    </section>
  );
}
