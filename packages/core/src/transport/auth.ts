import { AtsValidationError } from '../errors';

/** Server-to-server credential: `Authorization: Bearer afo_sk_live_…` (api.md §3.1). */
export interface ApiKeyAuth {
  type: 'apiKey';
  apiKey: string;
}

/** Widget session: `Authorization: Bearer <JWT>` plus `X-Site-Key: cpk_…` (api.md §3.3). */
export interface SessionAuth {
  type: 'session';
  token: string;
  siteKey: string;
}

/** No credential, for the routes that need none (transactions, `POST /v1/sessions`). */
export interface NoAuth {
  type: 'none';
}

/** One of the credentials the ATS API understands. */
export type AuthCredentials = ApiKeyAuth | SessionAuth | NoAuth;

/**
 * Credentials, or a function giving them, called before every attempt: a widget passes a function
 * so that a refreshed session token is used from the next attempt on.
 */
export type AuthOption = AuthCredentials | (() => AuthCredentials | Promise<AuthCredentials>);

// A header value must be visible ASCII; anything else would make fetch throw an error that quotes
// the value, secret included. Checked here so the error names the field, never the value.
const HEADER_TOKEN = /^[\x21-\x7e]+$/;

/** The credential headers for one attempt. Throws `AtsValidationError` naming a bad field. */
export async function authHeaders(auth: AuthOption): Promise<Record<string, string>> {
  const credentials = typeof auth === 'function' ? await auth() : auth;
  switch (credentials?.type) {
    case 'apiKey':
      requireHeaderToken(credentials.apiKey, 'auth.apiKey', 'the API key (afo_sk_live_…)');
      return { authorization: `Bearer ${credentials.apiKey}` };
    case 'session':
      requireHeaderToken(
        credentials.token,
        'auth.token',
        'the session token from POST /v1/sessions',
      );
      requireHeaderToken(credentials.siteKey, 'auth.siteKey', 'the public site key (cpk_…)');
      return { authorization: `Bearer ${credentials.token}`, 'x-site-key': credentials.siteKey };
    case 'none':
      return {};
    default:
      throw new AtsValidationError('Invalid auth option', {
        issues: [
          {
            path: 'auth.type',
            code: 'invalid_value',
            message: 'must be "apiKey", "session" or "none"',
          },
        ],
      });
  }
}

function requireHeaderToken(value: unknown, path: string, what: string): void {
  if (typeof value === 'string' && HEADER_TOKEN.test(value)) return;
  throw new AtsValidationError('Invalid auth option', {
    issues: [
      {
        path,
        code: typeof value === 'string' && value !== '' ? 'invalid_format' : 'required',
        message: `must be ${what}, without spaces or line breaks`,
      },
    ],
  });
}
