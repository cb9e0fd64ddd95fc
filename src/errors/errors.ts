/**
 * Every typed error the product throws, in one place (as fastify's lib/errors.js), grouped by the
 * folder that throws it. Each has a stable `code` that tests, logs and the CLI's one-line messages
 * rely on (never change one), its class name as `name`, and keeps what it wraps as `cause`.
 *
 * This folder imports nothing, so any layer may use it. The published client keeps its own errors
 * (src/client/errors.ts): it imports nothing from the product.
 */

/** The base of every error below. */
export abstract class CodedError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

// config

/** A setting that cannot be used; the message names its variable and what it allows. */
export class ConfigError extends CodedError {
  readonly code = 'CONFIG_ERROR';
}

// query

/** A request parameter that cannot be accepted; becomes a 400 problem naming the parameter. */
export class QueryError extends CodedError {
  readonly code = 'INVALID_QUERY';

  constructor(
    readonly parameter: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// engine

/** The relevance key's bit layout cannot hold keys within the search limits (engine/limits.ts): a build-time check. */
export class KeyLayoutError extends CodedError {
  readonly code = 'KEY_LAYOUT';
}

// store

/** An object store failed (unreachable, denied, a write that did not land); callers tell the two below apart. */
export class StoreError extends CodedError {
  readonly code: string = 'STORE_ERROR';
}

/** A conditional write lost: someone else wrote the key first. */
export class PreconditionFailedError extends StoreError {
  override readonly code = 'PRECONDITION_FAILED';
}

export class ObjectTooLargeError extends StoreError {
  override readonly code = 'OBJECT_TOO_LARGE';

  constructor(
    readonly key: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`object ${key} is ${size} bytes, more than the limit of ${maxBytes} bytes`);
  }
}

/**
 * The store holds the object but will not hand over its bytes, and asking again will not change
 * that: S3's InvalidObjectState for an object archived to a Glacier class. Ingestion rejects such an
 * inbox object into its ledger, with `reason`, rather than failing every run on it. (AccessDenied
 * is not one: it usually denies every object alike; see s3-store.ts.)
 */
export class ObjectUnreadableError extends StoreError {
  override readonly code = 'OBJECT_UNREADABLE';

  constructor(
    readonly key: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`object ${key} cannot be read: ${reason}`, options);
  }
}

// snapshot

/**
 * Why a snapshot is refused: `unknown-format` (a newer release wrote it: expected during a rolling
 * upgrade), `damaged` (its bytes fail their checksum or do not decode), `missing` (an object it
 * names is not in the store).
 */
export type RefusalReason = 'unknown-format' | 'damaged' | 'missing';

/** A snapshot, pointer or segment this release must not serve: damaged, incomplete, or of a format it does not know. */
export class SnapshotError extends CodedError {
  readonly code = 'INVALID_SNAPSHOT';
  readonly reason: RefusalReason;
  /** The version the refused pointer names, when it could be read at all. */
  readonly version: string | undefined;

  constructor(message: string, options: ErrorOptions & { readonly reason?: RefusalReason; readonly version?: string } = {}) {
    super(message, options);
    this.reason = options.reason ?? 'damaged';
    this.version = options.version;
  }
}

/**
 * The operator's synonyms file (snapshot/synonyms-file.ts) cannot be used: not JSON, the wrong
 * shape, a phrase without a word, past a limit. `entry` is the entry at fault (from 0), when one is.
 * The run keeps the synonyms the version had.
 */
export class SynonymsFileError extends CodedError {
  readonly code = 'INVALID_SYNONYMS';
  constructor(
    message: string,
    readonly entry?: number,
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** Another writer moved the pointer while this run worked; its result is discarded, nothing is lost. */
export class PublishConflictError extends CodedError {
  readonly code = 'PUBLISH_CONFLICT';
}

// seed

export type SeedErrorCode =
  'NOT_FOUND' | 'DOWNLOAD_FAILED' | 'CHECKSUM_MISMATCH' | 'INVALID_GZIP' | 'INVALID_JSON' | 'NOT_AN_ARRAY' | 'TOO_LARGE';

/** The seed could not be read, downloaded or trusted; the message says what to change. */
export class SeedError extends CodedError {
  constructor(
    readonly code: SeedErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// ingest

/**
 * A run that failed in the ingestion thread, as the thread reported it: the code is the thrown
 * error's own (INVALID_SNAPSHOT, STORE_ERROR…), else INGEST_FAILED, or INGEST_THREAD_EXITED. Only
 * its name, message and code cross the thread boundary, so it has no `cause`.
 */
export class IngestThreadError extends CodedError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The inbox queue (SQS) could not be reached or refused a request; the consumer backs off and retries. */
export class QueueError extends CodedError {
  readonly code = 'QUEUE_ERROR';
}

// http

/** The API key file is unreadable or not a JSON object of key → client name. */
export class ApiKeyFileError extends CodedError {
  readonly code = 'API_KEYS_INVALID';
}

// web

/** A file of the search page is missing at startup: src/web/static was not shipped beside dist/src. */
export class StaticFilesError extends CodedError {
  readonly code = 'STATIC_FILES_MISSING';
}

// edge

export type UpstreamErrorCode = 'UPSTREAM_TIMEOUT' | 'UPSTREAM_UNREACHABLE' | 'UPSTREAM_TOO_LARGE';

/** Why the origin gave no usable answer. */
export class UpstreamError extends CodedError {
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    /** The socket-level code (ECONNREFUSED, ECONNRESET…) when there is one, for the log line. */
    readonly causeCode?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// cli

/** `cinedex serve` could not load a first catalogue version. */
export class StartupError extends CodedError {
  readonly code = 'STARTUP_FAILED';
}

/** `cinedex edge` could not listen. */
export class EdgeStartError extends CodedError {
  readonly code = 'EDGE_START_FAILED';
}

/** `cinedex search` failed in a way to show the user as one line. */
export class SearchError extends CodedError {
  readonly code = 'SEARCH_FAILED';
}
