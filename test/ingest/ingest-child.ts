/** Runs one ingestion in its own process, so a test can kill it at any point. Args: storeDir inboxDir. */
import { pino } from 'pino';
import { runIngestion } from '../../src/ingest/ingestion.js';
import { SnapshotRepository } from '../../src/snapshot/repository.js';
import { FolderStore } from '../../src/store/folder-store.js';

const [storeDir, inboxDir] = process.argv.slice(2) as [string, string];
await runIngestion({
  repository: new SnapshotRepository(new FolderStore(storeDir)),
  inbox: new FolderStore(inboxDir),
  maxObjectBytes: 64 * 2 ** 20,
  log: pino({ level: 'silent' }),
  retention: { keep: 3, graceMs: 0 },
});
