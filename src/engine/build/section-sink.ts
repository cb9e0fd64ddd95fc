/** The arrays an index is made of, as a segment stores them (snapshot/segment-codec.ts). */
export type SectionArray = Uint8Array | Uint16Array | Int32Array | Uint32Array;

/** A byte section handed over in pieces as the build makes it (the movies' JSON). */
export interface ByteSection {
  /** The next bytes; `chunk` is only read during the call, so a writer may reuse it. */
  write(chunk: Uint8Array): void;
  /** After the last piece: what stands for the section in the index. */
  end(): Uint8Array;
}

/**
 * Where the build hands each array of the index once it is complete, in the segment's order (the
 * order of IndexData's fields, depth first). A writer that writes each array as it comes, and
 * hands back an empty one of its type to stand for it, lets the build let go of each section before
 * it makes the next, instead of holding the whole index until its segment is written.
 */
export interface SectionSink {
  put<A extends SectionArray>(array: A): A;
  /** A byte section written in pieces; no other section is put until it ends. */
  bytes(): ByteSection;
}

/** The index kept whole in memory: every array as it is. */
export const KEEP_SECTIONS: SectionSink = {
  put: (array) => array,
  bytes() {
    const chunks: Uint8Array[] = [];
    let length = 0;
    return {
      write(chunk) {
        chunks.push(chunk.slice());
        length += chunk.length;
      },
      end() {
        const bytes = new Uint8Array(length);
        let at = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, at);
          at += chunk.length;
        }
        return bytes;
      },
    };
  },
};

/** Puts every typed array in `value` into `sink` in the segment's order (depth first, fields in order); returns what stands for it. */
export function putAll<T>(sink: SectionSink, value: T): T {
  if (ArrayBuffer.isView(value)) return sink.put(value as unknown as SectionArray) as unknown as T;
  if (Array.isArray(value)) return value.map((v: unknown) => putAll(sink, v)) as unknown as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, putAll(sink, v)])) as T;
  return value;
}
