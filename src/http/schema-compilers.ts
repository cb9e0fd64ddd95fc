import type { FastifyServerOptions } from 'fastify';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/**
 * How cinedex's Fastify instances treat route schemas: they document the API (OpenAPI), our own parser
 * validates, and routes send answers already serialised. Given as compiler factories rather than set
 * with setValidatorCompiler, so Fastify never loads its defaults, ajv and fast-json-stringify's compiler (~100
 * modules, a fifth of what `cinedex serve` loaded before it was ready). Fastify's types name ajv's
 * compiled function; what it calls is any `(data) => boolean`.
 */
export const SCHEMAS_DOCUMENT_ONLY: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: (() => () => () => true) as unknown as Compilers['buildValidator'],
    buildSerializer: () => () => (data: unknown) => JSON.stringify(data),
  },
};
