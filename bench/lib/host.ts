/**
 * The address every HTTP scenario's servers listen on and its load connects to. Loopback carries a
 * 64 KiB MTU, so a byte written costs next to nothing there; a pod network carries 1,500-byte frames,
 * and an answer's size decides how many segments the kernel sends and acknowledges for it. A second
 * loopback address routed with that MTU measures bytes as they travel between pods, on this machine
 * (bench/README.md, "Bytes on a pod network's MTU").
 */
import { setting, type Parser } from './settings.js';

const loopback: Parser<string> = {
  expected: 'an IPv4 loopback address (127.x.y.z)',
  parse: (text) => {
    const parts = /^127\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(text);
    return parts !== null && parts.slice(1).every((part) => Number(part) <= 255) ? text : undefined;
  },
};

export const BENCH_HOST = setting(
  'BENCH_HOST',
  loopback,
  '127.0.0.1',
  "the loopback address the HTTP scenarios' servers listen on and their load connects to: one routed with a 1,500-byte MTU puts answers on the wire in a pod network's segments",
);

export const benchHost = BENCH_HOST.read();

/** `http://<benchHost>:<port>`. */
export const benchBase = (port: number): string => `http://${benchHost}:${port}`;
