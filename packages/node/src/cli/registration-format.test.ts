import { explainQuote, type PrepareWorkResponse } from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatRate } from './format-units';
import { formatOutcome, formatQuote, formatStep } from './registration-format';
import { Terminal } from './terminal';

const plain = new Terminal(
  { stdin: process.stdin, stdout: process.stdout, stderr: { write: () => true } as never, env: {} },
  { json: false },
);

const QUOTE: PrepareWorkResponse = {
  job_id: 'job-1',
  work_id: '0b8f0000-0000-4000-8000-000000000000',
  commitment: `0x${'ab'.repeat(32)}`,
  network_fee_credits: 12,
  total_deposit_credits: 50,
  service_fee_credits: 5,
  storage_fee_credits: 8,
  total_price_credits: 75,
  is_valid: true,
  expires_at: '2026-04-30T11:05:00.000Z',
  size_bytes: null,
  media_hash: null,
  merkle_root: null,
  protocol_version: null,
};

describe('formatQuote', () => {
  it('shows each component, the total and the debit of a mainnet quote', () => {
    const lines = formatQuote(QUOTE, explainQuote(QUOTE, 'mainnet'), plain);
    expect(lines.slice(0, 7)).toEqual([
      'Quote (mainnet):',
      '  network fee  12 credits',
      '  deposit      50 credits',
      '  service fee   5 credits',
      '  storage fee   8 credits',
      '  total        75 credits',
      '  debit        75 credits',
    ]);
  });

  it('marks the chain fees waived on testnet, where only the storage fee is debited', () => {
    const testnet = {
      ...QUOTE,
      network_fee_credits: 0,
      total_deposit_credits: 0,
      service_fee_credits: 0,
      total_price_credits: 8,
    };
    const lines = formatQuote(testnet, explainQuote(testnet, 'testnet'), plain);
    expect(lines[1]).toBe('  network fee  0 credits  waived on testnet');
    expect(lines[4]).toBe('  storage fee  8 credits');
    expect(lines[6]).toBe('  debit        8 credits');
  });

  it('warns when the stated total is not the sum of the parts', () => {
    const odd = { ...QUOTE, total_price_credits: 80 };
    expect(formatQuote(odd, explainQuote(odd, 'mainnet'), plain).join('\n')).toMatch(
      /the stated total \(80\) is not the sum of the parts \(75\)/,
    );
  });
});

describe('formatStep and formatOutcome', () => {
  it('aligns the step lines', () => {
    expect(formatStep({ step: 'signing', progress: 40, description: 'Signing' })).toBe(
      `  [ 40%] signing${' '.repeat(15)}Signing`,
    );
  });

  it('lists the chain facts and warns to keep the access code private', () => {
    const text = formatOutcome(
      {
        transaction_id: 't-1',
        ats_id: 7,
        tx_hash: '0xaa',
        block_number: 12,
        explorer_url: 'https://explorer.example/tx/0xaa',
        access_code: `atc_${'1'.repeat(64)}`,
        work_id: 'w-1',
        version: 1,
        network: 'testnet',
      },
      'Registered',
      plain,
    ).join('\n');
    expect(text).toMatch(/^Registered on testnet: ats_id 7, version 1/);
    expect(text).toMatch(/ {2}explorer {5}https:\/\/explorer\.example\/tx\/0xaa/);
    expect(text).toMatch(/Keep the access code private/);
  });
});

describe('units', () => {
  it.each([
    [999, '999 B'],
    [4_312_000, '4.31 MB'],
    [52_400_000, '52.4 MB'],
    [500_000_000, '500 MB'],
  ])('formatBytes(%d) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('formats rates and durations', () => {
    expect(formatRate(183_400_000)).toBe('183 MB/s');
    expect(formatDuration(340)).toBe('340 ms');
    expect(formatDuration(2_340)).toBe('2.3 s');
  });
});
