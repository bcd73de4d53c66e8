import { parseArgs } from 'node:util';
import { consoleLogger } from './logging/logger';
import { startSandbox } from './start';

const USAGE = `Usage: ats-sandbox [options]

Runs a local emulator of the Allfeat ATS API (HTTP + WebSocket) with a demo organization.

Options:
  --port <n>           TCP port (default 4010; 0 picks a free one)
  --host <addr>        interface to listen on (default 127.0.0.1)
  --data-dir <path>    where state is kept (default ./.ats-sandbox)
  --memory             keep state in memory only
  --time-scale <n>     virtual time speed (default 1)
  --block-time <ms>    block interval of both networks (defaults 12000 testnet, 6000 mainnet)
  --seed <n>           seed of fault-injection draws
  --webhook-url <url>  webhook URL of the demo API key (default http://127.0.0.1:3000/webhooks/ats)
  --admin-token <t>    require this bearer on /_sandbox routes
  -h, --help           show this help`;

/** Parses a numeric option, exiting with a message that names it when it is not a number. */
function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    console.error(`--${name} must be a number (got ${JSON.stringify(value)}).`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        memory: { type: 'boolean' },
        'time-scale': { type: 'string' },
        'block-time': { type: 'string' },
        seed: { type: 'string' },
        'webhook-url': { type: 'string' },
        'admin-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const str = (name: string) => values[name] as string | undefined;
  const sandbox = await startSandbox({
    port: numberOption('port', str('port')) ?? 4010,
    ...(str('host') ? { host: str('host') } : {}),
    ...(str('data-dir') ? { dataDir: str('data-dir') } : {}),
    memory: values.memory === true,
    ...(str('time-scale') ? { timeScale: numberOption('time-scale', str('time-scale')) } : {}),
    ...(str('block-time') ? { blockTimeMs: numberOption('block-time', str('block-time')) } : {}),
    ...(str('seed') ? { seed: numberOption('seed', str('seed')) } : {}),
    ...(str('admin-token') ? { adminToken: str('admin-token') } : {}),
    seedDemo: str('webhook-url') ? { webhookUrl: str('webhook-url')! } : true,
    logger: consoleLogger,
  });
  const demo = sandbox.demo!;
  // Printed once at start: the operator copies these into their app's configuration.
  console.log(
    [
      `ATS sandbox listening on ${sandbox.url}`,
      '',
      `  organization id   ${demo.organization.id}`,
      `  API key           ${demo.apiKey}`,
      `  webhook secret    ${demo.webhookSecretBase64}`,
      `  widget site key   ${demo.siteKey}`,
      `  widget secret key ${demo.secretKey}`,
      '',
      `  admin routes      ${sandbox.url}/_sandbox/health`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, shutting down.`);
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
