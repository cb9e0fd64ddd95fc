/**
 * Preloaded with `node --import` into a process that must work on a machine without internet: a
 * fetch to any host but this one fails the way it does offline (ENOTFOUND), and says so on stderr,
 * so a test sees an attempt even where CI does have a network.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const online = globalThis.fetch;

globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (LOOPBACK.has(url.hostname)) return online(input, init);
  process.stderr.write(`offline: refused ${url.href}\n`);
  const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), { code: 'ENOTFOUND' });
  return Promise.reject(new TypeError('fetch failed', { cause }));
};

export {};
