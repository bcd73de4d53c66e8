import { jsonResponse } from '../http/fetch-json-response';
import {
  answerSessionRequest,
  checkWidgetSessionHandlerOptions,
  type WidgetSessionHandlerOptions,
} from './widget-session-handler-options';

/** A Web-standard request handler; the promise never rejects. */
export type FetchWidgetSessionHandler = (request: Request) => Promise<Response>;

/**
 * A ready-made session route for Web-standard runtimes (Next.js route handlers, Hono, Bun, Deno):
 * on POST it calls your `authenticate` (null → 401), then mints a token for the returned claims
 * with the browser's `Origin` (or `origin`) and answers `{ token, expires_in }`. ATS's refusals
 * are passed on with their code; the secret key stays on the server.
 *
 * @example
 * // app/api/ats-session/route.ts (Next.js)
 * export const POST = createWidgetSessionHandler({
 *   secretKey: process.env.ATS_WIDGET_SECRET_KEY!,
 *   authenticate: async (request) => {
 *     const user = await currentUser(request);
 *     return user ? { actionType: 'register', allowedNetwork: 'testnet', externalUserRef: user.id } : null;
 *   },
 * });
 */
export function createWidgetSessionHandler(
  options: WidgetSessionHandlerOptions<Request>,
): FetchWidgetSessionHandler {
  checkWidgetSessionHandlerOptions(options);
  return async (request) => {
    const answer = await answerSessionRequest(
      options,
      request,
      request.method,
      request.headers.get('origin') ?? undefined,
    );
    return jsonResponse(answer.status, answer.body, answer.headers);
  };
}
