import type { Actor } from './actor.js';

/** Event data is plain JSON: it is stored, hashed and replayed as-is. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A domain event as a decider emits it: plain data, named in the past tense. */
export interface DomainEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly type: Type;
  readonly data: Data;
}

/** Who asks and when: time comes in on the command so deciders never read a clock. */
export interface CommandMetadata {
  readonly actor: Actor;
  /** ISO-8601 UTC instant. */
  readonly now: string;
}

/** A command as a decider receives it: plain data, named in the imperative. */
export interface DomainCommand<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}
