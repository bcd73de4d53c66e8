import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where uploaded files live: `<root>/objects/` for completed uploads, `<root>/tmp/` while a PUT is
 * streaming. A completed upload is renamed into place atomically, so a crash never leaves half a
 * file where a job points. With `memory: true` the root is a temporary directory removed on close
 * (bodies are never held in memory).
 *
 * @example
 * const store = ObjectStore.onDisk('.ats-sandbox');
 * const tmp = store.tempPath();
 */
export class ObjectStore {
  private constructor(
    readonly root: string,
    private readonly removeOnClose: boolean,
  ) {
    mkdirSync(join(root, 'objects'), { recursive: true });
    mkdirSync(join(root, 'tmp'), { recursive: true });
    // A PUT cut by a crash leaves a temp file nobody points to.
    rmSync(join(root, 'tmp'), { recursive: true, force: true });
    mkdirSync(join(root, 'tmp'), { recursive: true });
  }

  /** Files under `dataDir/files`. */
  static onDisk(dataDir: string): ObjectStore {
    return new ObjectStore(join(dataDir, 'files'), false);
  }

  /** Files in a fresh temporary directory, removed by `close()`. */
  static temporary(): ObjectStore {
    return new ObjectStore(mkdtempSync(join(tmpdir(), 'ats-sandbox-')), true);
  }

  /** A new temp file path for a streaming upload. */
  tempPath(): string {
    return join(this.root, 'tmp', randomUUID());
  }

  /** The stored file of a job's upload. */
  jobObjectPath(jobId: string): string {
    return join(this.root, 'objects', `job-${jobId}`);
  }

  /** Moves a finished temp file into place, replacing what was there. */
  commit(tempPath: string, finalPath: string): void {
    renameSync(tempPath, finalPath);
  }

  /** Deletes a file if it exists. */
  remove(path: string | null | undefined): void {
    if (!path) return;
    try {
      unlinkSync(path);
    } catch {
      // Already gone.
    }
  }

  /** Removes every stored file (reset). */
  clear(): void {
    rmSync(join(this.root, 'objects'), { recursive: true, force: true });
    mkdirSync(join(this.root, 'objects'), { recursive: true });
  }

  close(): void {
    if (this.removeOnClose) rmSync(this.root, { recursive: true, force: true });
  }
}
