// Zod schemas of the ATS wire format (api.md), grouped by area. Naming: `XxxSchema` with its
// parsed type `Xxx`; `XxxWire` is what a server sends when parsing changes the shape (z.input);
// `XxxInput` is what a caller may pass when a request schema normalises it.
export * from './access';
export * from './common';
export * from './creators';
export * from './errors';
export * from './parse-request';
export * from './reads';
export * from './sandbox-admin';
export * from './sessions';
export * from './stats';
export * from './transactions';
export * from './versions';
export * from './webhooks';
export * from './works';
