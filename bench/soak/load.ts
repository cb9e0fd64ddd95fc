/**
 * The soak's load: `connections` closed loops on open-loop.ts's lean node:net client, each sending
 * the next path of the mix as soon as its previous answer is in, for as long as the soak runs. One
 * load spans every phase (no reconnecting between them); what a phase measures is decided by the
 * sink each answer goes to.
 *
 * A closed loop under-counts stalls (a stalled connection sends nothing meanwhile): the issue's
 * figures and target are stated for this load, and a stall still shows as one slow request per
 * connection.
 */
import { netTransport } from '../open-loop.js';

/** Where each answer goes: `status` is undefined when the exchange failed at the socket. */
export type AnswerSink = (sentAt: number, latencyMs: number, status: number | undefined) => void;

export interface SteadyLoad {
  /** Answers from now on go to `sink`. */
  measureInto(sink: AnswerSink): void;
  /** Stops sending; resolves when every answer in flight is in. */
  stop(): Promise<void>;
}

export function steadyLoad(base: string, paths: readonly string[], connections: number, sink: AnswerSink): SteadyLoad {
  const transport = netTransport(base, connections);
  let current = sink;
  let stopping = false;
  let next = 0;
  const origin = performance.timeOrigin;
  const loops = Array.from(
    { length: connections },
    () =>
      new Promise<void>((resolve) => {
        const loop = (): void => {
          if (stopping) return resolve();
          const sentAt = performance.now();
          transport.send(paths[next++ % paths.length] as string, (status) => {
            const now = performance.now();
            current(origin + sentAt, now - sentAt, status);
            loop();
          });
        };
        loop();
      }),
  );
  return {
    measureInto(sink) {
      current = sink;
    },
    async stop() {
      stopping = true;
      await Promise.all(loops);
      transport.close();
    },
  };
}
