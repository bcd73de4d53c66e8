import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SandboxContext } from '../context';
import { newRequestId, UUID_PATTERN } from '../identifiers/identifiers';
import type { UpdateFrame } from './transaction-events';
import { currentUpdateFrame, findTransaction } from './transactions';

/** Wall-clock interval of WebSocket pings (api.md §7.2, sandbox choice). */
export const PING_INTERVAL_MS = 25_000;

const SOCKET_PATHS = [/^\/v1\/ws\/transactions\/([^/]+)$/, /^\/v1\/transactions\/([^/]+)\/ws$/];

/**
 * Serves transaction WebSockets (api.md §7.2) on `/v1/ws/transactions/{id}` and
 * `/v1/transactions/{id}/ws`: `connected`, the current step as an `update`, one `update` per
 * transition, close 1000 after the terminal one; `not_found` and close 4404 for an unknown id;
 * pings every 25 s of wall time; with `ws_drop_rate`, a socket may be cut (no close frame) after a
 * frame. Returns a function that closes every socket.
 *
 * @example
 * const closeSockets = attachTransactionSockets(ctx, httpServer);
 */
export function attachTransactionSockets(ctx: SandboxContext, server: Server): () => void {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    const id = SOCKET_PATHS.map((pattern) => pattern.exec(path)?.[1]).find(Boolean);
    if (!id) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serveSocket(ctx, ws, decodeURIComponent(id)));
  });
  return () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}

function serveSocket(ctx: SandboxContext, ws: WebSocket, rawId: string): void {
  const id = rawId.toLowerCase();
  ws.on('error', () => {});
  // Client frames are ignored.
  ws.on('message', () => {});
  try {
    ctx.scheduler.catchUp();
    const row = UUID_PATTERN.test(id) ? findTransaction(ctx.db, id) : undefined;
    if (!row) {
      ws.send(JSON.stringify({ type: 'not_found', transaction_id: rawId }));
      ws.close(4404, 'transaction not found');
      return;
    }
    const ping = setInterval(() => ws.ping(), PING_INTERVAL_MS);
    ping.unref();
    let unsubscribe = () => {};
    const stop = () => {
      clearInterval(ping);
      unsubscribe();
    };
    ws.on('close', stop);

    const send = (frame: object): boolean => {
      if (ws.readyState !== ws.OPEN) return false;
      ws.send(JSON.stringify(frame));
      if (ctx.faults.draw('ws_drop_rate')) {
        stop();
        ws.terminate();
        return false;
      }
      return true;
    };
    const sendUpdate = (frame: UpdateFrame): void => {
      if (!send(frame)) return;
      if (frame.step === 'completed' || frame.step === 'failed') {
        stop();
        ws.close(1000, 'transaction complete');
      }
    };

    if (!send({ type: 'connected', transaction_id: row.id })) return;
    unsubscribe = ctx.events.subscribe(row.id, sendUpdate);
    sendUpdate(currentUpdateFrame(row));
  } catch (error) {
    ctx.log.error('websocket error', {
      error: error instanceof Error ? error.message : String(error),
    });
    if (ws.readyState === ws.OPEN) {
      ws.send(
        JSON.stringify({
          type: 'error',
          error: {
            code: 'common.internal_error',
            message: 'The sandbox cannot follow this transaction.',
            request_id: newRequestId(),
          },
        }),
      );
      ws.close(1011, 'internal error');
    }
  }
}
