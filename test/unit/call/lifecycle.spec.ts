import {
  CallNotCancellableError,
  CallNotLiveError,
  CallNotScheduledError,
  NotCalleeError,
} from '../../../src/domain/call/call.errors.js';
import {
  PATIENT_ID,
  PROVIDER_ID,
  answerCall,
  at,
  callAnswered,
  callCancelled,
  callDeclined,
  callEnded,
  callFailed,
  callInitiated,
  callMissed,
  callScheduled,
  cancelCall,
  declineCall,
  endCall,
  inProgress,
  inProgressWithBothConnected,
  markCallFailed,
  markCallMissed,
  participantConnected,
  participantDisconnected,
  participantJoined,
  participantLeft,
  patient,
  provider,
  recordingInProgress,
  recordingStopped,
  ringScheduledCall,
  ringingStarted,
  spec,
  system,
} from './call.fixtures.js';

/** A provider-initiated call where the provider already waits in the room. */
const ringingWithCallerInRoom = () => [
  callInitiated(),
  participantJoined(PROVIDER_ID, at(1)),
  participantConnected(PROVIDER_ID, at(2)),
];

describe('given a SCHEDULED call', () => {
  const given = spec.given([callScheduled()]);

  it('the initiator rings it', () => {
    given.when(ringScheduledCall(provider, at(3500))).then([ringingStarted(at(3500))]);
    given.when(ringScheduledCall()).thenState((state) => expect(state.status).toBe('RINGING'));
  });

  it('the system rings it at its time; a second ring, by anyone, is refused', () => {
    given.when(ringScheduledCall(system)).then([ringingStarted()]);
    spec
      .given([callScheduled(), ringingStarted(at(3500))])
      .when(ringScheduledCall(system))
      .thenThrows(CallNotScheduledError, 'CALL.NOT_SCHEDULED');
  });

  it('a patient who scheduled it rings it', () => {
    const scheduledByPatient = callInitiated({
      status: 'SCHEDULED',
      scheduledAt: at(3600),
      initiatorId: PATIENT_ID,
      calleeId: PROVIDER_ID,
    });
    spec.given([scheduledByPatient]).when(ringScheduledCall(patient)).then([ringingStarted()]);
  });

  it('the initiator cancels it, with or without a reason', () => {
    given
      .when(cancelCall(provider, at(5), 'rescheduled'))
      .then([callCancelled(at(5), PROVIDER_ID, 'rescheduled')]);
    given.when(cancelCall(provider, at(5), null)).thenState((state) => {
      expect(state).toMatchObject({
        status: 'CANCELLED',
        endedAt: at(5),
        endedBy: PROVIDER_ID,
        endReason: null,
        startedAt: null,
        durationSeconds: null,
      });
    });
  });

  it('cannot fail: nothing was connecting yet', () => {
    given.when(markCallFailed()).thenThrows(CallNotLiveError, 'CALL.NOT_LIVE');
  });
});

describe('given a RINGING call', () => {
  const given = spec.given([callInitiated()]);

  it('the callee answers: IN_PROGRESS from now', () => {
    given.when(answerCall(patient, at(10))).then([callAnswered(at(10), PATIENT_ID)]);
    given.when(answerCall(patient, at(10))).thenState((state) => {
      expect(state).toMatchObject({ status: 'IN_PROGRESS', startedAt: at(10) });
    });
  });

  it('a call rung from SCHEDULED is answered the same way', () => {
    spec
      .given([callScheduled(), ringingStarted()])
      .when(answerCall(patient, at(3610)))
      .then([callAnswered(at(3610))]);
  });

  it('when a patient initiated, the provider is the callee', () => {
    const patientInitiated = [callInitiated({ initiatorId: PATIENT_ID, calleeId: PROVIDER_ID })];
    spec
      .given(patientInitiated)
      .when(answerCall(provider))
      .then([callAnswered(at(10), PROVIDER_ID)]);
    spec
      .given(patientInitiated)
      .when(answerCall(patient))
      .thenThrows(NotCalleeError, 'CALL.NOT_CALLEE');
    spec
      .given(patientInitiated)
      .when(cancelCall(patient))
      .then([callCancelled(at(5), PATIENT_ID)]);
  });

  it('the callee declines, with or without a reason', () => {
    given
      .when(declineCall(patient, at(8), 'in a meeting'))
      .then([callDeclined(at(8), PATIENT_ID, 'in a meeting')]);
    given.when(declineCall(patient, at(8), null)).thenState((state) => {
      expect(state).toMatchObject({
        status: 'DECLINED',
        endedAt: at(8),
        endedBy: PATIENT_ID,
        endReason: null,
      });
    });
  });

  it('the initiator cancels it', () => {
    given.when(cancelCall(provider, at(5))).then([callCancelled(at(5))]);
  });

  it('the ring timer marks it missed', () => {
    given.when(markCallMissed(system, at(60), 60)).then([callMissed(at(60), 60)]);
    given.when(markCallMissed(system, at(45), 45)).thenState((state) => {
      expect(state).toMatchObject({ status: 'MISSED', endedAt: at(45), endedBy: 'system' });
    });
  });

  it('fails, reported by the system or by a party, with or without details', () => {
    given.when(markCallFailed(system, at(20))).then([callFailed(at(20))]);
    given
      .when(markCallFailed(patient, at(20), 'no_media_permission', null))
      .then([callFailed(at(20), 'no_media_permission', null)]);
    given.when(markCallFailed(provider, at(20))).thenState((state) => {
      expect(state).toMatchObject({
        status: 'FAILED',
        startedAt: null,
        endedAt: at(20),
        endReason: 'ice_failed',
      });
    });
  });

  describe('with the caller waiting in the room', () => {
    const waiting = spec.given(ringingWithCallerInRoom());

    it('cancelling takes the caller out of the room after the cancellation', () => {
      waiting
        .when(cancelCall(provider, at(5)))
        .then([callCancelled(at(5)), participantLeft(PROVIDER_ID, at(5), 'call_ended')]);
    });

    it('declining, missing and failing do too', () => {
      waiting
        .when(declineCall(patient, at(8)))
        .then([callDeclined(at(8)), participantLeft(PROVIDER_ID, at(8), 'call_ended')]);
      waiting
        .when(markCallMissed(system, at(60)))
        .then([callMissed(at(60)), participantLeft(PROVIDER_ID, at(60), 'call_ended')]);
      waiting
        .when(markCallFailed(system, at(20)))
        .then([callFailed(at(20)), participantLeft(PROVIDER_ID, at(20), 'call_ended')]);
    });

    it('answering leaves the caller in the room', () => {
      waiting.when(answerCall(patient, at(10))).then([callAnswered(at(10))]);
    });
  });
});

describe('given an IN_PROGRESS call', () => {
  it('the provider ends it: duration in whole seconds from the answer', () => {
    spec
      .given(inProgress())
      .when(endCall(provider, at(610), 'done'))
      .then([callEnded(at(610), 600, PROVIDER_ID, 'done')]);
  });

  it('the patient ends it', () => {
    spec
      .given(inProgress())
      .when(endCall(patient, at(70)))
      .then([callEnded(at(70), 60, PATIENT_ID, null)]);
  });

  it.each([
    [0.4, 0],
    [0.5, 1],
    [1.499, 1],
    [1.5, 2],
    [59.6, 60],
  ])('rounds %f s to %i s', (seconds, rounded) => {
    spec
      .given(inProgress())
      .when(endCall(provider, at(10 + seconds)))
      .then([callEnded(at(10 + seconds), rounded)]);
  });

  it('remembers when and why it ended', () => {
    spec
      .given(inProgress())
      .when(endCall(provider, at(610), 'done'))
      .thenState((state) => {
        expect(state).toMatchObject({
          status: 'ENDED',
          startedAt: at(10),
          endedAt: at(610),
          endedBy: PROVIDER_ID,
          durationSeconds: 600,
          endReason: 'done',
        });
      });
  });

  it('ending takes everyone still in the room out, provider first', () => {
    spec
      .given([...inProgressWithBothConnected(), participantDisconnected(PATIENT_ID, at(600))])
      .when(endCall(provider, at(610)))
      .then([
        callEnded(at(610), 600),
        participantLeft(PROVIDER_ID, at(610), 'call_ended'),
        participantLeft(PATIENT_ID, at(610), 'call_ended'),
      ]);
  });

  it('ending a call nobody joined (REST only) is just the end', () => {
    spec
      .given(inProgress())
      .when(endCall(patient, at(610)))
      .then([callEnded(at(610), 600, PATIENT_ID)]);
  });

  it('ending stops a running recording first', () => {
    spec
      .given(recordingInProgress())
      .when(endCall(provider, at(610)))
      .then([
        recordingStopped('call_ended', at(610), 570),
        callEnded(at(610), 600),
        participantLeft(PROVIDER_ID, at(610), 'call_ended'),
        participantLeft(PATIENT_ID, at(610), 'call_ended'),
      ]);
    spec
      .given(recordingInProgress())
      .when(endCall(provider, at(610)))
      .thenState((state) => {
        if (state.status !== 'ENDED') throw new Error('expected ENDED');
        expect(state.activeRecordingId).toBeNull();
        expect(state.recordings['rec-1']).toMatchObject({
          status: 'STOPPED',
          stoppedAt: at(610),
          stoppedBy: 'system',
          stopReason: 'call_ended',
          durationSeconds: 570,
        });
        expect(Object.values(state.participants).map((p) => p.status)).toEqual(['LEFT', 'LEFT']);
      });
  });

  it('failing stops a running recording first, too', () => {
    spec
      .given(recordingInProgress())
      .when(markCallFailed(system, at(100), 'all_peers_lost', null))
      .then([
        recordingStopped('call_ended', at(100), 60),
        callFailed(at(100), 'all_peers_lost', null),
        participantLeft(PROVIDER_ID, at(100), 'call_ended'),
        participantLeft(PATIENT_ID, at(100), 'call_ended'),
      ]);
    spec
      .given(inProgress())
      .when(markCallFailed(system, at(100)))
      .thenState((state) => expect(state).toMatchObject({ status: 'FAILED', startedAt: at(10) }));
  });

  it('can no longer be cancelled: it has to be ended', () => {
    spec
      .given(inProgress())
      .when(cancelCall(provider))
      .thenThrows(CallNotCancellableError, 'CALL.NOT_CANCELLABLE');
  });
});
