import {
  RecordingAdminOnlyError,
  RecordingAlreadyFailedError,
  RecordingAlreadyUploadedError,
  RecordingKeyMismatchError,
  RecordingNotCompletedError,
  RecordingNotExpiredError,
  RecordingNotStoppedError,
  RecordingProviderOnlyError,
  RecordingPurgedError,
  RecordingUnderLegalHoldError,
  SystemOnlyError,
} from '../../../src/domain/call/call.errors.js';
import type { CallEvent } from '../../../src/domain/call/call.events.js';
import {
  admin,
  at,
  callEnded,
  command,
  patient,
  provider,
  recordingInProgress,
  recordingStopped,
  spec,
  system,
} from './call.fixtures.js';

const EXPIRES = '2033-05-04T09:00:00.000Z';
const media = {
  recordingId: 'rec-1',
  sizeBytes: 1234,
  sha256: 'a'.repeat(64),
  storageKey: 'calls/c/recordings/rec-1/u.vwrc',
  keyId: 'kek-0123456789abcdef',
  contentType: 'video/webm' as const,
  expiresAt: EXPIRES,
};
const upload = (actor = provider, now = at(500)) =>
  command('CompleteRecordingUpload', media, actor, now);
const fail = (now = at(4000)) =>
  command('FailRecording', { recordingId: 'rec-1', reason: 'upload_timeout' }, system, now);
const purge = (now = '2033-05-05T00:00:00.000Z') =>
  command('PurgeRecording', { recordingId: 'rec-1' }, system, now);
const hold = (actor = admin, now = at(600)) =>
  command('SetRecordingLegalHold', { recordingId: 'rec-1' }, actor, now);
const release = (actor = admin, now = at(700)) =>
  command('ReleaseRecordingLegalHold', { recordingId: 'rec-1' }, actor, now);

const stopped = (): CallEvent[] => [
  ...recordingInProgress(),
  recordingStopped('stopped_by_user', at(400), 360, 'provider-1'),
];
const uploaded: CallEvent = { type: 'RecordingUploaded', data: { ...media, at: at(500) } };
const completed = (): CallEvent[] => [...stopped(), uploaded];
const held: CallEvent = {
  type: 'RecordingLegalHoldSet',
  data: { recordingId: 'rec-1', at: at(600) },
};

describe('a RECORDING recording', () => {
  it('takes no upload yet', () => {
    spec.given(recordingInProgress()).when(upload()).thenThrows(RecordingNotStoppedError);
  });
});

describe('a STOPPED recording', () => {
  it('completes with the provider’s upload', () => {
    spec.given(stopped()).when(upload()).then([uploaded]);
  });

  it('completes even after the call ended', () => {
    spec
      .given([...stopped(), callEnded()])
      .when(upload(provider, at(900)))
      .then([{ type: 'RecordingUploaded', data: { ...media, at: at(900) } }]);
  });

  it('takes no upload from the patient', () => {
    spec.given(stopped()).when(upload(patient)).thenThrows(RecordingProviderOnlyError);
  });

  it('fails when the upload timer fires, only by the system', () => {
    spec
      .given(stopped())
      .when(fail())
      .then([
        {
          type: 'RecordingFailed',
          data: { recordingId: 'rec-1', reason: 'upload_timeout', at: at(4000) },
        },
      ]);
    spec
      .given(stopped())
      .when(command('FailRecording', { recordingId: 'rec-1', reason: 'x' }, provider))
      .thenThrows(SystemOnlyError);
  });

  it('has nothing to purge', () => {
    spec.given(stopped()).when(purge()).thenNothing();
  });
});

describe('a COMPLETED recording', () => {
  it('refuses a second upload', () => {
    spec.given(completed()).when(upload()).thenThrows(RecordingAlreadyUploadedError);
  });

  it('ignores a late upload timer', () => {
    spec.given(completed()).when(fail()).thenNothing();
  });

  it('is purged once expired, not before', () => {
    spec
      .given(completed())
      .when(purge())
      .then([
        { type: 'RecordingPurged', data: { recordingId: 'rec-1', at: '2033-05-05T00:00:00.000Z' } },
      ]);
    spec
      .given(completed())
      .when(purge(at(9000)))
      .thenThrows(RecordingNotExpiredError);
  });

  it('is not purged under legal hold, and is after its release', () => {
    spec
      .given([...completed(), held])
      .when(purge())
      .thenThrows(RecordingUnderLegalHoldError);
    spec
      .given([
        ...completed(),
        held,
        { type: 'RecordingLegalHoldReleased', data: { recordingId: 'rec-1', at: at(700) } },
      ])
      .when(purge())
      .thenState((state) => {
        expect(state.status !== 'NONE' && state.recordings['rec-1']?.status).toBe('PURGED');
      });
  });

  it('is held and released by admins only, idempotently', () => {
    spec.given(completed()).when(hold()).then([held]);
    spec
      .given([...completed(), held])
      .when(hold())
      .thenNothing();
    spec.given(completed()).when(release()).thenNothing();
    spec
      .given([...completed(), held])
      .when(release())
      .then([{ type: 'RecordingLegalHoldReleased', data: { recordingId: 'rec-1', at: at(700) } }]);
    spec.given(completed()).when(hold(provider)).thenThrows(RecordingAdminOnlyError);
  });
});

describe('a FAILED or PURGED recording', () => {
  const failed: CallEvent = {
    type: 'RecordingFailed',
    data: { recordingId: 'rec-1', reason: 'upload_timeout', at: at(4000) },
  };
  const purged: CallEvent = {
    type: 'RecordingPurged',
    data: { recordingId: 'rec-1', at: EXPIRES },
  };

  it('takes no upload', () => {
    spec
      .given([...stopped(), failed])
      .when(upload())
      .thenThrows(RecordingAlreadyFailedError);
    spec
      .given([...completed(), purged])
      .when(upload())
      .thenThrows(RecordingAlreadyUploadedError);
  });

  it('is purged only once and cannot be held', () => {
    spec
      .given([...completed(), purged])
      .when(purge())
      .thenNothing();
    spec
      .given([...completed(), purged])
      .when(hold())
      .thenThrows(RecordingPurgedError);
  });

  it('keeps the media facts after the purge, for the record', () => {
    const state = spec.given([...completed(), purged]).state();
    expect(state.status !== 'NONE' && state.recordings['rec-1']).toMatchObject({
      status: 'PURGED',
      purgedAt: EXPIRES,
      media: { sha256: media.sha256, storageKey: media.storageKey },
    });
  });
});

describe('re-sealing a recording under another key', () => {
  const rotate = (actor = system, fromKeyId = media.keyId) =>
    command(
      'RotateRecordingKey',
      { recordingId: 'rec-1', fromKeyId, toKeyId: 'kek-new', storageKey: 'calls/c/r/new.vwrc' },
      actor,
      at(800),
    );
  const rotated: CallEvent = {
    type: 'RecordingKeyRotated',
    data: {
      recordingId: 'rec-1',
      fromKeyId: media.keyId,
      toKeyId: 'kek-new',
      storageKey: 'calls/c/r/new.vwrc',
      previousStorageKey: media.storageKey,
      at: at(800),
    },
  };

  it('moves a COMPLETED recording to the new key and object, once', () => {
    spec.given(completed()).when(rotate()).then([rotated]);
    spec
      .given([...completed(), rotated])
      .when(rotate())
      .thenNothing();
    const state = spec.given([...completed(), rotated]).state();
    expect(state.status !== 'NONE' && state.recordings['rec-1']?.media).toMatchObject({
      keyId: 'kek-new',
      storageKey: 'calls/c/r/new.vwrc',
      sha256: media.sha256,
    });
  });

  it('is the system’s alone, from the key the recording is sealed with, and only when stored', () => {
    spec.given(completed()).when(rotate(admin)).thenThrows(SystemOnlyError);
    spec.given(completed()).when(rotate(system, 'kek-other')).thenThrows(RecordingKeyMismatchError);
    spec.given(stopped()).when(rotate()).thenThrows(RecordingNotCompletedError);
    spec
      .given([
        ...completed(),
        { type: 'RecordingPurged', data: { recordingId: 'rec-1', at: EXPIRES } },
      ])
      .when(rotate())
      .thenThrows(RecordingNotCompletedError);
  });
});
