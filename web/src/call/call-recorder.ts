const PREFERRED_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'];

/**
 * Records the call in the clinician's browser: both voices mixed into one audio track (Web
 * Audio), with the other participant's video. `stop()` resolves with the whole file.
 */
export class CallRecorder {
  private readonly audio = new AudioContext();
  private readonly recorder: MediaRecorder;
  private readonly chunks: Blob[] = [];
  private readonly finished: Promise<Blob>;

  constructor(local: MediaStream | null, remote: MediaStream) {
    const mix = this.audio.createMediaStreamDestination();
    for (const stream of [local, remote]) {
      const voices = stream?.getAudioTracks() ?? [];
      if (voices.length > 0)
        this.audio.createMediaStreamSource(new MediaStream(voices)).connect(mix);
    }
    const tracks = [...mix.stream.getAudioTracks(), ...remote.getVideoTracks().slice(0, 1)];
    const mimeType = PREFERRED_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? '';
    this.recorder = new MediaRecorder(new MediaStream(tracks), mimeType ? { mimeType } : {});
    this.finished = new Promise((resolve) => {
      this.recorder.ondataavailable = ({ data }) => {
        if (data.size > 0) this.chunks.push(data);
      };
      this.recorder.onstop = () => {
        for (const track of mix.stream.getTracks()) track.stop();
        void this.audio.close();
        resolve(
          new Blob(this.chunks, { type: (this.recorder.mimeType || 'video/webm').split(';')[0] }),
        );
      };
    });
    // A chunk a second, so a tab that dies mid-call loses at most the last second in memory.
    this.recorder.start(1000);
  }

  stop(): Promise<Blob> {
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    return this.finished;
  }
}
