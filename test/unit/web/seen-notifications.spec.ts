import { SeenNotifications } from '../../../web/src/signaling/seen-notifications.js';

const CALL_ID = '5b0c8f7e-2f4a-4d8e-9a61-0c1d2e3f4a5b';
const EVENT_ID = '0b6f1a52-8c1e-4f43-9b7e-1f3a2c4d5e6f';

describe('web client: notifications heard again', () => {
  it('lets a notification through once and drops its repeat', () => {
    const seen = new SeenNotifications();
    const news = { callId: CALL_ID, eventId: EVENT_ID };
    expect(seen.firstTime('call-answered', news)).toBe(true);
    expect(seen.firstTime('call-answered', { ...news })).toBe(false);
    expect(seen.firstTime('call-answered', news)).toBe(false);
  });

  it('tells apart the notifications one ledger event makes, by their event name', () => {
    const seen = new SeenNotifications();
    const news = { callId: CALL_ID, eventId: EVENT_ID };
    expect(seen.firstTime('participant-joined', news)).toBe(true);
    expect(seen.firstTime('room-participants', news)).toBe(true);
    expect(seen.firstTime('room-participants', news)).toBe(false);
  });

  it('never drops what carries no event id (relayed signals, server requests)', () => {
    const seen = new SeenNotifications();
    const offer = { callId: CALL_ID, from: 'someone', sdp: { type: 'offer', sdp: 'v=0' } };
    expect(seen.firstTime('offer', offer)).toBe(true);
    expect(seen.firstTime('offer', offer)).toBe(true);
    expect(seen.firstTime('request-quality-stats', undefined)).toBe(true);
    expect(seen.firstTime('call-ended', { callId: CALL_ID, eventId: 7 })).toBe(true);
    expect(seen.size).toBe(0);
  });

  it('remembers only the most recent ones, keeping a repeated one longest', () => {
    const seen = new SeenNotifications(3);
    const news = (n: number): object => ({ callId: CALL_ID, eventId: `event-${n}` });
    for (const n of [1, 2, 3]) expect(seen.firstTime('call-answered', news(n))).toBe(true);
    // Heard again, event-1 becomes the most recent: event-2 is the one forgotten next.
    expect(seen.firstTime('call-answered', news(1))).toBe(false);
    expect(seen.firstTime('call-answered', news(4))).toBe(true);
    expect(seen.size).toBe(3);
    expect(seen.firstTime('call-answered', news(1))).toBe(false);
    expect(seen.firstTime('call-answered', news(3))).toBe(false);
    expect(seen.firstTime('call-answered', news(2))).toBe(true);
  });
});
