// s3rver ships no types; this is the part of its API the tests use.
declare module 's3rver' {
  import type { Readable } from 'node:stream';

  interface S3rverOptions {
    port?: number;
    address?: string;
    silent?: boolean;
    directory: string;
    configureBuckets?: { name: string; configs: unknown[] }[];
  }

  /** An object as its store takes and gives it (lib/models/object.js). */
  interface StoreObject {
    readonly bucket: string;
    readonly key: string;
    readonly content: Readable | Buffer | null;
    readonly metadata: Record<string, string | number>;
  }

  /** The folder store behind the server (lib/stores/filesystem.js): the methods test/support/s3-server.ts replaces or calls. */
  interface FilesystemStore {
    getResourcePath(bucket: string, key: string, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string | number>, md5?: string): Promise<void>;
    putObject(object: StoreObject): Promise<{ size: number; md5: string }>;
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoreObject | null>;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    readonly store: FilesystemStore;
    run(): Promise<{ port: number; address: string }>;
    close(): Promise<void>;
  }
}

declare module 's3rver/lib/models/object.js' {
  import type { Readable } from 'node:stream';

  export default class S3Object {
    readonly bucket: string;
    readonly key: string;
    readonly content: Readable | null;
    readonly metadata: Record<string, string | number>;
    constructor(bucket: string, key: string, content: Readable | null, metadata: Record<string, string | number>);
    static readonly ALLOWED_METADATA: readonly string[];
  }
}
