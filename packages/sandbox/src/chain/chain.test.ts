import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { type Block, Chain } from './chain';
import { blockHashFor, txHashFor } from './hashes';

describe('Chain', () => {
  it('counts idle blocks at fixed intervals from the start', () => {
    const db = openDatabase({ memory: true });
    const chain = new Chain(db, { testnet: 12_000 }, 0);
    expect(chain.heights(11_999).testnet).toBe(0);
    expect(chain.heights(12_000).testnet).toBe(1);
    expect(chain.heights(60_000)).toEqual({ testnet: 5, mainnet: 10 });
    db.close();
  });

  it('produces each block while transactions wait, and mines on demand', () => {
    const db = openDatabase({ memory: true });
    const chain = new Chain(db, {}, 0);
    const produced: Block[] = [];
    chain.setListener({ hasPendingWork: (n) => n === 'mainnet', onBlock: (b) => produced.push(b) });
    expect(chain.nextDueAt()).toBe(6_000);
    chain.runDue(6_000);
    expect(produced.map((b) => b.height)).toEqual([1]);
    expect(chain.mine('mainnet', 2, 7_000)).toBe(3);
    expect(chain.nextDueAt()).toBe(12_000);
    expect(produced[2]).toEqual({
      network: 'mainnet',
      height: 3,
      hash: blockHashFor('mainnet', 3),
      at: 7_000,
    });
    db.close();
  });

  it('derives hashes as §15 says', () => {
    expect(txHashFor('testnet', 'abc')).toMatch(/^0x[0-9a-f]{64}$/);
    expect(blockHashFor('testnet', 1)).not.toBe(blockHashFor('mainnet', 1));
  });
});
