// Loads a built package through both `require` and `import` (as users' bundlers and Node do) and
// calls a few of its functions: publint and attw check the package's shape and types, not whether
// the CommonJS build actually runs (an ESM-only dependency left external would break it).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? '.');
const pkg = createRequire(resolve(dir, 'package.json'))('./package.json');
const require = createRequire(resolve(dir, 'package.json'));

const smoke = {
  '@ats-kit/core': async (m) => {
    m.createTransport({ baseUrl: 'http://127.0.0.1:9', auth: { type: 'none' } });
    const r = await m.computeCommitment(
      { title: 't', creators: [{ full_name: 'a', email: 'a@b.co', roles: ['author'] }] },
      new Uint8Array([1]),
    );
    if (r.commitment.length !== 64) throw new Error('bad commitment');
  },
  '@ats-kit/node': async (m) => {
    new m.AtsClient({ apiKey: `afo_sk_live_${'0'.repeat(48)}`, baseUrl: 'http://127.0.0.1:9' });
    m.generateWebhookSecret();
  },
  '@ats-kit/sandbox': async (m) => {
    if (typeof m.startSandbox !== 'function') throw new Error('no startSandbox');
  },
};

const run = smoke[pkg.name] ?? (async () => {});
const cjs = require(pkg.name);
await run(cjs);
const root = pkg.exports['.'];
const esmEntry = (root.node ?? root).import.default;
const esm = await import(pathToFileURL(resolve(dir, esmEntry)).href);
await run(esm);
console.log(`${pkg.name}: CommonJS and ESM builds load and run`);
