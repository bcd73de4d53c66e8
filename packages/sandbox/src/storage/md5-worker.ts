import { Worker } from 'node:worker_threads';

/**
 * An MD5 being computed on the hashing thread. Bytes are passed in shared slabs: neither copied
 * nor transferred, so the caller keeps its slabs and reuses them once hashed.
 */
export interface Md5Stream {
  /**
   * Hashes bytes `[0, length)` of `slab`, after every earlier update of this stream. `onHashed`
   * runs once the thread is done with the slab: until then, the caller must not change it.
   */
  update(slab: SharedArrayBuffer, length: number, onHashed: () => void): void;
  /** Ends the stream: `onDigest` receives the lowercase hex MD5 of every byte passed. */
  digest(onDigest: (md5Hex: string) => void): void;
  /** Drops the stream; pending callbacks never run. */
  cancel(): void;
}

// CommonJS source of the thread (eval'd), so that it works the same from src/ (tests) and from
// the bundled dist/ (ESM and CJS) without a separate file to ship and locate.
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (message) => {
  const { op, id } = message;
  if (op === 'update') {
    let hash = hashes.get(id);
    if (hash === undefined) {
      hash = createHash('md5');
      hashes.set(id, hash);
    }
    hash.update(new Uint8Array(message.slab, 0, message.length));
    parentPort.postMessage({ id });
  } else if (op === 'digest') {
    const hash = hashes.get(id) ?? createHash('md5');
    hashes.delete(id);
    parentPort.postMessage({ id, md5Hex: hash.digest('hex') });
  } else {
    hashes.delete(id);
  }
});
`;

interface StreamCallbacks {
  /** One per update in flight, in order (the thread answers in order). */
  hashed: (() => void)[];
  onDigest: ((md5Hex: string) => void) | null;
  onFailure: (error: Error) => void;
}

/** The hashing thread, shared by every upload of the process; it never keeps the process alive. */
class Md5Thread {
  private readonly worker: Worker;
  private readonly streams = new Map<number, StreamCallbacks>();
  private nextId = 1;
  private dead = false;

  constructor(private readonly onDeath: () => void) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true });
    this.worker.unref();
    this.worker.on('message', (message: { id: number; md5Hex?: string }) => {
      const stream = this.streams.get(message.id);
      if (!stream) return; // cancelled meanwhile
      if (message.md5Hex === undefined) {
        stream.hashed.shift()?.();
      } else {
        this.streams.delete(message.id);
        stream.onDigest?.(message.md5Hex);
      }
    });
    this.worker.on('error', (error) => this.die(error));
    this.worker.on('exit', (code) => this.die(new Error(`the MD5 thread exited (${code})`)));
  }

  open(onFailure: (error: Error) => void): Md5Stream {
    const id = this.nextId++;
    const callbacks: StreamCallbacks = { hashed: [], onDigest: null, onFailure };
    this.streams.set(id, callbacks);
    const post = (message: object) => {
      if (!this.dead) this.worker.postMessage(message);
    };
    return {
      update: (slab, length, onHashed) => {
        callbacks.hashed.push(onHashed);
        post({ op: 'update', id, slab, length });
      },
      digest: (onDigest) => {
        callbacks.onDigest = onDigest;
        post({ op: 'digest', id });
      },
      cancel: () => {
        if (this.streams.delete(id)) post({ op: 'cancel', id });
      },
    };
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.onDeath();
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const stream of streams) stream.onFailure(error);
  }
}

let thread: Md5Thread | null = null;

/**
 * Starts an MD5 computed off the main thread, on one hashing thread shared by the process
 * (started on first use; a new one replaces it if it dies). MD5 runs at about one byte per cycle,
 * the slowest step of an upload: on its own thread it overlaps the socket reads and disk writes.
 * `onFailure` runs if the thread dies; the stream's other callbacks then never run.
 *
 * @example
 * const md5 = openMd5Stream((error) => fail(error));
 * md5.update(slab, length, () => writeToDisk(slab));
 * md5.digest((md5Hex) => done(md5Hex));
 */
export function openMd5Stream(onFailure: (error: Error) => void): Md5Stream {
  if (!thread) {
    const created: Md5Thread = new Md5Thread(() => {
      if (thread === created) thread = null;
    });
    thread = created;
  }
  return thread.open(onFailure);
}
