import { useEffect, useRef } from 'react';
import { Ringtone } from '../call/ringtone';

export interface IncomingCall {
  readonly callId: string;
  readonly callerName: string;
  readonly type: string;
}

/** The ringing call: who is calling, answer or decline, and a ringtone while it rings. */
export function IncomingCallBanner({
  call,
  busy,
  onAnswer,
  onDecline,
}: {
  call: IncomingCall;
  busy: boolean;
  onAnswer: () => void;
  onDecline: () => void;
}) {
  const answerButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const ringtone = new Ringtone();
    ringtone.start();
    // Keyboard users land on "Answer" at once.
    answerButton.current?.focus();
    return () => ringtone.stop();
  }, [call.callId]);

  return (
    <section
      className="incoming-call"
      role="alertdialog"
      aria-labelledby="incoming-title"
      aria-describedby="incoming-text"
    >
      <h2 id="incoming-title">Incoming {call.type === 'AUDIO' ? 'audio' : 'video'} call</h2>
      <p id="incoming-text">{call.callerName} is calling you.</p>
      <div className="actions">
        <button
          ref={answerButton}
          type="button"
          className="button-primary button-answer"
          disabled={busy}
          onClick={onAnswer}
        >
          Answer
        </button>
        <button type="button" className="button-danger" disabled={busy} onClick={onDecline}>
          Decline
        </button>
      </div>
    </section>
  );
}
