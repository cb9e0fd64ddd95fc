/** A request parameter that cannot be accepted; becomes a 400 problem naming the parameter. */
export class QueryError extends Error {
  readonly code = 'INVALID_QUERY';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}
