import { createHash } from 'node:crypto';
import type { Encoding } from './accept-encoding.js';

/** FNV-1a, 32 bits: cheap enough for every request; ETags need to differ, not to resist attack. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Strong ETag for one answer of one data version: the same URL on the same version gives the same bytes. */
export function etagFor(version: string, request: string): string {
  return `"${version}.${fnv1a(request).toString(36)}"`;
}

/** Strong ETag of a fixed body (the page's files, the OpenAPI document): its SHA-256, 162 bits of it in base64url. */
export function contentEtag(body: Buffer | string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * The ETag of one representation of an answer. A compressed body is other bytes, so it gets a tag of its
 * own (`W/"v.abc+br"`), told apart by a suffix no base tag can end with (tags are base36, hex or base64url
 * inside the quotes, none of which has `+`). It is weak (RFC 9110 §8.8.1) because its bytes change while
 * it stands: the response cache swaps the first, fast compression for a smaller one made later, and both
 * decode to the same identity body. One weak tag for both lets a client or cache holding the first bytes
 * revalidate to a 304 that refreshes them (RFC 9111 §4.3.4 updates a stored response only from a 304 whose
 * strong tag is the stored one's, or a weak tag); a strong tag per set of bytes would make them fetch the
 * whole answer again for nothing. The identity body never changes for a version, so its tag stays strong.
 */
export function representationEtag(etag: string, encoding: Encoding): string {
  return encoding === 'identity' ? etag : `W/${etag.slice(0, -1)}+${encoding}"`;
}

/** The opaque tag without its weakness and representation suffix: what every representation of an answer shares. */
function baseOf(tag: string): string {
  const opaque = tag.startsWith('W/') ? tag.slice(2) : tag;
  const plus = opaque.lastIndexOf('+');
  return plus === -1 ? opaque : `${opaque.slice(0, plus)}"`;
}

/**
 * RFC 9110 If-None-Match: `*`, or a list of (possibly weak) tags compared weakly. Any representation's
 * tag matches (`W/"v.abc+gzip"` for an answer now sent in br): they are the same answer, so a client or
 * cache holding either has it, and the 304 carries the tag of the representation it would have been sent.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const base = baseOf(etag);
  for (const part of header.split(',')) if (baseOf(part.trim()) === base) return true;
  return false;
}
