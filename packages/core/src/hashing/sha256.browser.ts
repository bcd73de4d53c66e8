// Browser engine of `#sha256`. WebCrypto cannot hash incrementally (`crypto.subtle.digest` needs
// the whole input), so large media goes through hash-wasm's WebAssembly SHA-256; small inputs use
// @noble/hashes, which is synchronous and needs no WebAssembly.
import { sha256 as nobleSha256 } from '@noble/hashes/sha256';
import { createSHA256 } from 'hash-wasm';
import type { Sha256EngineName, StreamingSha256 } from './sha256-engine';

/** The engine this build hashes with (for streaming; see `createStreamingSha256`). */
export const SHA256_ENGINE: Sha256EngineName = 'wasm';

/** SHA-256 of a small input, synchronously. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

/**
 * An incremental SHA-256 for inputs too large to hold at once. Falls back to @noble/hashes (about
 * 5× slower, same result) when the page cannot compile WebAssembly, e.g. under a Content Security
 * Policy without `'wasm-unsafe-eval'`.
 */
export async function createStreamingSha256(): Promise<StreamingSha256> {
  let hasher: Awaited<ReturnType<typeof createSHA256>>;
  try {
    hasher = await createSHA256();
  } catch {
    return nobleSha256.create();
  }
  hasher.init();
  return {
    update(chunk) {
      hasher.update(chunk);
    },
    digest() {
      return hasher.digest('binary');
    },
  };
}
