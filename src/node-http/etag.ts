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
 * The ETag of one representation of an answer: a compressed body is other bytes, so it gets a tag of its
 * own (`"v.abc+br"`), told apart by a suffix no base tag can end with (tags are base36, hex or
 * base64url inside the quotes, none of which has `+`).
 */
export function representationEtag(etag: string, encoding: Encoding): string {
  return encoding === 'identity' ? etag : `${etag.slice(0, -1)}+${encoding}"`;
}

/** The tag without its representation suffix. */
function baseOf(tag: string): string {
  const plus = tag.lastIndexOf('+');
  return plus === -1 ? tag : `${tag.slice(0, plus)}"`;
}

/**
 * RFC 9110 If-None-Match: `*`, or a list of (possibly weak) tags compared weakly. Any representation's
 * tag matches (`"v.abc+gzip"` for an answer now sent in br): they are the same answer, so a client or
 * cache holding either has it, and the 304 carries the tag of the representation it would have been sent.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const base = baseOf(etag);
  for (const part of header.split(',')) {
    const tag = part.trim();
    if (baseOf(tag.startsWith('W/') ? tag.slice(2) : tag) === base) return true;
  }
  return false;
}
