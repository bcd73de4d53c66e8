import { BLOCK_TIME_MS, NETWORKS, type Network } from '@ats-kit/core';
import type { ScheduledSource } from '../clock/scheduler';
import type { Database } from '../db/database';
import { blockHashFor } from './hashes';

/** A produced block. */
export interface Block {
  network: Network;
  height: number;
  hash: string;
  /** Virtual ms. */
  at: number;
}

/** What the chain asks of the transaction layer. */
export interface BlockListener {
  /** True while transactions of this network wait for a block (in the pool or awaiting finality). */
  hasPendingWork(network: Network): boolean;
  /** Runs inside the block's DB transaction: finality of earlier inclusions, then inclusion. */
  onBlock(block: Block): void;
  /** Runs after the block's DB transaction committed (notifications). */
  afterBlock?(block: Block): void;
}

interface ChainStateRow {
  network: Network;
  height: number;
  next_block_at: number;
  block_time_ms: number;
  last_block_at: number | null;
  last_ats_id: number;
}

/**
 * The simulated chains, one per network (api.md §15): blocks at fixed intervals from the start,
 * heights from 1. While no transaction waits, blocks are counted arithmetically instead of being
 * produced one by one, so an idle sandbox costs nothing; as soon as one waits, each block is
 * produced at its instant by the scheduler (this object is a `ScheduledSource`).
 *
 * @example
 * const chain = new Chain(db, { testnet: 12_000, mainnet: 6_000 }, clock.now());
 * chain.setListener(transactions);
 * chain.mine('testnet', 2, clock.now());
 */
export class Chain implements ScheduledSource {
  readonly name = 'chain';
  readonly sync = true;
  private listener: BlockListener | undefined;

  constructor(
    private readonly db: Database,
    blockTimes: Partial<Record<Network, number>>,
    startAt: number,
  ) {
    this.initialize(blockTimes, startAt);
  }

  /** Creates the chain rows that do not exist yet (first start, or after a reset). */
  initialize(blockTimes: Partial<Record<Network, number>>, startAt: number): void {
    for (const network of NETWORKS) {
      const blockTime = blockTimes[network] ?? BLOCK_TIME_MS[network];
      this.db
        .prepare(
          `INSERT OR IGNORE INTO chain_state (network, height, next_block_at, block_time_ms, last_block_at, last_ats_id)
           VALUES (?, 0, ?, ?, NULL, 0)`,
        )
        .run(network, startAt + blockTime, blockTime);
    }
  }

  setListener(listener: BlockListener): void {
    this.listener = listener;
  }

  /** Heights as of `at` (idle blocks counted). */
  heights(at: number): Record<Network, number> {
    this.db.transaction(() => {
      for (const network of NETWORKS) this.countIdleBlocks(network, at + 1);
    })();
    return {
      testnet: this.state('testnet').height,
      mainnet: this.state('mainnet').height,
    };
  }

  /** Block interval per network. */
  blockTimes(): Record<Network, number> {
    return {
      testnet: this.state('testnet').block_time_ms,
      mainnet: this.state('mainnet').block_time_ms,
    };
  }

  /**
   * Changes a network's block interval from now on: the next block comes one new interval after
   * `at` (or after the last block, when that is later).
   */
  setBlockTime(network: Network, blockTimeMs: number, at: number): void {
    this.db.transaction(() => {
      this.countIdleBlocks(network, at + 1);
      const state = this.state(network);
      const base = Math.max(at, state.last_block_at ?? at);
      this.db
        .prepare('UPDATE chain_state SET block_time_ms = ?, next_block_at = ? WHERE network = ?')
        .run(blockTimeMs, base + blockTimeMs, network);
    })();
  }

  /**
   * Produces `count` blocks now, on top of the scheduled ones (`POST /_sandbox/chain/{network}/blocks`).
   * Returns the new height.
   *
   * @example
   * chain.mine('testnet', 2, clock.now()); // include, then finalize
   */
  mine(network: Network, count: number, at: number): number {
    this.materializeIdleBlocks(network, at + 1);
    for (let i = 0; i < count; i++) this.produce(network, at, false);
    return this.state(network).height;
  }

  /**
   * Counts blocks due before `before` without producing them one by one, when no transaction of
   * the network waits. Call before putting a transaction in the pool.
   */
  materializeIdleBlocks(network: Network, before: number): void {
    this.db.transaction(() => this.countIdleBlocks(network, before))();
  }

  /** The next ats_id of a network (call inside the finality transaction). */
  takeAtsId(network: Network): number {
    this.db
      .prepare('UPDATE chain_state SET last_ats_id = last_ats_id + 1 WHERE network = ?')
      .run(network);
    return this.state(network).last_ats_id;
  }

  // ScheduledSource: the next block of a network with waiting transactions.
  nextDueAt(): number | null {
    let earliest: number | null = null;
    for (const network of NETWORKS) {
      if (!this.listener?.hasPendingWork(network)) continue;
      const due = this.state(network).next_block_at;
      if (earliest === null || due < earliest) earliest = due;
    }
    return earliest;
  }

  runDue(at: number): void {
    for (const network of NETWORKS) {
      if (!this.listener?.hasPendingWork(network)) continue;
      const state = this.state(network);
      if (state.next_block_at <= at) this.produce(network, state.next_block_at, true);
    }
  }

  private produce(network: Network, at: number, scheduled: boolean): Block {
    const block = this.db.transaction(() => {
      const state = this.state(network);
      const height = state.height + 1;
      const next = scheduled ? state.next_block_at + state.block_time_ms : state.next_block_at;
      this.db
        .prepare(
          'UPDATE chain_state SET height = ?, last_block_at = ?, next_block_at = ? WHERE network = ?',
        )
        .run(height, at, next, network);
      const produced: Block = { network, height, hash: blockHashFor(network, height), at };
      this.listener?.onBlock(produced);
      return produced;
    })();
    this.listener?.afterBlock?.(block);
    return block;
  }

  private countIdleBlocks(network: Network, before: number): void {
    const state = this.state(network);
    if (state.next_block_at >= before) return;
    if (this.listener?.hasPendingWork(network)) {
      // Waiting transactions: each block matters, produce them in order.
      let current = state;
      while (current.next_block_at < before) {
        this.produce(network, current.next_block_at, true);
        current = this.state(network);
      }
      return;
    }
    const count = Math.floor((before - 1 - state.next_block_at) / state.block_time_ms) + 1;
    const lastAt = state.next_block_at + (count - 1) * state.block_time_ms;
    this.db
      .prepare(
        'UPDATE chain_state SET height = height + ?, last_block_at = ?, next_block_at = ? WHERE network = ?',
      )
      .run(count, lastAt, lastAt + state.block_time_ms, network);
  }

  private state(network: Network): ChainStateRow {
    return this.db
      .prepare('SELECT * FROM chain_state WHERE network = ?')
      .get(network) as ChainStateRow;
  }
}
