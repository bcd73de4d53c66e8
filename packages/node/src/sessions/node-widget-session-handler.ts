import type { IncomingMessage, ServerResponse } from 'node:http';
import { singleHeaderValue } from '../http/header-value';
import { sendNodeJson } from '../http/node-json-response';
import {
  answerSessionRequest,
  checkWidgetSessionHandlerOptions,
  type WidgetSessionHandlerOptions,
} from './widget-session-handler-options';

/** A request handler for Node `http` and Express; the promise never rejects. */
export type NodeWidgetSessionHandler<TRequest extends IncomingMessage = IncomingMessage> = (
  req: TRequest,
  res: ServerResponse,
) => Promise<void>;

/**
 * The session route of `createWidgetSessionHandler` for Node `http` and Express: `authenticate`
 * receives the Node request (with Express, `req.user`, `req.session`, … are there; type it with
 * `createNodeWidgetSessionHandler<express.Request>(…)`).
 *
 * @example
 * app.post('/api/ats-session', createNodeWidgetSessionHandler({
 *   secretKey: process.env.ATS_WIDGET_SECRET_KEY!,
 *   authenticate: (req) =>
 *     req.user ? { actionType: 'register', allowedNetwork: 'testnet', externalUserRef: req.user.id } : null,
 * }));
 */
export function createNodeWidgetSessionHandler<TRequest extends IncomingMessage = IncomingMessage>(
  options: WidgetSessionHandlerOptions<TRequest>,
): NodeWidgetSessionHandler<TRequest> {
  checkWidgetSessionHandlerOptions(options);
  return async (req, res) => {
    const answer = await answerSessionRequest(
      options,
      req,
      req.method,
      singleHeaderValue(req.headers, 'origin'),
    );
    sendNodeJson(res, answer.status, answer.body, answer.headers);
  };
}
