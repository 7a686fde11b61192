// A paged search of one search base, one page in memory at a time, counted for progress reports and tests.
import { NoSuchObjectError } from 'ldapts';
import type { Client, Control, Entry } from 'ldapts';
import { BINARY_ATTRIBUTES } from './directory-reader.ts';
import { directoryConfigurationError } from './errors.ts';

/** What an import (or listing) read, for progress reports and for tests that check the import streams. */
export interface ImportStatistics {
  /** Search result pages (full import) or change batches (delta) received. */
  pages: number;
  entries: number;
  /**
   * Full import and listing: the synchronised objects found under each search base (every base searched is
   * present, 0 included), so an OU that suddenly returns nothing can be told from one that was emptied.
   */
  bySearchBase: Map<string, number>;
  /** Group members read, as complete lists or as a delta's increments: what a change to a large group costs. */
  memberValues: number;
}

export function emptyStatistics(): ImportStatistics {
  return { pages: 0, entries: 0, bySearchBase: new Map(), memberValues: 0 };
}

export function resetStatistics(statistics: ImportStatistics): void {
  statistics.pages = 0;
  statistics.entries = 0;
  statistics.memberValues = 0;
  statistics.bySearchBase.clear();
}

export interface PagedSearch {
  searchBase: string;
  filter: string;
  attributes: string[];
  controls: Control[];
  pageSize: number;
}

/** The entries of a paged search, counted into `statistics`. A search base that does not exist is a configuration error. */
export async function* pagedSearch(client: Client, search: PagedSearch, statistics: ImportStatistics): AsyncGenerator<Entry, void, undefined> {
  const { searchBase, filter, attributes, controls, pageSize } = search;
  const pages = client.searchPaginated(
    searchBase,
    { filter, attributes, explicitBufferAttributes: BINARY_ATTRIBUTES, paged: { pageSize } },
    controls,
  );
  let pagesReceived = 0;
  try {
    for await (const page of readingAhead(pages)) {
      pagesReceived += 1;
      statistics.pages += 1;
      statistics.entries += page.searchEntries.length;
      yield* page.searchEntries;
    }
  } catch (error) {
    if (!(error instanceof NoSuchObjectError) || pagesReceived > 0) throw error;
    throw directoryConfigurationError(
      `${searchBase} does not exist in the directory.`,
      'Correct the OU in the synchronisation scope (includeOus): it may have been renamed or moved.',
      searchBase,
    );
  }
}

/**
 * The pages of a paged search, the next one requested before the current one is handed on: the server prepares
 * it while the entries are converted (without this the two took turns, and the import waited on each page).
 */
async function* readingAhead<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = pages.next();
  try {
    for (let page = await next; !page.done; page = await next) {
      next = pages.next();
      // A failure of the page read ahead surfaces when it is awaited, not as an unhandled rejection meanwhile.
      next.catch(() => undefined);
      yield page.value;
    }
  } finally {
    // A consumer that stops early ends the search once the page in flight has arrived.
    await pages.return(undefined);
  }
}
