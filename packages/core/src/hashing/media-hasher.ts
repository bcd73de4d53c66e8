import { createStreamingSha256 } from '#sha256';
import { toHex } from '../hex';

/** SHA-256 of a media file as lowercase hex (no `0x`), and its size in bytes. */
export interface MediaHash {
  mediaHash: string;
  sizeBytes: number;
}

/** An incremental media hasher; see `createMediaHasher`. */
export interface MediaHasher {
  /** Feeds the next chunk of the file, in order. */
  update(chunk: Uint8Array): void;
  /** Finishes the hash. Call once; the hasher cannot be fed afterwards. */
  digest(): MediaHash;
  /** Bytes fed so far. */
  readonly sizeBytes: number;
}

/**
 * A media hasher fed by the caller, for code that already reads the file for another purpose (the
 * Node upload hashes in the same pass as it sends). Uses node:crypto in Node and WebAssembly in
 * browsers; the result equals `hashMedia` on the same bytes.
 *
 * @example
 * const hasher = await createMediaHasher();
 * for await (const chunk of fs.createReadStream(path)) { hasher.update(chunk); await send(chunk); }
 * const { mediaHash, sizeBytes } = hasher.digest();
 */
export async function createMediaHasher(): Promise<MediaHasher> {
  const hash = await createStreamingSha256();
  let sizeBytes = 0;
  let digested = false;
  return {
    update(chunk) {
      if (digested) {
        throw new Error('update() was called after digest(); create a new hasher for each file');
      }
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError('update(chunk) takes a Uint8Array (a Node Buffer is one)');
      }
      hash.update(chunk);
      sizeBytes += chunk.byteLength;
    },
    digest() {
      if (digested) {
        throw new Error('digest() was already called; create a new hasher for each file');
      }
      digested = true;
      return { mediaHash: toHex(hash.digest()), sizeBytes };
    },
    get sizeBytes() {
      return sizeBytes;
    },
  };
}
