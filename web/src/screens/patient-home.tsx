import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { CallHistory as History, CallSummary } from '../api/contract';
import { CallHistory } from '../components/call-history';
import { IncomingCallBanner, type IncomingCall } from '../components/incoming-call-banner';
import { Notice } from '../components/notice';
import { navigate, routes } from '../routing/hash-route';
import { useSession, useUser } from '../session/session';
import { useCallListRefresh } from './use-call-list-refresh';

/** A call just created elsewhere may take a moment to reach the read models: ask a few times. */
async function fetchProjectedCall(api: ApiClient, callId: string): Promise<CallSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.get<CallSummary>(`/webrtc/calls/${callId}`);
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.status === 404) || attempt === 10) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

function ringingFor(calls: readonly CallSummary[], userId: string): IncomingCall | null {
  const ringing = calls.find((call) => call.status === 'RINGING' && call.patientId === userId);
  return ringing
    ? {
        callId: ringing.id,
        callerName: ringing.providerName ?? 'Your clinician',
        type: ringing.type,
      }
    : null;
}

/** The incoming-call banner, a way back into a running call, and past calls. */
export function PatientHome() {
  const { api, signaling } = useSession();
  const user = useUser();
  const [history, setHistory] = useState<History | null>(null);
  const [incoming, setIncoming] = useState<IncomingCall | null>(null);
  // Calls that stopped ringing (answered, declined, cancelled, missed): a call list read a moment
  // before (the read models lag a little) must not bring their banner back.
  const settled = useRef(new Set<string>());
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const calls = await api.getFresh<History>('/webrtc/calls?limit=50');
      setHistory(calls);
      setIncoming(
        (current) =>
          current ??
          ringingFor(
            calls.calls.filter((call) => !settled.current.has(call.id)),
            user.id,
          ),
      );
    } catch (failure) {
      setMessage(failure instanceof Error ? failure.message : 'Loading failed.');
    }
  }, [api, user.id]);

  useEffect(() => {
    void load();
  }, [load]);
  useCallListRefresh(load);

  useEffect(() => {
    if (!signaling) return undefined;
    /** The call stopped ringing: its banner, if shown, gives way to `message`. */
    const settle = (callId: string, message: string) => {
      settled.current.add(callId);
      setIncoming((current) => {
        if (current?.callId !== callId) return current;
        setMessage(message);
        return null;
      });
    };
    const stops = [
      signaling.on('incoming-call', (payload) => {
        const { callId } = payload;
        setMessage(null);
        setIncoming({ callId, callerName: 'Your clinician', type: payload.type });
        // The notification carries ids only; the name comes from the call, once it is projected.
        fetchProjectedCall(api, callId)
          .then((call) =>
            setIncoming((current) =>
              current?.callId === callId
                ? { ...current, callerName: call.providerName ?? current.callerName }
                : current,
            ),
          )
          .catch(() => undefined);
      }),
      signaling.on('call-cancelled', (payload) =>
        settle(payload.callId, 'The caller hung up before you answered.'),
      ),
      signaling.on('call-ended', (payload) =>
        settle(
          payload.callId,
          payload.status === 'MISSED'
            ? 'You missed a call. Your clinician will try again.'
            : 'The call is no longer ringing.',
        ),
      ),
    ];
    return () => stops.forEach((stop) => stop());
  }, [signaling, api]);

  const respond = async (action: 'answer' | 'decline') => {
    if (!incoming) return;
    settled.current.add(incoming.callId);
    setBusy(true);
    try {
      await api.post(`/webrtc/calls/${incoming.callId}/${action}`, {});
      if (action === 'answer') navigate(routes.call(incoming.callId));
      setIncoming(null);
    } catch (failure) {
      setIncoming(null);
      setMessage(
        failure instanceof ApiError && failure.status === 409
          ? 'This call is no longer ringing.'
          : failure instanceof Error
            ? failure.message
            : 'That did not work.',
      );
    } finally {
      setBusy(false);
    }
  };

  const live = (history?.calls ?? []).filter((call) => call.status === 'IN_PROGRESS');
  return (
    <main className="home">
      {incoming && (
        <IncomingCallBanner
          call={incoming}
          busy={busy}
          onAnswer={() => void respond('answer')}
          onDecline={() => void respond('decline')}
        />
      )}
      {message && (
        <Notice tone="warning" onDismiss={() => setMessage(null)}>
          {message}
        </Notice>
      )}
      {live.map((call) => (
        <a key={call.id} className="button-primary" href={routes.call(call.id)}>
          Return to your call with {call.providerName ?? 'your clinician'}
        </a>
      ))}
      {!incoming && live.length === 0 && (
        <p className="panel muted">
          When your clinician calls, the call appears here with a ringtone.
        </p>
      )}
      <CallHistory
        title="Your calls"
        viewer="patient"
        calls={history?.calls ?? []}
        emptyText="No calls yet."
      />
    </main>
  );
}
