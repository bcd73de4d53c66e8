// Node: the core hasher from dist/node on a 256 MiB file vs `openssl dgst -sha256` of that file.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MIB, mbPerSecond, median } from './bench-report.mjs';

const distUrl = new URL('../dist/node/index.js', import.meta.url);

/**
 * Times each way of hashing the same file `runs` times, after warming the page cache, and returns
 * the best and median MB/s of each plus the core/openssl ratio of the best runs (the best run is
 * the one least disturbed by other work on the machine).
 */
export async function runNodeBench({ sizeMiB = 256, runs = 7, log = () => {} } = {}) {
  const core = await import(distUrl.href);
  const dir = await mkdtemp(join(tmpdir(), 'ats-bench-'));
  try {
    const file = join(dir, 'media.bin');
    const sizeBytes = sizeMiB * MIB;
    await writeTestFile(file, sizeBytes);
    await readFile(file); // warm the page cache: every variant then reads from memory

    // Candidate ways to feed the core hasher; the fastest becomes the reported "core" figure.
    const variants = {
      'hashMedia(createReadStream, 1 MiB chunks)': () =>
        core.hashMedia(createReadStream(file, { highWaterMark: MIB })),
      'hashMedia(createReadStream, 4 MiB chunks)': () =>
        core.hashMedia(createReadStream(file, { highWaterMark: 4 * MIB })),
      'hashMedia(createReadStream, 16 MiB chunks)': () =>
        core.hashMedia(createReadStream(file, { highWaterMark: 16 * MIB })),
      'createMediaHasher + for await (4 MiB chunks)': async () => {
        const hasher = await core.createMediaHasher();
        for await (const chunk of createReadStream(file, { highWaterMark: 4 * MIB })) {
          hasher.update(chunk);
        }
        return hasher.digest();
      },
    };
    const opensslHex = await opensslDigest(file); // also warms openssl's own code and libraries

    const timings = { openssl: [] };
    for (const name of Object.keys(variants)) timings[name] = [];
    for (let run = 0; run < runs; run++) {
      // Interleaved so a noisy moment on the machine hits every variant alike.
      for (const [name, hash] of Object.entries(variants)) {
        const start = performance.now();
        const { mediaHash, sizeBytes: hashed } = await hash();
        timings[name].push(performance.now() - start);
        if (mediaHash !== opensslHex || hashed !== sizeBytes) {
          throw new Error(`${name} gave ${mediaHash} (${hashed} B), openssl ${opensslHex}`);
        }
      }
      const start = performance.now();
      await opensslDigest(file);
      timings.openssl.push(performance.now() - start);
      log(`  node run ${run + 1}/${runs} done`);
    }

    const stats = Object.fromEntries(
      Object.entries(timings).map(([name, ms]) => [
        name,
        {
          medianMBs: mbPerSecond(sizeBytes, median(ms)),
          bestMBs: mbPerSecond(sizeBytes, Math.min(...ms)),
        },
      ]),
    );
    const fastestCore = Object.keys(variants).reduce((a, b) =>
      stats[a].bestMBs >= stats[b].bestMBs ? a : b,
    );
    return {
      sizeMiB,
      runs,
      stats,
      fastestCore,
      ratio: stats[fastestCore].bestMBs / stats.openssl.bestMBs,
      target: 0.9,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeTestFile(file, sizeBytes) {
  const block = randomBytes(8 * MIB); // incompressible; the content does not change SHA-256 speed
  const handle = await open(file, 'w');
  try {
    for (let written = 0; written < sizeBytes; written += block.length) {
      await handle.write(block, 0, Math.min(block.length, sizeBytes - written));
    }
  } finally {
    await handle.close();
  }
}

/** Hex digest printed by `openssl dgst -sha256`; the awaited time is its wall time. */
function opensslDigest(file) {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['dgst', '-sha256', '-r', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text) => {
      out += text;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out.split(' ')[0].trim());
      else reject(new Error(`openssl dgst exited with ${code}`));
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runNodeBench({ log: console.log }), null, 2));
}
