import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { RecordingCommandResponse } from '../api/contract';
import type { RecordingStartedNews } from '../api/signaling-contract';
import { PendingUploadStore } from '../recording-upload/pending-upload-store';
import {
  apiUploadTransport,
  uploadPendingRecording,
} from '../recording-upload/resumable-recording-upload';
import { sleep } from '../recording-upload/resume-pending-uploads';
import { CallRecorder } from './call-recorder';
import { messageOf, type CallViewStore } from './call-view';

/**
 * The clinician's recording of the call: started and stopped over REST, recorded in this browser,
 * and uploaded once stopped, whoever stopped it (the clinician, or the server when consent was
 * withdrawn or the call ended). The file is kept in IndexedDB and sent in parts that are retried
 * with backoff, so a cut connection or a reload does not lose it (see resume-pending-uploads.ts).
 */
export class CallRecordingControls {
  private recorder: { id: string; recorder: CallRecorder } | null = null;

  constructor(
    private readonly callId: string,
    private readonly view: CallViewStore,
    private readonly api: ApiClient,
    private readonly pendingUploads = new PendingUploadStore(),
  ) {}

  async start(): Promise<void> {
    const remote = this.view.current.remoteStream;
    if (!remote) {
      this.view.notify('Recording starts once the other participant is connected.');
      return;
    }
    try {
      const recording = await this.api.post<RecordingCommandResponse>(
        `/webrtc/calls/${this.callId}/record`,
      );
      this.recorder = {
        id: recording.id,
        recorder: new CallRecorder(this.view.current.localStream, remote),
      };
      this.view.update({
        recording: { id: recording.id, startedAt: recording.startedAt },
        upload: 'idle',
      });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'RECORDING.CONSENT_MISSING') {
        const missing =
          (error.body['missing'] as Array<{ displayName?: string }> | undefined) ?? [];
        const names = missing.map((person) => person.displayName ?? 'a participant').join(', ');
        this.view.notify(`Recording needs everyone’s consent. Still waiting for: ${names}.`);
      } else {
        this.view.notify(messageOf(error));
      }
    }
  }

  async stop(): Promise<void> {
    const recording = this.view.current.recording;
    if (!recording) return;
    try {
      await this.api.post(`/webrtc/calls/${this.callId}/recordings/${recording.id}/stop`);
    } catch (error) {
      this.view.notify(messageOf(error));
    }
    this.view.update({ recording: null });
    await this.upload(recording.id);
  }

  /** recording-started: shown on both sides, whoever started it. */
  started(news: RecordingStartedNews): void {
    if (this.view.current.recording?.id !== news.recordingId) {
      this.view.update({ recording: { id: news.recordingId, startedAt: news.at } });
    }
  }

  /** recording-stopped: when the server stopped it, the file still gets uploaded. */
  stopped(recordingId: string): void {
    if (this.view.current.recording?.id === recordingId) this.view.update({ recording: null });
    void this.upload(recordingId);
  }

  /** A recording still running is finished and uploaded even though the call is over. */
  finish(): void {
    if (this.recorder) void this.upload(this.recorder.id);
  }

  private async upload(recordingId: string): Promise<void> {
    const active = this.recorder;
    if (!active || active.id !== recordingId) return;
    this.recorder = null;
    this.view.update({ upload: 'uploading', uploadProgress: 0 });
    try {
      const file = await active.recorder.stop();
      const pending = {
        recordingId,
        callId: this.callId,
        contentType: file.type || 'video/webm',
        file,
        uploadId: null,
      };
      // Without IndexedDB (a private window, say) the upload still runs; it just cannot outlive
      // this page.
      await this.pendingUploads.save(pending).catch(() => undefined);
      await uploadPendingRecording(pending, {
        transport: apiUploadTransport(this.api),
        store: this.pendingUploads,
        sleep,
        onProgress: (share) => this.view.update({ uploadProgress: share }),
      });
      this.view.update({ upload: 'saved' });
    } catch (error) {
      this.view.update({ upload: 'failed' });
      this.view.notify(`The recording could not be saved: ${messageOf(error)}`);
    }
  }
}
