import { formatTable } from '../format-table.js';
import { searchServer, type SearchOptions } from '../search-client.js';

/** `cinedex search`: a client of a running server, printing a table (or JSON). */
export async function runSearch(options: SearchOptions & { readonly json: boolean }): Promise<void> {
  const rows = await searchServer(options);
  process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatTable(rows, process.stdout.columns ?? 120)}\n`);
}
