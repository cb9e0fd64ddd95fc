/** One answered request, as logged (request-log.ts, request-line-bytes.ts) and measured. */
export interface RequestRecord {
  readonly reqId: string;
  readonly client: string;
  readonly method: string;
  readonly url: string;
  /** The route pattern (`/v1/movies/:id`), never the raw path: metric labels stay bounded. */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
  /**
   * Set by a producer that knows `reqId` and `url` are both plain ASCII (plain-ascii.ts): the log line then copies them
   * without scanning them again. Absent or false says nothing, and they are checked.
   */
  readonly plain?: boolean;
}
