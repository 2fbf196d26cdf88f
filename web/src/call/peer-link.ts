/** What a peer link sends to the other participant (through the signaling server). */
export interface PeerSignals {
  description(description: { readonly type: RTCSdpType; readonly sdp: string }): void;
  candidate(candidate: RTCIceCandidateInit): void;
}

export interface PeerLinkEvents {
  remoteStream(stream: MediaStream): void;
  stateChange(state: RTCPeerConnectionState): void;
}

/** `replaced`: the offer came from a new peer connection (the other side reloaded the page). */
export type DescriptionOutcome = 'applied' | 'ignored' | 'replaced';

/** The `o=` line's session id: the same for every description of one RTCPeerConnection. */
function sessionIdOf(sdp: string | undefined): string | null {
  return /^o=\S+ (\d+) /m.exec(sdp ?? '')?.[1] ?? null;
}

/**
 * One RTCPeerConnection to the other participant, negotiated with the "perfect negotiation"
 * pattern (W3C WebRTC 1.0, section 10.6): both sides make offers whenever they need to, and when
 * offers cross, the polite side rolls its own back while the impolite side ignores the other's, so
 * glare can never deadlock. `restartIce()` renegotiates new ICE candidates the same way.
 */
export class PeerLink {
  readonly connection: RTCPeerConnection;
  private readonly remote = new MediaStream();
  private makingOffer = false;
  private ignoreOffer = false;
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private closed = false;

  constructor(
    configuration: RTCConfiguration,
    private readonly polite: boolean,
    localStream: MediaStream | null,
    private readonly signals: PeerSignals,
    private readonly events: PeerLinkEvents,
  ) {
    const connection = new RTCPeerConnection(configuration);
    this.connection = connection;
    for (const kind of ['audio', 'video'] as const) {
      const tracks = localStream?.getTracks().filter((track) => track.kind === kind) ?? [];
      // Without a local track of this kind (camera refused, audio call) still receive the other's.
      if (tracks.length === 0) connection.addTransceiver(kind, { direction: 'recvonly' });
      for (const track of tracks) connection.addTrack(track, localStream as MediaStream);
    }
    connection.ontrack = ({ track }) => {
      this.remote.addTrack(track);
      this.events.remoteStream(this.remote);
    };
    connection.onicecandidate = ({ candidate }) => {
      if (candidate) this.signals.candidate(candidate.toJSON());
    };
    connection.onnegotiationneeded = () => void this.offer();
    connection.onconnectionstatechange = () => this.events.stateChange(connection.connectionState);
  }

  get remoteStream(): MediaStream {
    return this.remote;
  }

  /** An `offer` or `answer` from the other side. */
  async receiveDescription(description: RTCSessionDescriptionInit): Promise<DescriptionOutcome> {
    const current = this.connection.remoteDescription;
    if (
      description.type === 'offer' &&
      current &&
      sessionIdOf(current.sdp) !== sessionIdOf(description.sdp)
    ) {
      return 'replaced';
    }
    // An answer when no offer of ours is pending belongs to an older negotiation: stale.
    if (description.type === 'answer' && this.connection.signalingState === 'stable') {
      return 'ignored';
    }
    const collision =
      description.type === 'offer' &&
      (this.makingOffer || this.connection.signalingState !== 'stable');
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return 'ignored';
    await this.connection.setRemoteDescription(description);
    for (const candidate of this.pendingCandidates.splice(0)) await this.addCandidate(candidate);
    if (description.type === 'offer') {
      await this.connection.setLocalDescription();
      const answer = this.connection.localDescription;
      if (answer) this.signals.description({ type: answer.type, sdp: answer.sdp });
    }
    return 'applied';
  }

  async receiveCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    // Candidates of an offer we are ignoring belong to a negotiation that will not happen.
    if (this.ignoreOffer) return;
    if (!this.connection.remoteDescription) {
      this.pendingCandidates.push(candidate);
      return;
    }
    await this.addCandidate(candidate);
  }

  /** Sends a different video track (screen share, camera back) without renegotiating. */
  async replaceVideoTrack(track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.connection
      .getTransceivers()
      .find((candidate) => candidate.receiver.track.kind === 'video');
    if (!transceiver) return;
    if (track && transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
    await transceiver.sender.replaceTrack(track);
  }

  restartIce(): void {
    this.connection.restartIce();
  }

  /** Withdraws an offer that got no answer and makes a new one. */
  async offerAgain(): Promise<void> {
    if (this.connection.signalingState !== 'have-local-offer') return;
    await this.connection.setLocalDescription({ type: 'rollback' });
    await this.offer();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.onnegotiationneeded = null;
    this.connection.onconnectionstatechange = null;
    this.connection.close();
  }

  private async offer(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.connection.setLocalDescription();
      const offer = this.connection.localDescription;
      if (offer && !this.closed) this.signals.description({ type: offer.type, sdp: offer.sdp });
    } catch {
      // The state moved on under us (a remote offer won); negotiationneeded fires again if needed.
    } finally {
      this.makingOffer = false;
    }
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.connection.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we ignored are expected to fail; anything else is real.
      if (!this.ignoreOffer) throw error;
    }
  }
}
