import type { ApiClient } from '../api/api-client';
import type { IceConfiguration, User } from '../api/contract';
import type { ServerEvents } from '../api/signaling-contract';
import type { SignalingClient } from '../signaling/signaling-client';
import { traceCall } from './call-debug';
import type { CallViewStore } from './call-view';
import { PeerLink } from './peer-link';

/** How long a negotiated link may take to connect before its ICE is restarted, and how often. */
const CONNECT_PATIENCE_MS = 5_000;
const MAX_CONNECT_RESTARTS = 3;

/** What the link sends of the local media: owned by the media controls. */
export interface OutgoingMedia {
  /** The local stream as it should be sent (without the camera while it is off). */
  outgoingStream(): MediaStream | null;
  /** The screen being shared, sent instead of the camera. */
  readonly screenTrack: MediaStreamTrack | null;
}

export interface NegotiationDependencies {
  readonly callId: string;
  readonly me: User;
  readonly api: ApiClient;
  readonly signaling: SignalingClient;
  readonly view: CallViewStore;
  readonly media: OutgoingMedia;
  readonly isDisposed: () => boolean;
  /** The link came up: worth a quality report at once. */
  readonly connected: () => void;
}

/**
 * The peer link to the other participant and how it is negotiated over signaling: who offers
 * (the one who enters a room where the other already is), descriptions and candidates taken in
 * the order they came, a link started over when the other side did, and ICE restarts (with fresh
 * TURN credentials) when a negotiated link does not connect.
 */
export class CallNegotiation {
  private link: PeerLink | null = null;
  private ice: IceConfiguration | null = null;
  private signalQueue: Promise<void> = Promise.resolve();
  /** The other participant's connection is gone (participant-disconnected) until they are back. */
  private remoteAway = false;

  constructor(private readonly deps: NegotiationDependencies) {}

  /** The current link, if any (quality samples read its stats). */
  get current(): PeerLink | null {
    return this.link;
  }

  get isConnected(): boolean {
    return this.link?.connection.connectionState === 'connected';
  }

  /** No ICE restarts toward someone who is not there: they come back with an offer of their own. */
  setRemoteAway(away: boolean): void {
    this.remoteAway = away;
  }

  async refreshIce(): Promise<void> {
    const { api, callId } = this.deps;
    this.ice = await api.get<IceConfiguration>(`/webrtc/ice-servers?callId=${callId}`);
  }

  /** Sends a different video track (screen share, camera back) on the link, if there is one. */
  async replaceVideoTrack(track: MediaStreamTrack | null): Promise<void> {
    await this.link?.replaceVideoTrack(track);
  }

  receiveDescription(payload: ServerEvents['offer'] | ServerEvents['answer']): void {
    this.enqueue(() => this.applyDescription(payload));
  }

  receiveCandidate(payload: ServerEvents['ice-candidate']): void {
    this.enqueue(async () => {
      if (payload.from !== this.deps.view.current.remote?.userId) return;
      traceCall('received candidate');
      // Candidates follow their offer on the same channel; without a link there was no offer.
      await this.link?.receiveCandidate(payload.candidate);
    });
  }

  /** Back in the room after a network drop: the media path may not have come back with it. */
  async recoverAfterRejoin(): Promise<void> {
    if (this.link && this.link.connection.connectionState !== 'connected') await this.restartIce();
  }

  ensureLink(): PeerLink {
    if (this.link) return this.link;
    traceCall('new peer link');
    const { callId, me, signaling, view, media } = this.deps;
    const remoteId = view.current.remote?.userId ?? '';
    const configuration: RTCConfiguration = {
      iceServers: this.ice?.iceServers ?? [],
      iceTransportPolicy: this.ice?.iceTransportPolicy ?? 'all',
    };
    // The patient is the polite peer: when both offer at once, the clinician's offer wins.
    const link: PeerLink = new PeerLink(
      configuration,
      me.role !== 'provider',
      media.outgoingStream(),
      {
        description: ({ type, sdp }) => {
          traceCall('send', type);
          if (type === 'offer')
            signaling.send('offer', { callId, to: remoteId, sdp: { type, sdp } });
          // A rollback is never sent: it only ever undoes a local offer.
          else if (type !== 'rollback')
            signaling.send('answer', { callId, to: remoteId, sdp: { type, sdp } });
        },
        candidate: (candidate) => {
          traceCall('send candidate', candidate.candidate?.split(' ')[7] ?? '');
          signaling.send('ice-candidate', { callId, to: remoteId, candidate });
        },
      },
      {
        remoteStream: (stream) => {
          if (this.link === link) view.update({ remoteStream: stream });
        },
        stateChange: (state) => {
          if (this.link !== link) return;
          traceCall('connection', state);
          if (state === 'connected') {
            view.updateRemote({ status: 'connected' });
            this.deps.connected();
          } else if (state === 'disconnected' || state === 'failed') {
            view.updateRemote({ status: 'reconnecting' });
            if (state === 'failed' && !this.remoteAway) void this.restartIce();
          }
        },
      },
    );
    this.link = link;
    this.watchConnecting(link);
    traceCall(
      'ice configuration',
      configuration.iceTransportPolicy,
      configuration.iceServers?.length,
    );
    link.connection.addEventListener('icegatheringstatechange', () =>
      traceCall('gathering', link.connection.iceGatheringState),
    );
    if (media.screenTrack) void link.replaceVideoTrack(media.screenTrack);
    return link;
  }

  /** The link closed and forgotten, and with it the remote stream. */
  dropLink(): void {
    this.close();
    this.deps.view.update({ remoteStream: null });
  }

  close(): void {
    this.link?.close();
    this.link = null;
  }

  private async applyDescription(
    payload: ServerEvents['offer'] | ServerEvents['answer'],
  ): Promise<void> {
    if (payload.from !== this.deps.view.current.remote?.userId) return;
    const description: RTCSessionDescriptionInit = payload.sdp;
    try {
      const outcome = await this.ensureLink().receiveDescription(description);
      traceCall('received', description.type, outcome);
      if (outcome === 'replaced') {
        this.dropLink();
        await this.ensureLink().receiveDescription(description);
      }
    } catch (error) {
      // A description this connection cannot take (the other side started over): start over too.
      traceCall('description refused', description.type, String(error));
      this.dropLink();
      // A fresh link offers by itself (negotiationneeded); that is how both start over.
      this.ensureLink();
    }
  }

  /**
   * A link whose negotiation is done but whose connection has not come up within a few seconds
   * (candidates lost in a crossing of offers, a network change meanwhile) gets an ICE restart,
   * a few times; 'failed' restarts it too (see stateChange).
   */
  private watchConnecting(link: PeerLink): void {
    let restarts = 0;
    let waitingSince = performance.now();
    const timer = window.setInterval(() => {
      const { connectionState, signalingState } = link.connection;
      if (this.link !== link || this.deps.isDisposed() || connectionState === 'closed') {
        window.clearInterval(timer);
        return;
      }
      if (connectionState === 'connected') {
        waitingSince = performance.now();
        return;
      }
      if (signalingState !== 'stable' && signalingState !== 'have-local-offer') {
        waitingSince = performance.now();
        return;
      }
      if (this.remoteAway || performance.now() - waitingSince < CONNECT_PATIENCE_MS) return;
      if (restarts >= MAX_CONNECT_RESTARTS) return;
      restarts += 1;
      waitingSince = performance.now();
      if (signalingState === 'have-local-offer') {
        // Our offer got no answer (it went out while they were not in the room): offer again.
        traceCall('offer unanswered: offering again', restarts);
        void link.offerAgain();
        return;
      }
      traceCall('no connection yet: ICE restart', restarts);
      void this.restartIce();
    }, 1_000);
  }

  /** ICE restart with fresh TURN credentials (they expire after TURN_TTL_SECONDS). */
  private async restartIce(): Promise<void> {
    const link = this.link;
    if (!link) return;
    try {
      await this.refreshIce();
      if (this.ice) {
        link.connection.setConfiguration({
          iceServers: this.ice.iceServers,
          iceTransportPolicy: this.ice.iceTransportPolicy,
        });
      }
    } catch {
      // Keep the old servers; the restart may still find a path.
    }
    link.restartIce();
  }

  private enqueue(work: () => Promise<void>): void {
    this.signalQueue = this.signalQueue.then(work).catch(() => undefined);
  }
}
