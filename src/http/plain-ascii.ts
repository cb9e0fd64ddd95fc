/**
 * Printable ASCII without a quote or a backslash: text JSON writes between quotes as it is, one byte a character.
 * The request log line copies such a string without escaping it (request-line-bytes.ts). Deciding it scans the string
 * (~17 instructions a character under callgrind), the dearest part of a line, so the producers of a line's strings
 * that already know say so (RequestRecord.plain): a cached answer remembers the verdict on its target, and request ids
 * are plain by construction (node-http/request-id.ts).
 */

// DEL (0x7f) is printable here: JSON writes it as it is.
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7f]/;

export function isPlainAscii(text: string): boolean {
  return !NOT_PLAIN.test(text);
}
