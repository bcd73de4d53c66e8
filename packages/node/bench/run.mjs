// Benchmarks of the BUILT Node SDK against a sandbox in a child process (`pnpm bench`; build
// first). Each number is a ratio within this run, on this machine, so runs on different machines
// compare:
//
// 1. Upload of a 500,000,000-byte file from disk to a fresh upload URL (`POST /v1/works/init`):
//    core's uploadToPresignedUrl against `curl -T`. Throughput ratio target ≥ 0.9. The SDK runs in
//    its own child process whose VmRSS is sampled every 50 ms: peak target ≤ 150 MB, for a 50 MB
//    and the 500 MB file alike (memory must not grow with the file).
// 2. client.works.register() of the same file, timed from the call to the end of the single pass
//    that hashes and uploads it (the engine leaves `uploading`; init included), against the plain
//    SDK upload of (1): target ≤ 1.15×. The time to the quote (the server's prepare hashes the
//    500 MB again) is shown too; the quote is then declined, so nothing is confirmed.
// 3. registerMany() throughput: 1 MiB files, concurrency 16, fast blocks (1 s virtual, time ×50):
//    full registrations per second, to finality. No target; FAIL if any item failed.
//
// The sandbox stores each upload in its temporary folder. On a disk, writeback made single runs
// vary by 2× or more, so that folder is put on tmpfs (/dev/shm) when it has room, and the files
// of abandoned upload jobs are deleted between runs; otherwise `sync` runs before each timed
// upload. curl and the SDK alternate, and each side keeps its best run.
//
// Environment: BENCH_RUNS (5: 500 MB uploads per side), BENCH_REGISTER_RUNS (3), BENCH_MANY (64).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MB = 1_000_000;
const MIB = 1_048_576;
const BIG_BYTES = 500_000_000;
const MEDIUM_BYTES = 50_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REGISTER_RUNS = Number(process.env.BENCH_REGISTER_RUNS ?? 3);
const MANY = Number(process.env.BENCH_MANY ?? 64);
const CONCURRENCY = 16;
const TARGETS = { uploadRatio: 0.9, rssMb: 150, registerRatio: 1.15 };
const CREATOR = { full_name: 'Bench Creator', email: 'bench@example.com', roles: { author: true } };

for (const built of [
  '../dist/index.js',
  '../../core/dist/node/index.js',
  '../../sandbox/dist/index.js',
]) {
  if (!existsSync(join(here, built))) {
    console.error(`${built} is missing: build first (npx -y pnpm@12.4.2 build).`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Starts a script of this folder as a child; resolves with its first stdout line (JSON). */
function startChild(script, env) {
  const child = spawn(process.execPath, [join(here, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const firstLine = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}): ${stderr.trim()}`)));
  });
  return { child, firstLine, exited };
}

/** Peak VmRSS of a process, read from /proc every 50 ms until `stop()`. */
function sampleRss(pid) {
  let peakKb = 0;
  const read = () => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // The process has exited.
    }
  };
  read();
  const timer = setInterval(read, 50);
  return {
    stop() {
      clearInterval(timer);
      return peakKb;
    },
  };
}

/** Runs one SDK task in its own process; its peak RSS is the larger of the samples and getrusage. */
async function sdkTask(task) {
  const { child, firstLine, exited } = startChild('sdk-process.mjs', {
    ATS_BENCH_TASK: JSON.stringify(task),
  });
  const sampler = sampleRss(child.pid);
  try {
    const result = await firstLine;
    await exited;
    const sampledKb = sampler.stop();
    return { ...result, peakRssMb: Math.max(sampledKb, result.maxRssKb) / 1024 };
  } finally {
    sampler.stop();
  }
}

/** `curl -T file url`: the upload's wall time as curl measures it (transfer only). */
function curlUpload(file, url) {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '-T', file, url],
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`curl failed: ${stderr || error.message}`));
        const [status, seconds] = stdout.trim().split(' ');
        if (status !== '200') return reject(new Error(`curl: HTTP ${status}`));
        resolve({ ms: Number(seconds) * 1000 });
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Data

function writeFileOf(path, bytes) {
  // A random 1 MiB block repeated: incompressible enough, and fast to write.
  const block = randomBytes(MIB);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const n = Math.min(MIB, bytes - written);
      written += writeSync(fd, block, 0, n);
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

async function freshUploadUrl(sandbox) {
  const response = await fetch(`${sandbox.url}/v1/works/init`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${sandbox.apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      network: 'testnet',
      title: 'Bench upload',
      filename: 'bench.bin',
      creators: [CREATOR],
    }),
  });
  if (!response.ok) throw new Error(`init → ${response.status} ${await response.text()}`);
  return (await response.json()).upload_url;
}

async function setClock(sandbox, body) {
  const response = await fetch(`${sandbox.url}/_sandbox/clock`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`clock → ${response.status}`);
}

/** A folder on tmpfs with room for a few 500 MB uploads, or null. */
function tmpfsFolder() {
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize > 4 * BIG_BYTES) return mkdtempSync('/dev/shm/ats-node-bench-');
  } catch {
    // No /dev/shm: the sandbox uses the disk.
  }
  return null;
}

/** Between runs: deletes the stored files of the jobs the bench abandoned (or flushes the disk). */
function dropAbandonedUploads() {
  if (!sandboxTmp) {
    execFileSync('sync');
    return;
  }
  for (const store of readdirSync(sandboxTmp)) {
    const objects = join(sandboxTmp, store, 'objects');
    if (!existsSync(objects)) continue;
    for (const file of readdirSync(objects)) rmSync(join(objects, file), { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Run

const rate = (bytes, ms) => (bytes / MB / (ms / 1000)).toFixed(0);
const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'ats-node-bench-'));
const sandboxTmp = tmpfsFolder();
const sandboxProcess = startChild('sandbox-process.mjs', {
  ATS_BENCH_SANDBOX: JSON.stringify({ timeScale: 1 }),
  ...(sandboxTmp ? { TMPDIR: sandboxTmp } : {}),
});
const rows = [];
const row = (name, value, target, pass) => rows.push({ name, value, target, pass });

try {
  const sandbox = await sandboxProcess.firstLine;
  process.stdout.write('Generating files… ');
  const big = writeFileOf(join(work, 'big.bin'), BIG_BYTES);
  const medium = writeFileOf(join(work, 'medium.bin'), MEDIUM_BYTES);
  const small = Array.from({ length: MANY }, (_, i) =>
    writeFileOf(join(work, `small-${i}.bin`), MIB),
  );
  console.log('done.');

  // 1. Upload throughput and memory.
  const curlMs = [];
  const sdkRuns = [];
  const settled = async () => {
    const url = await freshUploadUrl(sandbox);
    dropAbandonedUploads();
    return url;
  };
  for (let run = 0; run < RUNS; run++) {
    curlMs.push((await curlUpload(big, await settled())).ms);
    sdkRuns.push(await sdkTask({ kind: 'upload', url: await settled(), file: big }));
    console.log(
      `  run ${run + 1}: curl ${rate(BIG_BYTES, curlMs.at(-1))} MB/s, SDK ${rate(BIG_BYTES, sdkRuns.at(-1).ms)} MB/s`,
    );
  }
  const bestCurl = Math.min(...curlMs);
  const bestSdk = Math.min(...sdkRuns.map((r) => r.ms));
  const ratio = bestCurl / bestSdk;
  row(
    'upload 500 MB: SDK / curl throughput',
    `${ratio.toFixed(2)} (${rate(BIG_BYTES, bestSdk)} vs ${rate(BIG_BYTES, bestCurl)} MB/s)`,
    `≥ ${TARGETS.uploadRatio}`,
    ratio >= TARGETS.uploadRatio,
  );
  const mediumRun = await sdkTask({ kind: 'upload', url: await settled(), file: medium });
  const bigPeak = Math.max(...sdkRuns.map((r) => r.peakRssMb));
  row(
    'SDK process peak RSS, 50 MB upload',
    `${mediumRun.peakRssMb.toFixed(0)} MB`,
    `≤ ${TARGETS.rssMb} MB`,
    mediumRun.peakRssMb <= TARGETS.rssMb,
  );
  row(
    'SDK process peak RSS, 500 MB upload',
    `${bigPeak.toFixed(0)} MB`,
    `≤ ${TARGETS.rssMb} MB`,
    bigPeak <= TARGETS.rssMb,
  );

  // 2. register(): hash and upload in one pass.
  const registerRuns = [];
  for (let run = 0; run < REGISTER_RUNS; run++) {
    dropAbandonedUploads();
    const r = await sdkTask({
      kind: 'register',
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
      file: big,
    });
    registerRuns.push(r);
    console.log(
      `  register run ${run + 1}: upload+hash ${(r.uploadedMs / 1000).toFixed(2)} s, quote ${(r.quotedMs / 1000).toFixed(2)} s`,
    );
  }
  const registered = registerRuns.reduce((best, r) => (r.uploadedMs < best.uploadedMs ? r : best));
  const registerPeak = Math.max(...registerRuns.map((r) => r.peakRssMb));
  const registerRatio = registered.uploadedMs / bestSdk;
  row(
    'register 500 MB: start → upload+hash done / plain upload',
    `${registerRatio.toFixed(2)}× (${(registered.uploadedMs / 1000).toFixed(2)} s vs ${(bestSdk / 1000).toFixed(2)} s)`,
    `≤ ${TARGETS.registerRatio}×`,
    registerRatio <= TARGETS.registerRatio,
  );
  row(
    '  … start → quote (adds the server’s prepare)',
    `${(registered.quotedMs / bestSdk).toFixed(2)}× (${(registered.quotedMs / 1000).toFixed(2)} s)`,
    'info',
    null,
  );
  row(
    'SDK process peak RSS, register 500 MB',
    `${registerPeak.toFixed(0)} MB`,
    `≤ ${TARGETS.rssMb} MB`,
    registerPeak <= TARGETS.rssMb,
  );

  // 3. registerMany throughput, to finality, with fast blocks.
  dropAbandonedUploads();
  await setClock(sandbox, { time_scale: 50, block_time_ms: { testnet: 1000 } });
  const many = await sdkTask({
    kind: 'many',
    apiKey: sandbox.apiKey,
    baseUrl: sandbox.url,
    files: small,
    concurrency: CONCURRENCY,
  });
  const perSecond = many.summary.registered / (many.ms / 1000);
  row(
    `registerMany: ${MANY} × 1 MiB, concurrency ${CONCURRENCY}`,
    `${perSecond.toFixed(1)} registrations/s (${many.summary.registered} in ${(many.ms / 1000).toFixed(1)} s)`,
    'all registered',
    many.summary.failed === 0 && many.summary.registered === MANY,
  );
} finally {
  sandboxProcess.child.kill('SIGTERM');
  await sandboxProcess.exited;
  rmSync(work, { recursive: true, force: true });
  if (sandboxTmp) rmSync(sandboxTmp, { recursive: true, force: true });
}

const width = Math.max(...rows.map((r) => r.name.length));
const valueWidth = Math.max(...rows.map((r) => r.value.length));
console.log(
  `\n@ats-kit/node benchmarks (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
);
for (const r of rows) {
  const verdict = r.pass === null ? '' : r.pass ? 'PASS' : 'FAIL';
  console.log(
    `  ${r.name.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.target.padEnd(14)} ${verdict}`,
  );
}
process.exitCode = rows.some((r) => r.pass === false) ? 1 : 0;
