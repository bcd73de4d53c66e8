export { originAllowed } from './origin-allowlist';
export {
  type CreateSessionRequest,
  createSessionService,
  errorBody,
  isSessionRequest,
  type SessionAuthentication,
  type SessionFailure,
  type SessionHttpResponse,
  type SessionOrganization,
  type SessionRequestCredentials,
  type SessionService,
  type SessionServiceOptions,
  type SessionSite,
  type SessionSiteLookup,
  type SessionSiteRecord,
} from './session-service';
export {
  mintSessionToken,
  type SessionTokenClaimsInput,
  type SessionTokenFailure,
  type SessionTokenSecret,
  type SessionTokenVerification,
  siteKeyHash,
  verifySessionToken,
} from './session-token';
export {
  decideTokenBinding,
  migrateSessions,
  SESSION_TABLES,
  type TokenBindingDecision,
  type TokenBindingQuestion,
  type TokenBindingRoute,
  TokenBindingStore,
} from './token-binding';
