/**
 * Every page of a paged listing, first to last: each page is fetched with the cursor the one
 * before it answered, and the listing ends at the first page that answers none.
 */
export async function* allPages<Page, Cursor>(
  fetchPage: (cursor: Cursor | undefined) => Promise<Page>,
  nextCursor: (page: Page) => Cursor | undefined,
): AsyncIterable<Page> {
  let cursor: Cursor | undefined;
  do {
    const page = await fetchPage(cursor);
    yield page;
    cursor = nextCursor(page);
  } while (cursor);
}
