import type { Context } from 'hono';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { jsonResponse } from '../http/json';
import type { Router } from '../http/router';
import { UUID_PATTERN } from '../identifiers/identifiers';
import { findTransaction, transactionStatusView } from '../transactions/transactions';

/**
 * Transaction status (api.md §7.1): `GET /v1/transactions/{id}` and its `/status` alias. No
 * authentication: knowing the id is the permission. The WebSocket paths (§7.2) answer a plain GET
 * with `400` (they need an upgrade, handled by `attachTransactionSockets`).
 *
 * @example
 * registerTransactionRoutes(router);
 */
export function registerTransactionRoutes(router: Router): void {
  const { ctx } = router;
  router.add('GET', '/v1/transactions/:id', (c) => status(ctx, c));
  router.add('GET', '/v1/transactions/:id/status', (c) => status(ctx, c));
  const needsUpgrade = () => {
    throw new ApiFailure(
      400,
      'common.bad_request',
      'This is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket).',
      { reason: 'websocket_upgrade_required' },
    );
  };
  router.add('GET', '/v1/ws/transactions/:id', needsUpgrade);
  router.add('GET', '/v1/transactions/:id/ws', needsUpgrade);
}

function status(ctx: SandboxContext, c: Context): Response {
  const id = c.req.param('id')!.toLowerCase();
  const row = UUID_PATTERN.test(id) ? findTransaction(ctx.db, id) : undefined;
  if (!row) {
    throw new ApiFailure(404, 'transaction.not_found', `No transaction ${c.req.param('id')}.`);
  }
  return jsonResponse(200, transactionStatusView(row));
}
