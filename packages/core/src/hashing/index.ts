export { SHA256_ENGINE } from '#sha256';
export { type HashMediaOptions, type HashMediaProgress, hashMedia } from './hash-media';
export type { MediaInput } from './media-chunks';
export { createMediaHasher, type MediaHash, type MediaHasher } from './media-hasher';
export type { Sha256EngineName } from './sha256-engine';
