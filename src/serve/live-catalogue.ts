import type { CatalogueIndex } from '../engine/catalogue-index.js';

/**
 * The index this process serves. A swap is one reference assignment: a request reads `current`
 * once and uses that index to the end, so it never mixes two versions and needs no lock.
 */
export class LiveCatalogue {
  private index: CatalogueIndex | undefined;
  private loaded: Date | undefined;
  private readonly listeners: ((index: CatalogueIndex) => void)[] = [];

  get current(): CatalogueIndex | undefined {
    return this.index;
  }

  /** When this process loaded the data it is serving. */
  get loadedAt(): Date | undefined {
    return this.loaded;
  }

  swap(index: CatalogueIndex, now = new Date()): void {
    this.index = index;
    this.loaded = now;
    for (const listener of this.listeners) listener(index);
  }

  onSwap(listener: (index: CatalogueIndex) => void): void {
    this.listeners.push(listener);
  }
}
