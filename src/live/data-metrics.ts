import { Gauge, type Registry } from 'prom-client';
import type { CatalogueReader } from '../snapshot/catalogue-reader.js';

/**
 * The version being served, as Prometheus series read when scraped: when it was published (the
 * alerts compare it with the ingester's last success), how it is made (base and deltas) and what
 * the store held after the run that published it.
 */
export function registerDataMetrics(registry: Registry, reader: CatalogueReader): void {
  const gauge = (name: string, help: string, value: (reader: CatalogueReader) => number | undefined, labelNames: string[] = []) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const v = value(reader);
        if (v !== undefined) this.set(v);
      },
    });
  gauge('cinedex_data_published_timestamp_seconds', 'When the version being served was published (Unix seconds).', (r) => {
    const createdAt = r.dataset?.pointer?.createdAt;
    return createdAt === undefined ? undefined : Date.parse(createdAt) / 1000;
  });
  gauge('cinedex_data_sequence', 'Sequence number of the version being served.', (r) => r.dataset?.pointer?.sequence);
  gauge(
    'cinedex_data_base_sequence',
    'Sequence of the version that wrote the base segment being served.',
    (r) => r.dataset?.segments?.base.sequence,
  );
  gauge(
    'cinedex_data_deltas',
    'Delta segments served on top of the base (the merge policy bounds them).',
    (r) => r.dataset?.segments?.deltas.count,
  );
  gauge('cinedex_data_delta_entries', 'Movies and deletions the served deltas hold.', (r) => {
    const deltas = r.dataset?.segments?.deltas;
    return deltas === undefined ? undefined : deltas.movies + deltas.deletes;
  });
  gauge('cinedex_data_delta_bytes', 'Bytes of the served delta segments.', (r) => r.dataset?.segments?.deltas.bytes);
  gauge('cinedex_data_base_bytes', 'Bytes of the served base segment.', (r) => r.dataset?.segments?.base.bytes);
  gauge(
    'cinedex_data_last_compaction_sequence',
    'Sequence of the last version that merged segments.',
    (r) => r.dataset?.segments?.lastCompaction?.sequence,
  );
  gauge(
    'cinedex_store_bytes',
    'Bytes under the catalogue prefix after the garbage collection of the run that published the served version.',
    (r) => r.dataset?.segments?.store.bytes,
  );
  gauge('cinedex_store_objects', 'Objects under the catalogue prefix after that collection.', (r) => r.dataset?.segments?.store.objects);
  gauge('cinedex_store_collected_objects', 'Objects deleted by that collection.', (r) => r.dataset?.segments?.store.collected.objects);
  gauge('cinedex_store_collected_bytes', 'Bytes deleted by that collection.', (r) => r.dataset?.segments?.store.collected.bytes);
}
