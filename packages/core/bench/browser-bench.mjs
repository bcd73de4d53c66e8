// Chromium: the core browser engine (dist/browser, hash-wasm streaming) hashing a 256 MiB Blob vs
// WebCrypto's one-shot `crypto.subtle.digest('SHA-256', await blob.arrayBuffer())`, with the
// renderer's memory during each.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../../scripts/chromium.mjs';
import { MIB, mbPerSecond, median } from './bench-report.mjs';

const distEntry = fileURLToPath(new URL('../dist/browser/index.js', import.meta.url));

/**
 * Runs each way `runs` times (alternating, after one warm-up) on one in-page Blob and returns
 * best/median MB/s, the streaming/one-shot ratio of the best runs and the peak renderer memory
 * growth of each way.
 */
export async function runBrowserBench({ sizeMiB = 256, runs = 5, log = () => {} } = {}) {
  const bundle = await bundleForPage(distEntry);
  const server = await serve({
    '/': {
      type: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><title>ats bench</title>',
    },
    '/core.js': { type: 'text/javascript', body: bundle },
  });
  const options = chromiumLaunchOptions();
  const browser = await chromium.launch({
    ...options,
    args: [...options.args, '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => log(`  page error: ${error.message}`));
    // 127.0.0.1 is a secure context, which crypto.subtle requires.
    await page.goto(`${server.url}/`);
    await page.evaluate(async (size) => {
      globalThis.core = await import('/core.js');
      // Distinct pseudo-random 8 MiB parts, so nothing can be deduplicated or cached.
      const parts = [];
      for (let made = 0; made < size; made += 8 * 1024 * 1024) {
        const part = new Uint8Array(Math.min(8 * 1024 * 1024, size - made));
        for (let i = 0; i < part.length; i += 65536)
          crypto.getRandomValues(part.subarray(i, i + 65536));
        parts.push(part);
      }
      globalThis.media = new Blob(parts);
    }, sizeMiB * MIB);
    const engine = await page.evaluate(() => globalThis.core.SHA256_ENGINE);

    const wayNames = ['streaming', 'oneShot', 'hashOnly'];
    await page.evaluate(() => {
      globalThis.hashOnlyPart = new Uint8Array(8 * 1024 * 1024).fill(7);
      globalThis.benchWays = {
        streaming: async () => (await globalThis.core.hashMedia(globalThis.media)).mediaHash,
        oneShot: async () => {
          const data = await globalThis.media.arrayBuffer();
          const digest = await crypto.subtle.digest('SHA-256', data);
          return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        },
        // Not a way to hash the Blob: the same engine on bytes already in memory, i.e. the
        // ceiling any reading strategy could reach. Its hash differs (one part, 32 times).
        hashOnly: async () => {
          const hasher = await globalThis.core.createMediaHasher();
          const part = globalThis.hashOnlyPart;
          for (let done = 0; done < globalThis.media.size; done += part.length) hasher.update(part);
          return hasher.digest().mediaHash;
        },
      };
    });
    const rendererPids = await findRendererPids(browser);
    const timings = { streaming: [], oneShot: [], hashOnly: [] };
    const memory = { streaming: [], oneShot: [], hashOnly: [] };
    const hashes = new Set();
    // Run 0 is a warm-up (WebAssembly tier-up, Blob storage settling) and is not counted.
    for (let run = 0; run <= runs; run++) {
      for (const name of wayNames) {
        await page.evaluate(() => globalThis.gc());
        const sampler = startRssSampler(rendererPids);
        const heapBefore = await page.evaluate(() => performance.memory.usedJSHeapSize);
        const { ms, hex, heapPeak } = await page.evaluate(async (wayName) => {
          let heapPeak = performance.memory.usedJSHeapSize;
          const timer = setInterval(() => {
            heapPeak = Math.max(heapPeak, performance.memory.usedJSHeapSize);
          }, 20);
          const start = performance.now();
          const hex = await globalThis.benchWays[wayName]();
          const ms = performance.now() - start;
          clearInterval(timer);
          return { ms, hex, heapPeak };
        }, name);
        const rss = sampler.stop();
        if (name !== 'hashOnly') hashes.add(hex);
        if (run === 0) continue;
        timings[name].push(ms);
        memory[name].push({
          rssGrowth: rss.peak - rss.baseline,
          heapGrowth: heapPeak - heapBefore,
        });
      }
      log(run === 0 ? '  browser warm-up done' : `  browser run ${run}/${runs} done`);
    }
    const readers = await compareBlobReaders(page, log);
    if (hashes.size !== 1) throw new Error(`streaming and one-shot disagree: ${[...hashes]}`);

    const sizeBytes = sizeMiB * MIB;
    const stat = (name) => ({
      medianMBs: mbPerSecond(sizeBytes, median(timings[name])),
      bestMBs: mbPerSecond(sizeBytes, Math.min(...timings[name])),
      peakRssGrowthMiB: Math.max(...memory[name].map((m) => m.rssGrowth)) / MIB,
      peakHeapGrowthMiB: Math.max(...memory[name].map((m) => m.heapGrowth)) / MIB,
    });
    const stats = {
      streaming: stat('streaming'),
      oneShot: stat('oneShot'),
      hashOnly: stat('hashOnly'),
    };
    return {
      sizeMiB,
      runs,
      engine,
      stats,
      ratio: stats.streaming.bestMBs / stats.oneShot.bestMBs,
      readers,
      target: 0.5,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * Reading alone (no hashing), to choose how hashMedia reads a Blob: blob.stream() with a BYOB or a
 * default reader, or slice().arrayBuffer() in fixed steps. Best MB/s of two runs each; a way that
 * throws (large slices of big in-memory Blobs can fail with NotReadableError) reports its error.
 */
async function compareBlobReaders(page, log) {
  const results = await page.evaluate(async () => {
    const blob = globalThis.media;
    const ways = {
      'stream(), BYOB reader, 4 MiB buffer': async () => {
        const reader = blob.stream().getReader({ mode: 'byob' });
        let buffer = new ArrayBuffer(4 * 1024 * 1024);
        for (;;) {
          const { done, value } = await reader.read(new Uint8Array(buffer));
          if (done) break;
          buffer = value.buffer;
        }
      },
      'stream(), default reader': async () => {
        const reader = blob.stream().getReader();
        while (!(await reader.read()).done) {}
      },
      'slice(1 MiB steps).arrayBuffer()': async () => {
        for (let at = 0; at < blob.size; at += 1024 * 1024)
          await blob.slice(at, at + 1024 * 1024).arrayBuffer();
      },
      'slice(16 MiB steps).arrayBuffer()': async () => {
        for (let at = 0; at < blob.size; at += 16 * 1024 * 1024)
          await blob.slice(at, at + 16 * 1024 * 1024).arrayBuffer();
      },
    };
    const out = {};
    for (const [name, read] of Object.entries(ways)) {
      let best = Number.POSITIVE_INFINITY;
      try {
        for (let run = 0; run < 2; run++) {
          globalThis.gc();
          const start = performance.now();
          await read();
          best = Math.min(best, performance.now() - start);
        }
        out[name] = { bestMBs: blob.size / 1e6 / (best / 1000) };
      } catch (error) {
        out[name] = { error: String(error?.name ?? error) };
      }
    }
    return out;
  });
  log('  blob readers compared');
  return results;
}

/**
 * dist/browser imports hash-wasm by its bare name, as a consumer's bundler would resolve it; the
 * page has no bundler, so esbuild (tsup's own) bundles the built file the same way first.
 */
async function bundleForPage(entry) {
  await readFile(entry).catch(() => {
    throw new Error(`${entry} is missing; build first: cd packages/core && npx tsup`);
  });
  const requireFromTsup = createRequire(createRequire(import.meta.url).resolve('tsup'));
  const esbuild = await import(pathToFileURL(requireFromTsup.resolve('esbuild')).href);
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0].text;
}

function serve(routes) {
  const server = http.createServer((request, response) => {
    const route = routes[new URL(request.url, 'http://127.0.0.1').pathname];
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' });
    response.end(route.body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}

/** PIDs of the renderer processes under the browser that playwright started. */
async function findRendererPids(browser) {
  const root = browser.process?.()?.pid;
  const { readdir } = await import('node:fs/promises');
  const processes = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      processes.push({ pid: Number(entry), ppid, renderer: cmdline.includes('--type=renderer') });
    } catch {
      // The process ended while we looked.
    }
  }
  const descendants = new Set(root ? [root] : []);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of processes) {
      if (descendants.has(p.ppid) && !descendants.has(p.pid)) {
        descendants.add(p.pid);
        grew = true;
      }
    }
  }
  return processes.filter((p) => p.renderer && (!root || descendants.has(p.pid))).map((p) => p.pid);
}

/** Samples the renderers' summed RSS every 25 ms until stopped; returns baseline and peak. */
function startRssSampler(pids) {
  const { readFileSync } = createRequire(import.meta.url)('node:fs');
  const rss = () =>
    pids.reduce((sum, pid) => {
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return sum + (match ? Number(match[1]) * 1024 : 0);
      } catch {
        return sum;
      }
    }, 0);
  const baseline = rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rss());
      return { baseline, peak };
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runBrowserBench({ log: console.log }), null, 2));
}
