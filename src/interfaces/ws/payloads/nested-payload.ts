import { IsObject, ValidateNested } from 'class-validator';

type PayloadClass = new () => object;

/** Nested payload classes by owner class and property (what `toInstance` instantiates). */
const NESTED = new Map<PayloadClass, Map<string, () => PayloadClass>>();

/**
 * A property holding an object validated as `type()` (class-validator's IsObject and
 * ValidateNested). Recorded here instead of with class-transformer's @Type: building instances
 * by hand (toInstance) costs a fraction of plainToInstance on the relay hot path.
 */
export function NestedPayload(type: () => PayloadClass): PropertyDecorator {
  const isObject = IsObject();
  const validateNested = ValidateNested();
  return (target, property) => {
    const owner = target.constructor as PayloadClass;
    let properties = NESTED.get(owner);
    if (!properties) {
      properties = new Map();
      NESTED.set(owner, properties);
    }
    properties.set(String(property), type);
    isObject(target, property);
    validateNested(target, property);
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Copies a parsed JSON object onto a new instance of `type` (nested payloads too), for
 * class-validator to check. The caller has refused `__proto__`, `constructor` and `prototype`
 * keys first; values are copied as they are (no coercion).
 */
export function toInstance<T extends object>(type: new () => T, raw: Record<string, unknown>): T {
  const instance = new type() as Record<string, unknown>;
  const nested = NESTED.get(type as PayloadClass);
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    const nestedType = nested?.get(key);
    instance[key] = nestedType && isPlainObject(value) ? toInstance(nestedType(), value) : value;
  }
  return instance as T;
}

export { isPlainObject };
