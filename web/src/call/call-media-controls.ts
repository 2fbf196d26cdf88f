import type { MediaChange } from '../api/signaling-contract';
import type { SignalingClient } from '../signaling/signaling-client';
import type { OutgoingMedia } from './call-negotiation';
import { messageOf, type CallViewStore } from './call-view';

/**
 * The user's own microphone, camera and screen share: what the link sends, and what the other
 * participant is told (update-media) so their screen can show it.
 */
export class CallMediaControls implements OutgoingMedia {
  private screen: MediaStreamTrack | null = null;

  constructor(
    private readonly callId: string,
    private readonly view: CallViewStore,
    private readonly signaling: SignalingClient,
    /** Puts a video track on the peer link, if there is one. */
    private readonly sendVideo: (track: MediaStreamTrack | null) => Promise<void>,
  ) {}

  get screenTrack(): MediaStreamTrack | null {
    return this.screen;
  }

  outgoingStream(): MediaStream | null {
    const { localStream: stream, cameraOn } = this.view.current;
    if (!stream) return null;
    const camera = stream.getVideoTracks()[0];
    if (camera && !cameraOn && !this.screen) {
      // Camera off: keep the sender, send nothing.
      return new MediaStream(stream.getAudioTracks());
    }
    return stream;
  }

  toggleMicrophone(): void {
    const on = !this.view.current.microphoneOn;
    for (const track of this.view.current.localStream?.getAudioTracks() ?? []) track.enabled = on;
    this.view.update({ microphoneOn: on });
    this.report({ audio: on });
  }

  toggleCamera(): void {
    const on = !this.view.current.cameraOn;
    const camera = this.view.current.localStream?.getVideoTracks()[0];
    if (!camera) {
      this.view.notify('There is no camera to turn on.');
      return;
    }
    camera.enabled = on;
    if (!this.screen) void this.sendVideo(on ? camera : null);
    this.view.update({ cameraOn: on });
    this.report({ video: on });
  }

  /** The quality warning's suggestion: stop sending video, keep talking. */
  switchToAudioOnly(): void {
    if (this.view.current.sharingScreen) this.stopScreenShare();
    if (this.view.current.cameraOn) this.toggleCamera();
    this.view.update({ qualityWarning: null });
  }

  async toggleScreenShare(): Promise<void> {
    if (this.view.current.sharingScreen) {
      this.stopScreenShare();
      return;
    }
    let screen: MediaStream;
    try {
      screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      this.view.notify('Screen sharing was not started.');
      return;
    }
    const track = screen.getVideoTracks()[0];
    if (!track) return;
    this.screen = track;
    track.onended = () => this.stopScreenShare();
    await this.sendVideo(track);
    this.view.update({ sharingScreen: true });
    this.report({ screenShare: true });
  }

  /** The call is over: the shared screen is released (the camera goes with the local stream). */
  stop(): void {
    this.screen?.stop();
    this.screen = null;
  }

  private stopScreenShare(): void {
    const track = this.screen;
    if (!track) return;
    this.screen = null;
    track.onended = null;
    track.stop();
    const camera = this.view.current.localStream?.getVideoTracks()[0] ?? null;
    void this.sendVideo(this.view.current.cameraOn ? camera : null);
    this.view.update({ sharingScreen: false });
    this.report({ screenShare: false });
  }

  private report(change: MediaChange): void {
    this.signaling
      .request('update-media', { callId: this.callId, ...change })
      .catch((error: unknown) => {
        this.view.notify(messageOf(error));
      });
  }
}
