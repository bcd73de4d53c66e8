// Public surface of @ats-kit/core. Each area lives in its own folder and re-exports its public
// names; anything not re-exported here is internal.
export * from './access-code';
export * from './commitment';
export * from './engine';
export * from './errors';
export * from './fees';
export * from './hashing';
export * from './hex';
export * from './limits';
export * from './networks';
export * from './schemas';
export * from './transport';
export * from './upload';
export * from './webhook-signature';
