// One SDK measurement in its own process, so that its peak RSS is the SDK's alone. The task comes
// as JSON in ATS_BENCH_TASK; the result is printed as one JSON line on stdout:
//   upload:   core's uploadToPresignedUrl(url, path)                → { ms }
//   register: client.works.register(file), quote declined at once   → { uploadedMs, quotedMs }
//   many:     registerMany(client, items, { concurrency })           → { ms, summary }
// Every result also carries `maxRssKb` (the kernel's peak, getrusage).
import { uploadToPresignedUrl } from '@ats-kit/core';
import { AtsClient, registerMany } from '@ats-kit/node';

const task = JSON.parse(process.env.ATS_BENCH_TASK ?? '{}');
const CREATORS = [{ full_name: 'Bench Creator', email: 'bench@example.com', roles: ['author'] }];

async function run() {
  if (task.kind === 'upload') {
    const started = performance.now();
    await uploadToPresignedUrl(task.url, task.file, { maxRetries: 0 });
    return { ms: performance.now() - started };
  }
  const client = new AtsClient({ apiKey: task.apiKey, baseUrl: task.baseUrl, network: 'testnet' });
  if (task.kind === 'register') {
    let uploadedMs = null;
    let quotedMs = null;
    const started = performance.now();
    try {
      await client.works.register(
        { title: 'Bench', creators: CREATORS, file: task.file },
        {
          // Leaving `uploading` is the end of the one pass that hashes and uploads the file.
          onState: (snapshot) => {
            if (uploadedMs === null && snapshot.status.kind === 'preparing') {
              uploadedMs = performance.now() - started;
            }
          },
          // The quote is the end of init + upload + prepare; declined, so nothing is confirmed.
          approve: () => {
            quotedMs = performance.now() - started;
            return false;
          },
        },
      );
    } catch (error) {
      if (error?.code !== 'quote_declined') throw error;
    }
    return { uploadedMs, quotedMs };
  }
  if (task.kind === 'many') {
    const items = task.files.map((file, index) => ({
      key: `item-${index}`,
      title: `Bench ${index}`,
      creators: CREATORS,
      file,
    }));
    const started = performance.now();
    const { summary } = await registerMany(client, items, {
      concurrency: task.concurrency,
      approve: () => true,
    });
    return { ms: performance.now() - started, summary };
  }
  throw new Error(`unknown task ${task.kind}`);
}

const result = await run();
process.stdout.write(
  `${JSON.stringify({ ...result, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
process.exit(0);
