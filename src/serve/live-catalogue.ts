import type { CatalogueIndex } from '../engine/catalogue-index.js';
import type { Dataset } from '../snapshot/dataset.js';

/**
 * The data this process serves. A swap is one reference assignment: a request reads `current`
 * once and uses that index to the end, so it never mixes two versions and needs no lock.
 */
export class LiveCatalogue {
  private data: Dataset | undefined;
  private loaded: Date | undefined;
  private readonly listeners: ((dataset: Dataset) => void)[] = [];

  get current(): CatalogueIndex | undefined {
    return this.data?.index;
  }

  get dataset(): Dataset | undefined {
    return this.data;
  }

  /** When this process loaded the data it is serving. */
  get loadedAt(): Date | undefined {
    return this.loaded;
  }

  /** Accepts a bare index (tests, seed files) or a full dataset with provenance. */
  swap(data: CatalogueIndex | Dataset, now = new Date()): void {
    this.data = 'index' in data ? data : { index: data, history: () => [] };
    this.loaded = now;
    for (const listener of this.listeners) listener(this.data);
  }

  onSwap(listener: (dataset: Dataset) => void): void {
    this.listeners.push(listener);
  }
}
