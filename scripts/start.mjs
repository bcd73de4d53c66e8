// The repository's demo (`pnpm start`): a local ATS sandbox, then the `ats` command line doing
// what an integrator would do against the real API: register a generated audio file on testnet,
// then check its commitment offline. Everything runs on this machine; nothing is kept.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/node/dist/cli.js');
const { startSandbox } = await import(
  pathToFileURL(join(root, 'packages/sandbox/dist/index.js')).href
);

// Virtual time runs 8× faster: a testnet registration (steps, then inclusion and finality on
// 12-second blocks, 13.5–25.5 s) takes 2–3 seconds.
const TIME_SCALE = 8;
const TITLE = 'Demo tone (A440)';
const CREATORS = [
  'Ada Lovelace <ada@example.com> author,composer',
  'Grace Hopper <grace@example.com> arranger',
];

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[22m` : text);
const heading = (text) => console.log(`\n${bold(`── ${text} `.padEnd(78, '─'))}\n`);

/**
 * A mono 16-bit PCM WAV file: `seconds` of a sine tone at `hz`, with a real RIFF/WAVE header
 * (so any player opens it).
 */
function sineWav({ seconds, hz, sampleRate = 44_100 }) {
  const samples = Math.round(seconds * sampleRate);
  const dataBytes = samples * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) {
    // A short fade in and out, so the tone does not click.
    const fade = Math.min(1, i / 2000, (samples - i) / 2000);
    const value = Math.sin((2 * Math.PI * hz * i) / sampleRate) * 0.4 * fade;
    wav.writeInt16LE(Math.round(value * 32_767), 44 + i * 2);
  }
  return wav;
}

/** Runs the `ats` CLI as a user would; its stderr (progress) stays on this terminal. */
function ats(args, env, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: ['inherit', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 130 : 1), stdout }));
  });
}

function shellQuote(value) {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

const workDir = await mkdtemp(join(tmpdir(), 'ats-demo-'));
const sandbox = await startSandbox({
  memory: true,
  port: 0,
  timeScale: TIME_SCALE,
  seedDemo: true,
});
let exitCode = 0;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await sandbox.close();
  await rm(workDir, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  // The CLI child gets the same Ctrl+C and stops itself; this process then cleans up.
  exitCode = 130;
});

try {
  const demo = sandbox.demo;
  heading('1. A local ATS sandbox is running');
  console.log(
    [
      `  API base URL       ${sandbox.url}`,
      `  organization id    ${demo.organization.id}`,
      `  API key            ${demo.apiKey}`,
      `  webhook secret     ${demo.webhookSecretBase64}`,
      `  widget site key    ${demo.siteKey}`,
      `  widget secret key  ${demo.secretKey}`,
      `  credits            ${demo.organization.credits.testnet} testnet, ${demo.organization.credits.mainnet} mainnet`,
      `  clock              ${TIME_SCALE}× real time (a testnet block every ${12 / TIME_SCALE} s)`,
      '',
      '  These are the sandbox’s fixed demo credentials: local use only.',
    ].join('\n'),
  );

  const wav = join(workDir, 'demo-tone.wav');
  await writeFile(wav, sineWav({ seconds: 3, hz: 440 }));
  const env = { ATS_API_KEY: demo.apiKey, ATS_BASE_URL: sandbox.url };

  const registerArgs = ['register', wav, '--title', TITLE];
  for (const creator of CREATORS) registerArgs.push('--creator', creator);
  registerArgs.push('--network', 'testnet', '--yes');
  heading('2. Register a 3-second WAV with the `ats` command line');
  console.log(`  $ ats ${registerArgs.map(shellQuote).join(' ')}\n`);
  const registered = await ats(registerArgs, env, { capture: true });
  if (registered.code !== 0) throw new Error(`ats register exited with ${registered.code}`);
  const commitment = /^\s*commitment\s+(0x[0-9a-f]{64})\s*$/m.exec(registered.stdout)?.[1];
  if (!commitment) throw new Error('ats register printed no commitment');

  const verifyArgs = ['verify', wav, '--title', TITLE];
  for (const creator of CREATORS) verifyArgs.push('--creator', creator);
  heading('3. Verify the commitment offline (no API, no key)');
  console.log(`  $ ats ${[...verifyArgs, '--commitment', commitment].map(shellQuote).join(' ')}\n`);
  const verified = await ats([...verifyArgs, '--commitment', commitment], {});
  if (verified.code !== 0) throw new Error(`ats verify exited with ${verified.code}`);

  console.log('\n  Any change to the file, the title or a creator gives another commitment:');
  const tampered = [...verifyArgs, '--commitment', commitment];
  tampered[tampered.indexOf(TITLE)] = `${TITLE} (remix)`;
  console.log(`  $ ats ${tampered.map(shellQuote).join(' ')}\n`);
  const mismatch = await ats(tampered, {});
  console.log(`\n  exit code ${mismatch.code} (3 means: the commitment does not match)`);
  if (mismatch.code !== 3)
    throw new Error(`ats verify of a changed title exited with ${mismatch.code}`);

  heading('Done');
  console.log(
    [
      '  The sandbox is shut down now. To keep one running and try the CLI or the SDK yourself:',
      '',
      '    npx -y pnpm@12.4.2 sandbox          # this repository: builds, then serves on :4010',
      '    npx ats-sandbox --port 4010         # in a project that installed @ats-kit/sandbox',
      '',
      '  then, in another terminal:',
      '',
      '    export ATS_BASE_URL=http://127.0.0.1:4010 ATS_API_KEY=<the API key it prints>',
      '    node packages/node/dist/cli.js --help',
    ].join('\n'),
  );
} catch (error) {
  if (exitCode === 0) exitCode = 1;
  console.error(`\nThe demo stopped: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stop();
}
process.exit(exitCode);
