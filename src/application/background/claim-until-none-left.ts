/**
 * Claims work in batches and handles each item until a claim comes back empty, answering how
 * many items were handled. Claiming again rather than once lets a backlog larger than one batch
 * clear in a single pass, while each claim stays small enough to be shared out across instances.
 */
export async function claimUntilNoneLeft<Item>(
  claim: () => Promise<readonly Item[]>,
  handle: (item: Item) => Promise<boolean>,
): Promise<number> {
  let handled = 0;
  for (;;) {
    const items = await claim();
    if (items.length === 0) return handled;
    for (const item of items) {
      if (await handle(item)) handled++;
    }
  }
}
