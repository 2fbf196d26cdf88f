import { getMetadataStorage } from 'class-validator';
type Storage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<Storage['getTargetValidationMetadatas']>[number];
type Grouped = ReturnType<Storage['groupByPropertyName']>;
/** What class-validator calls a target: the class (its constructor). */
type Target = Parameters<Storage['getTargetValidationMetadatas']>[0];

const cachedClasses = new Set<Target>();
let installed = false;

/**
 * class-validator gathers a class's constraint list (and groups it by property) again on every
 * validation; on the relay hot path that is half of the validation cost. For the classes named
 * here, whose decorators have all run when their module loaded, the lists cannot change, so they
 * are kept. Validations of other classes (the HTTP DTOs), or with groups, go through unchanged.
 */
export function cacheValidationMetadata(...classes: ReadonlyArray<new () => object>): void {
  for (const type of classes) cachedClasses.add(type);
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage();
  const targetMetadatas = storage.getTargetValidationMetadatas.bind(storage);
  const groupByPropertyName = storage.groupByPropertyName.bind(storage);
  const lists = new Map<Target, ValidationMetadata[]>();
  const stable = new WeakSet<ValidationMetadata[]>();
  const grouped = new WeakMap<ValidationMetadata[], Grouped>();

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (!cachedClasses.has(target) || schema || always || strictGroups || groups?.length) {
      return targetMetadatas(target, schema, always, strictGroups, groups);
    }
    let list = lists.get(target);
    if (!list) {
      list = targetMetadatas(target, schema, always, strictGroups, groups);
      lists.set(target, list);
      stable.add(list);
    }
    return list;
  };
  storage.groupByPropertyName = (metadata) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) {
      byProperty = groupByPropertyName(metadata);
      // Only lists kept above are stable; others would never be asked for again.
      if (stable.has(metadata)) grouped.set(metadata, byProperty);
    }
    return byProperty;
  };
}
