import type { DomainEvent, JsonObject } from './event.js';

/** An event as the ledger stores it: its type, the schema version of its data, and the data. */
export interface StoredEvent {
  readonly type: string;
  readonly version: number;
  readonly data: JsonObject;
}

/** Turns the data of one schema version into the next version's shape. */
export type Upcaster = (data: JsonObject) => JsonObject;

export interface EventSchema {
  /** The version the decider writes today. */
  readonly version: number;
  /** `upcasters[v]` reads version `v` as version `v + 1`; stored events are never edited. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

/** One schema per event type of a union: a type left out does not compile. */
export type EventSchemas<Event extends DomainEvent> = {
  readonly [Type in Event['type']]: EventSchema;
};

export class UnknownEventTypeError extends Error {
  constructor(
    readonly family: string,
    readonly type: string,
  ) {
    super(`${type} is not a ${family} event`);
    this.name = 'UnknownEventTypeError';
  }
}

export class UnsupportedEventVersionError extends Error {
  constructor(
    readonly type: string,
    readonly version: number,
    readonly current: number,
  ) {
    super(`${type} has schema version ${version}, which cannot be read as version ${current}`);
    this.name = 'UnsupportedEventVersionError';
  }
}

export interface EventParser<Event extends DomainEvent> {
  /** The typed event, upcast to the current schema; throws on a type or version it cannot read. */
  parse(stored: StoredEvent): Event;
  /** Whether this family has an event of that type. */
  knows(type: string): type is Event['type'];
}

/**
 * The one place a stored event becomes a typed one. It checks the type and the version and upcasts
 * older data; it does not re-validate data the decider wrote, so readers still normalise what they
 * store (a read model never lets one odd value stop a batch).
 */
export function eventParser<Event extends DomainEvent>(
  family: string,
  schemas: EventSchemas<Event>,
): EventParser<Event> {
  const byType: ReadonlyMap<string, EventSchema> = new Map(Object.entries(schemas));
  const knows = (type: string): type is Event['type'] => byType.has(type);
  return {
    knows,
    parse(stored) {
      const schema = byType.get(stored.type);
      if (schema === undefined) throw new UnknownEventTypeError(family, stored.type);
      let data = stored.data;
      for (let version = stored.version; version !== schema.version; version += 1) {
        const upcast = version < schema.version ? schema.upcasters?.[version] : undefined;
        if (upcast === undefined) {
          throw new UnsupportedEventVersionError(stored.type, stored.version, schema.version);
        }
        data = upcast(data);
      }
      // The type is one of the family's and the data has the current version's shape.
      return { type: stored.type, data } as Event;
    },
  };
}
