/**
 * A BEFORE UPDATE trigger function for a table of heads: it refuses (LG001, with `refusal` as the
 * message) any update that changes one of `fixedColumns` or does not raise `revisionColumn`.
 */
export function headMovesForwardFunction(options: {
  readonly name: string;
  readonly fixedColumns: readonly string[];
  readonly revisionColumn: string;
  readonly refusal: string;
}): string {
  const { name, fixedColumns, revisionColumn: revision, refusal } = options;
  const changed = fixedColumns.map((column) => `NEW.${column} IS DISTINCT FROM OLD.${column}`);
  return `
      CREATE FUNCTION ${name}() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF ${changed.join('\n           OR ')}
           OR NEW.${revision} IS NULL OR NEW.${revision} <= OLD.${revision} THEN
          RAISE EXCEPTION '${refusal}'
            USING ERRCODE = 'LG001';
        END IF;
        RETURN NEW;
      END;
      $$;`;
}
