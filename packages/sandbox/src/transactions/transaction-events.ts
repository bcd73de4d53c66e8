/** A WebSocket `update` frame (api.md §7.2). */
export interface UpdateFrame {
  type: 'update';
  step: string;
  progress: number;
  description: string;
  timestamp: string;
  details?: Record<string, unknown>;
}

type Listener = (frame: UpdateFrame) => void;

/**
 * In-process fan-out of transaction step changes to open WebSockets. Published after the state
 * change committed, so a listener that reads the database sees it.
 *
 * @example
 * const stop = events.subscribe(txId, (frame) => socket.send(JSON.stringify(frame)));
 */
export class TransactionEvents {
  private readonly listeners = new Map<string, Set<Listener>>();

  subscribe(transactionId: string, listener: Listener): () => void {
    let set = this.listeners.get(transactionId);
    if (!set) {
      set = new Set();
      this.listeners.set(transactionId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(transactionId);
    };
  }

  publish(transactionId: string, frame: UpdateFrame): void {
    for (const listener of [...(this.listeners.get(transactionId) ?? [])]) {
      try {
        listener(frame);
      } catch {
        // A broken socket must not stop the chain.
      }
    }
  }
}
