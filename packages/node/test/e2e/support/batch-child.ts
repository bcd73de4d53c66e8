// The program the killed-batch suite runs in a child process: registerMany over the files it is
// given, with a journal, printing one line per event so the parent can pick its moment to kill it.
// Lines: `confirm-sent` (a confirm request is about to leave), `item <status> <key>`, and at the
// end `done <json report>`. Written synchronously, so a line is out before what it announces.
import { writeSync } from 'node:fs';
import { AtsClient, registerMany } from '../../../src';
import { CREATORS, shortSleep } from './fixtures';

function say(line: string): void {
  writeSync(1, `${line}\n`);
}

const files = JSON.parse(process.env.BATCH_FILES ?? '[]') as string[];
const confirmSpy: typeof fetch = (input, init) => {
  const request = new Request(input, init);
  if (request.method === 'POST' && request.url.endsWith('/confirm')) say('confirm-sent');
  return fetch(request);
};
const client = new AtsClient({
  apiKey: process.env.ATS_API_KEY,
  baseUrl: process.env.ATS_BASE_URL,
  network: 'mainnet',
  sleep: shortSleep(),
  fetch: confirmSpy,
});

const report = await registerMany(
  client,
  files.map((file, index) => ({ title: `Killed batch ${index}`, creators: CREATORS, file })),
  {
    concurrency: 4,
    journal: process.env.BATCH_JOURNAL,
    onItem: ({ status, key }) => {
      if (status === 'registered' || status === 'skipped' || status === 'failed') {
        say(`item ${status} ${key}`);
      }
    },
  },
);
say(
  `done ${JSON.stringify({
    summary: report.summary,
    results: report.results.map((r) => ({
      key: r.key,
      status: r.status,
      debitCredits: r.debitCredits,
      workId: r.result?.work_id ?? null,
      error: r.error?.message ?? null,
    })),
  })}`,
);
