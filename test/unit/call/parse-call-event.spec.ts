import { parseCallEvent } from '../../../src/domain/call/parse-call-event.js';
import { parseCallQualityEvent } from '../../../src/domain/call-quality/parse-call-quality-event.js';
import {
  UnknownEventTypeError,
  UnsupportedEventVersionError,
  eventParser,
} from '../../../src/domain/shared/event-schema.js';
import type { DomainEvent } from '../../../src/domain/shared/event.js';

const answered = { answeredBy: 'u-1', startedAt: '2025-03-01T10:00:00.000Z' };

describe('reading a stored event as the typed union', () => {
  it('gives a current call event as it was stored', () => {
    expect(parseCallEvent({ type: 'CallAnswered', version: 1, data: answered })).toEqual({
      type: 'CallAnswered',
      data: answered,
    });
  });

  it('reads a drop stored before drops had a reason as a lost connection', () => {
    const dropped = { userId: 'u-1', at: '2025-03-01T10:00:00.000Z' };
    expect(parseCallEvent({ type: 'ParticipantDisconnected', version: 1, data: dropped })).toEqual({
      type: 'ParticipantDisconnected',
      data: { ...dropped, reason: 'connection_lost' },
    });
    const lost = { ...dropped, reason: 'instance_lost' };
    expect(parseCallEvent({ type: 'ParticipantDisconnected', version: 2, data: lost })).toEqual({
      type: 'ParticipantDisconnected',
      data: lost,
    });
  });

  it('refuses a type that is no call event, naming it', () => {
    const read = () => parseCallEvent({ type: 'CallTeleported', version: 1, data: {} });
    expect(read).toThrow(UnknownEventTypeError);
    expect(read).toThrow('CallTeleported is not a call event');
  });

  it('refuses a quality event on a call stream and a call event on a quality stream', () => {
    expect(() => parseCallEvent({ type: 'QualitySampleRecorded', version: 1, data: {} })).toThrow(
      UnknownEventTypeError,
    );
    expect(() => parseCallQualityEvent({ type: 'CallAnswered', version: 1, data: {} })).toThrow(
      UnknownEventTypeError,
    );
  });

  it('refuses a version newer than the one it knows, or one it cannot upcast', () => {
    expect(() => parseCallEvent({ type: 'CallAnswered', version: 2, data: answered })).toThrow(
      UnsupportedEventVersionError,
    );
    expect(() => parseCallEvent({ type: 'CallAnswered', version: 0, data: answered })).toThrow(
      'CallAnswered has schema version 0, which cannot be read as version 1',
    );
  });

  describe('upcasting', () => {
    type Renamed = DomainEvent<'Renamed', { fullName: string; at: string }>;
    const parser = eventParser<Renamed>('example', {
      Renamed: {
        version: 3,
        upcasters: {
          1: (data) => ({ fullName: data['name'] ?? null }),
          2: (data) => ({ ...data, at: data['at'] ?? '1970-01-01T00:00:00.000Z' }),
        },
      },
    });

    it('reads each older version through every later upcaster, in order', () => {
      expect(parser.parse({ type: 'Renamed', version: 1, data: { name: 'A' } })).toEqual({
        type: 'Renamed',
        data: { fullName: 'A', at: '1970-01-01T00:00:00.000Z' },
      });
      expect(
        parser.parse({ type: 'Renamed', version: 2, data: { fullName: 'B', at: 'then' } }),
      ).toEqual({ type: 'Renamed', data: { fullName: 'B', at: 'then' } });
    });

    it('leaves the current version untouched', () => {
      const data = { fullName: 'C', at: 'now' };
      expect(parser.parse({ type: 'Renamed', version: 3, data }).data).toBe(data);
    });
  });
});
