// The contract both `#sha256` implementations (sha256.node.ts, sha256.browser.ts) fulfil. The
// package.json `imports` conditions pick one per platform at build time, so core's code is written
// once against this shape.

/** Which SHA-256 implementation a build uses: OpenSSL through Node, or WebAssembly in browsers. */
export type Sha256EngineName = 'node:crypto' | 'wasm';

/** An incremental SHA-256: feed chunks in order with `update`, then call `digest` once. */
export interface StreamingSha256 {
  update(chunk: Uint8Array): void;
  digest(): Uint8Array;
}
