import { ConfigError } from '../errors/errors.js';

/** Which web origins may read the API's answers from a script: every origin, none, or those listed. */
export type CorsOrigins = '*' | 'none' | readonly string[];

/** `scheme://host[:port]`, as a browser sends it in `Origin`: no path, no trailing slash. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

/** Reads MOVIES_CORS_ORIGINS: `*`, `none`, or a comma-separated list of origins; a malformed origin stops the process at start. */
export function parseCorsOrigins(value: string): CorsOrigins {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  if (trimmed.toLowerCase() === 'none') return 'none';
  const origins = trimmed
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  const bad = origins.find((o) => !ORIGIN.test(o));
  if (bad !== undefined || origins.length === 0)
    throw new ConfigError(
      `MOVIES_CORS_ORIGINS must be *, none, or a comma-separated list of origins like https://app.example.com (scheme, host, optional port; no path), got "${value.slice(0, 100)}"`,
    );
  // Browsers send the scheme and host in lower case.
  return origins.map((o) => o.toLowerCase());
}
