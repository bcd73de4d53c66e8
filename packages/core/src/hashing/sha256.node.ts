// Node engine of `#sha256`: OpenSSL through node:crypto (SHA-NI / AVX2 where the CPU has them).
import { createHash } from 'node:crypto';
import type { Sha256EngineName, StreamingSha256 } from './sha256-engine';

/** The engine this build hashes with. */
export const SHA256_ENGINE: Sha256EngineName = 'node:crypto';

/** SHA-256 of a small input, synchronously. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return asPlainBytes(createHash('sha256').update(bytes).digest());
}

/** An incremental SHA-256 for inputs too large to hold at once. */
export async function createStreamingSha256(): Promise<StreamingSha256> {
  const hash = createHash('sha256');
  return {
    update(chunk) {
      hash.update(chunk);
    },
    digest() {
      return asPlainBytes(hash.digest());
    },
  };
}

// A Buffer is a Uint8Array, but a plain view keeps results identical to the browser engine's
// (deep equality in tests, no Buffer-only methods leaking to callers).
function asPlainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
