import type { Registry } from 'prom-client';
import { Gauge } from '../metrics/prom-client.js';
import type { CatalogueReader } from '../snapshot/catalogue-reader.js';

/**
 * The version being served, as Prometheus series read when scraped: when it was published (the
 * alerts compare it with the ingester's last success), how it is made (base and deltas) and what
 * the store held after the run that published it.
 */
export function registerDataMetrics(registry: Registry, reader: CatalogueReader): void {
  const gauge = (series: { name: string; help: string }, value: (reader: CatalogueReader) => number | undefined) =>
    new Gauge({
      ...series,
      registers: [registry],
      collect() {
        this.reset();
        const v = value(reader);
        if (v !== undefined) this.set(v);
      },
    });
  gauge({ name: 'cinedex_data_published_timestamp_seconds', help: 'When the version being served was published (Unix seconds).' }, (r) => {
    const createdAt = r.dataset?.pointer?.createdAt;
    return createdAt === undefined ? undefined : Date.parse(createdAt) / 1000;
  });
  gauge({ name: 'cinedex_data_sequence', help: 'Sequence number of the version being served.' }, (r) => r.dataset?.pointer?.sequence);
  gauge(
    { name: 'cinedex_data_base_sequence', help: 'Sequence of the version that wrote the base segment being served.' },
    (r) => r.dataset?.segments?.base.sequence,
  );
  gauge(
    { name: 'cinedex_data_deltas', help: 'Delta segments served on top of the base (the merge policy bounds them).' },
    (r) => r.dataset?.segments?.deltas.count,
  );
  gauge({ name: 'cinedex_data_delta_entries', help: 'Movies and deletions the served deltas hold.' }, (r) => {
    const deltas = r.dataset?.segments?.deltas;
    return deltas === undefined ? undefined : deltas.movies + deltas.deletes;
  });
  gauge({ name: 'cinedex_data_delta_bytes', help: 'Bytes of the served delta segments.' }, (r) => r.dataset?.segments?.deltas.bytes);
  gauge({ name: 'cinedex_data_base_bytes', help: 'Bytes of the served base segment.' }, (r) => r.dataset?.segments?.base.bytes);
  gauge(
    { name: 'cinedex_data_last_compaction_sequence', help: 'Sequence of the last version that merged segments.' },
    (r) => r.dataset?.segments?.lastCompaction?.sequence,
  );
  gauge(
    {
      name: 'cinedex_store_bytes',
      help: 'Bytes under the catalogue prefix after the garbage collection of the run that published the served version.',
    },
    (r) => r.dataset?.segments?.store.bytes,
  );
  gauge(
    { name: 'cinedex_store_objects', help: 'Objects under the catalogue prefix after that collection.' },
    (r) => r.dataset?.segments?.store.objects,
  );
  gauge(
    { name: 'cinedex_store_collected_objects', help: 'Objects deleted by that collection.' },
    (r) => r.dataset?.segments?.store.collected.objects,
  );
  gauge(
    { name: 'cinedex_store_collected_bytes', help: 'Bytes deleted by that collection.' },
    (r) => r.dataset?.segments?.store.collected.bytes,
  );
}
