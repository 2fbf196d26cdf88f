import { useEffect, useRef } from 'react';
import type { CallView, RemoteStatus } from '../call/call-session';
import { useCallSession } from '../call/use-call-session';
import { CallTimer } from '../components/call-timer';
import { ConsentPanel } from '../components/consent-panel';
import { formatDuration, statusLabel } from '../components/format';
import { MediaVideo } from '../components/media-video';
import { Notice } from '../components/notice';
import { QualityIndicator } from '../components/quality-indicator';
import { routes } from '../routing/hash-route';
import { useUser } from '../session/session';

const REMOTE_STATUS_TEXT: Record<RemoteStatus, string> = {
  waiting: 'has not joined yet',
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  left: 'left the call',
};

function statusLine(view: CallView): string {
  const name = view.remote?.name ?? 'The other participant';
  if (view.phase === 'loading') return 'Getting the call ready…';
  if (view.phase === 'ringing') return `Calling ${name}…`;
  if (!view.signalingOnline) return 'Connection lost. Reconnecting…';
  return `${name} ${REMOTE_STATUS_TEXT[view.remote?.status ?? 'waiting']}`;
}

export function InCallScreen({ callId }: { callId: string }) {
  const user = useUser();
  const live = useCallSession(callId);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  if (!live) return <main className="in-call">Getting the call ready…</main>;
  const { session, view } = live;
  const clinician = user.role === 'provider';
  const { call, remote } = view;

  if (view.phase === 'ended') {
    return (
      <main className="in-call in-call-ended">
        <h1 ref={heading} tabIndex={-1}>
          Call {view.ended ? statusLabel(view.ended.status).toLowerCase() : 'ended'}
        </h1>
        {view.ended?.durationSeconds !== null && view.ended?.durationSeconds !== undefined && (
          <p>Duration {formatDuration(view.ended.durationSeconds)}</p>
        )}
        {view.notice && <Notice tone="warning">{view.notice}</Notice>}
        {view.upload === 'uploading' && (
          <Notice>
            Saving the recording… {Math.round(view.uploadProgress * 100)}%, please keep this page
            open.
          </Notice>
        )}
        {view.upload === 'saved' && <Notice>The recording was saved.</Notice>}
        <div className="actions">
          <a className="button-primary" href={routes.home}>
            Back to calls
          </a>
          <a className="button-secondary" href={routes.details(callId)}>
            Call details
          </a>
        </div>
      </main>
    );
  }

  const everyoneConsented =
    call !== null &&
    call.participants.length > 0 &&
    call.participants.every((participant) => view.consents[participant.userId] === true);
  const warningAboutMe = view.qualityWarning?.userId === user.id;

  return (
    <main className="in-call" data-phase={view.phase}>
      <div className="in-call-top">
        <h1 ref={heading} tabIndex={-1} className="visually-hidden">
          Call with {remote?.name ?? 'participant'}
        </h1>
        <p
          className="call-status"
          role="status"
          aria-live="polite"
          data-remote-status={remote?.status ?? 'waiting'}
        >
          {statusLine(view)}
        </p>
        <CallTimer startedAt={call?.startedAt ?? null} />
        <QualityIndicator level={view.quality} sample={view.sample} />
        {view.recording && (
          <span
            className="recording-indicator"
            role="status"
            aria-live="polite"
            data-testid="recording-indicator"
          >
            <span aria-hidden="true">●</span> Recording
          </span>
        )}
      </div>

      {view.mediaProblem && <Notice tone="error">{view.mediaProblem}</Notice>}
      {view.notice && (
        <Notice tone="warning" onDismiss={() => session.clearNotice()}>
          {view.notice}
        </Notice>
      )}
      {view.qualityWarning && (
        <Notice tone="warning" onDismiss={() => session.dismissQualityWarning()}>
          {warningAboutMe
            ? 'Your connection is poor. Switching to audio only may keep the call going.'
            : `${remote?.name ?? 'The patient'}’s connection is poor. They may switch to audio only.`}{' '}
          <button
            type="button"
            className="button-secondary"
            onClick={() => session.switchToAudioOnly()}
          >
            Switch to audio only
          </button>
        </Notice>
      )}

      <div className="stage">
        <figure className="remote">
          <MediaVideo
            stream={view.remoteStream}
            muted={false}
            label={`${remote?.name ?? 'Other participant'}’s video`}
            testId="remote-video"
          />
          <figcaption>
            {remote?.name}
            {remote && !remote.audio && (
              <span className="badge" data-testid="remote-muted">
                Muted
              </span>
            )}
            {remote && !remote.video && <span className="badge">Camera off</span>}
            {remote?.screenShare && <span className="badge">Sharing screen</span>}
          </figcaption>
        </figure>
        <figure className="local">
          <MediaVideo
            stream={view.localStream}
            muted
            label="Your video"
            testId="local-video"
            mirrored={!view.sharingScreen}
          />
          <figcaption>You{view.sharingScreen ? ' (sharing screen)' : ''}</figcaption>
        </figure>
      </div>

      {call?.recordingEnabled && call.status === 'IN_PROGRESS' && (
        <ConsentPanel
          call={call}
          userId={user.id}
          consents={view.consents}
          onAnswer={(yes) => void session.setConsent(yes)}
        />
      )}
      {view.upload === 'uploading' && (
        <Notice>Saving the recording… {Math.round(view.uploadProgress * 100)}%</Notice>
      )}
      {view.upload === 'saved' && <Notice>The recording was saved to the call’s record.</Notice>}

      <div className="controls" role="toolbar" aria-label="Call controls">
        <button
          type="button"
          aria-pressed={!view.microphoneOn}
          onClick={() => session.toggleMicrophone()}
        >
          {view.microphoneOn ? 'Mute' : 'Unmute'}
        </button>
        <button type="button" aria-pressed={!view.cameraOn} onClick={() => session.toggleCamera()}>
          {view.cameraOn ? 'Camera off' : 'Camera on'}
        </button>
        <button
          type="button"
          aria-pressed={view.sharingScreen}
          onClick={() => void session.toggleScreenShare()}
        >
          {view.sharingScreen ? 'Stop sharing' : 'Share screen'}
        </button>
        {clinician &&
          call?.recordingEnabled &&
          (view.recording ? (
            <button
              type="button"
              className="button-danger"
              onClick={() => void session.stopRecording()}
            >
              Stop recording
            </button>
          ) : (
            <button
              type="button"
              disabled={
                !everyoneConsented || view.phase !== 'connected' || view.upload === 'uploading'
              }
              title={
                everyoneConsented ? 'Record this call' : 'Everyone must consent before recording'
              }
              onClick={() => void session.startRecording()}
            >
              Record
            </button>
          ))}
        {view.phase === 'ringing' && clinician ? (
          <button type="button" className="button-danger" onClick={() => void session.cancel()}>
            Cancel call
          </button>
        ) : (
          <button type="button" className="button-danger" onClick={() => void session.end()}>
            End call
          </button>
        )}
      </div>
    </main>
  );
}
