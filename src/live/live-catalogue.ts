import type { CatalogueReader, Dataset } from '../snapshot/dataset.js';

/**
 * The data this process serves, and the one place it changes. A swap is one reference assignment:
 * a request reads `dataset` once and uses it to the end, so it never mixes two versions and needs
 * no lock. The servers see it only as a CatalogueReader; swapping belongs to the lifecycle.
 */
export class LiveCatalogue implements CatalogueReader {
  private data: Dataset | undefined;
  private loaded: Date | undefined;

  get dataset(): Dataset | undefined {
    return this.data;
  }

  get loadedAt(): Date | undefined {
    return this.loaded;
  }

  swap(dataset: Dataset, now = new Date()): void {
    this.data = dataset;
    this.loaded = now;
  }
}
