export { fromHex, isHash32, normalizeHash, toHex, toWireHash } from './hex';
