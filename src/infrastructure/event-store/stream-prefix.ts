/** Whether a stream is among those a read or subscription asked for: no prefixes means all. */
export function matchesStreamPrefixes(
  streamId: string,
  prefixes: readonly string[] | undefined,
): boolean {
  return (
    !prefixes || prefixes.length === 0 || prefixes.some((prefix) => streamId.startsWith(prefix))
  );
}
