/**
 * A telephone-like ring (two tones, on for 2 s in every 4 s) made with Web Audio, so there is no
 * sound file to load. Browsers only let it sound after the user has interacted with the page.
 */
export class Ringtone {
  private context: AudioContext | null = null;
  private timer: number | undefined;

  start(): void {
    if (this.context) return;
    const context = new AudioContext();
    this.context = context;
    const ring = () => {
      const gain = context.createGain();
      gain.gain.value = 0.08;
      gain.connect(context.destination);
      for (const frequency of [440, 480]) {
        const tone = context.createOscillator();
        tone.frequency.value = frequency;
        tone.connect(gain);
        tone.start();
        tone.stop(context.currentTime + 2);
      }
    };
    ring();
    this.timer = window.setInterval(ring, 4000);
  }

  stop(): void {
    window.clearInterval(this.timer);
    void this.context?.close();
    this.context = null;
  }
}
