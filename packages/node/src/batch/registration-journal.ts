// The durable record of a batch: one JSON line per step of each item, appended and fsync'ed before
// the step it guards, so that a run killed at any point can be resumed without registering (or
// debiting) an item twice.
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { AtsError, type Network, type RegistrationResult } from '@ats-kit/core';

/**
 * One journal line. `idempotency_key` is written before init (a re-run replays the same init and
 * gets the same job), `job` after init, `confirm_started` before each confirm is sent,
 * `transaction` once a confirm is accepted (or found), `registered` at the end. `reset` forgets an
 * item's progress (its job expired unconfirmed, or its transaction failed and was refunded);
 * `failed` is informational.
 */
export type JournalEntry =
  | { event: 'idempotency_key'; idempotency_key: string }
  | { event: 'job'; job_id: string; network: Network }
  | {
      event: 'confirm_started';
      job_id: string;
      network: Network;
      work_id: string | null;
      debit_credits: number | null;
    }
  | { event: 'transaction'; job_id: string | null; transaction_id: string }
  | { event: 'registered'; result: RegistrationResult; debit_credits: number | null }
  | { event: 'failed'; code: string; message: string }
  | { event: 'reset'; reason: string };

/** What the journal says about one item. */
export interface JournalItemState {
  idempotencyKey: string | null;
  jobId: string | null;
  network: Network | null;
  /** A confirm may have been sent for `jobId`. */
  confirmStarted: boolean;
  /** The quote's `work_id` at the last confirm (how the work is recognised in the listing). */
  workId: string | null;
  /** What the quote at the last confirm debits. */
  debitCredits: number | null;
  transactionId: string | null;
  result: RegistrationResult | null;
}

const FORMAT_VERSION = 1;

function emptyState(): JournalItemState {
  return {
    idempotencyKey: null,
    jobId: null,
    network: null,
    confirmStarted: false,
    workId: null,
    debitCredits: null,
    transactionId: null,
    result: null,
  };
}

/** Applies one entry to an item's state. */
function apply(state: JournalItemState, entry: JournalEntry): JournalItemState {
  switch (entry.event) {
    case 'idempotency_key':
      return { ...emptyState(), idempotencyKey: entry.idempotency_key };
    case 'job':
      // A new job (the engine started again from init) was never confirmed.
      if (entry.job_id === state.jobId) return { ...state, network: entry.network };
      return {
        ...emptyState(),
        idempotencyKey: state.idempotencyKey,
        jobId: entry.job_id,
        network: entry.network,
      };
    case 'confirm_started':
      // Same job: a confirm sent again (after a lost answer or a lapsed quote) keeps what it knew.
      return {
        ...(entry.job_id === state.jobId
          ? state
          : { ...emptyState(), idempotencyKey: state.idempotencyKey }),
        jobId: entry.job_id,
        network: entry.network,
        confirmStarted: true,
        workId: entry.work_id ?? state.workId,
        debitCredits: entry.debit_credits ?? state.debitCredits,
      };
    case 'transaction':
      return {
        ...state,
        jobId: entry.job_id ?? state.jobId,
        transactionId: entry.transaction_id,
      };
    case 'registered':
      return {
        ...state,
        result: entry.result,
        debitCredits: entry.debit_credits ?? state.debitCredits,
      };
    case 'reset':
      return emptyState();
    default:
      return state;
  }
}

/**
 * The journal of a batch: item states read from the file at open, and `record()` to append a step
 * (written and fsync'ed before it resolves; calls are written in call order). Without a path it
 * keeps the same states in memory only. One process at a time per file.
 *
 * @example
 * const journal = await RegistrationJournal.open('./batch.jsonl');
 * await journal.record('song-1', { event: 'idempotency_key', idempotency_key: randomUUID() });
 * journal.state('song-1').idempotencyKey;
 * await journal.close();
 */
export class RegistrationJournal {
  readonly #states = new Map<string, JournalItemState>();
  readonly #handle: FileHandle | null;
  #queue: Promise<void> = Promise.resolve();

  private constructor(handle: FileHandle | null) {
    this.#handle = handle;
  }

  /**
   * Opens (or creates) a journal file and reads it. A torn last line (the process was killed while
   * writing it) is cut off: its step had not happened yet, since each step is written first. Any
   * other unreadable line stops here (`journal_corrupt`), since skipping it could repeat a confirm.
   */
  static async open(path: string | undefined): Promise<RegistrationJournal> {
    if (path === undefined) return new RegistrationJournal(null);
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw journalError(path, error);
    }
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const handle = await open(path, 'a+').catch((error: unknown) => {
      throw journalError(path, error);
    });
    if (complete.length !== text.length) {
      await handle.truncate(Buffer.byteLength(complete));
      await handle.sync();
    }
    const journal = new RegistrationJournal(handle);
    const lines = complete.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index] as string;
      if (line.trim() === '') continue;
      const record = parseLine(line);
      if (!record) {
        await handle.close();
        throw new AtsError(
          `The journal ${path} has an unreadable line ${index + 1}; it cannot be resumed safely. Fix or remove that line (or start a new journal file and check the works listing)`,
          { code: 'journal_corrupt' },
        );
      }
      journal.#apply(record.key, record.entry);
    }
    return journal;
  }

  /** What the journal says about `key` (an empty state for an unknown key). */
  state(key: string): JournalItemState {
    return this.#states.get(key) ?? emptyState();
  }

  /**
   * Records one step of an item: the in-memory state changes at once; the promise resolves once
   * the line is written and fsync'ed (and every line recorded before it).
   */
  record(key: string, entry: JournalEntry): Promise<void> {
    this.#apply(key, entry);
    const handle = this.#handle;
    if (!handle) return Promise.resolve();
    const line = `${JSON.stringify({ v: FORMAT_VERSION, key, at: new Date().toISOString(), ...entry })}\n`;
    const written = this.#queue.then(async () => {
      await handle.appendFile(line, 'utf8');
      await handle.datasync();
    });
    // A failed write fails its own step; later writes still run.
    this.#queue = written.catch(() => {});
    return written;
  }

  /** Waits for pending writes and closes the file. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#handle?.close();
  }

  #apply(key: string, entry: JournalEntry): void {
    this.#states.set(key, apply(this.state(key), entry));
  }
}

function parseLine(line: string): { key: string; entry: JournalEntry } | undefined {
  try {
    const value = JSON.parse(line) as { v?: unknown; key?: unknown; event?: unknown };
    if (typeof value !== 'object' || value === null) return undefined;
    if (value.v !== FORMAT_VERSION || typeof value.key !== 'string') return undefined;
    if (typeof value.event !== 'string') return undefined;
    return { key: value.key, entry: value as unknown as JournalEntry };
  } catch {
    return undefined;
  }
}

function journalError(path: string, cause: unknown): AtsError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return new AtsError(
    `Cannot use the journal file ${path} (${typeof code === 'string' ? code : String(cause)}); check the path and its permissions`,
    { code: 'journal_unavailable', cause },
  );
}
