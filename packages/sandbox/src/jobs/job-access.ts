import type { Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { decideTokenBinding, type TokenBindingRoute } from '../sessions';
import type { JobRow } from './jobs';

/** Token lifetime past `exp` is irrelevant: bindings are kept until the token expires. */
function tokenExpiresAt(principal: Principal): number {
  return principal.kind === 'session' ? principal.claims.exp * 1000 : 0;
}

/**
 * Checks that the caller may act on a job, and binds a fresh write token to it (api.md §3.3):
 * an API key acts on the jobs it started; a session on the job its token is bound to, or, when
 * fresh, on a job of the same organization, site and action (resume after a refresh). Refusals:
 * `403 registration.upload_session_forbidden` (prepare) or `prepared_forbidden` (confirm).
 * Call inside the DB transaction that acts on the job.
 *
 * @example
 * db.transaction(() => { assertJobAccess(ctx, principal, job, 'confirm'); ... })();
 */
export function assertJobAccess(
  ctx: SandboxContext,
  principal: Principal,
  job: JobRow,
  route: 'prepare' | 'confirm' | 'download',
): void {
  const forbidden = () =>
    route === 'confirm'
      ? new ApiFailure(
          403,
          'registration.prepared_forbidden',
          'This job belongs to another credential.',
        )
      : new ApiFailure(
          403,
          'registration.upload_session_forbidden',
          'This job belongs to another credential.',
        );
  if (principal.kind === 'api_key') {
    if (job.api_key_id !== principal.apiKey.id) throw forbidden();
    return;
  }
  const { claims, site, organization } = principal;
  const matches =
    job.organization_id === organization.id &&
    job.site_id === site.id &&
    job.session_action === claims.action_type;
  const decision = decideTokenBinding({
    tokenJti: claims.jti,
    actionType: claims.action_type,
    boundJobId: ctx.tokenBindings.get(claims.jti),
    requestJobId: job.id,
    route: route as TokenBindingRoute,
    jobMatchesToken: matches,
  });
  if (decision.kind === 'deny') {
    throw new ApiFailure(decision.status, decision.code, decision.message, decision.details);
  }
  if (!matches) throw forbidden();
  if (decision.kind === 'bind') {
    ctx.tokenBindings.bind({
      jti: claims.jti,
      jobId: job.id,
      now: ctx.clock.now(),
      expiresAt: tokenExpiresAt(principal),
    });
  }
}

/**
 * At an init: refuses a write token already bound to another job (`401 session.invalid_token`,
 * `reason: token_consumed`) and binds a fresh one to the new job. Call inside the DB transaction
 * that inserts the job.
 */
export function bindTokenAtInit(ctx: SandboxContext, principal: Principal, jobId: string): void {
  if (principal.kind !== 'session') return;
  const { claims } = principal;
  const decision = decideTokenBinding({
    tokenJti: claims.jti,
    actionType: claims.action_type,
    boundJobId: ctx.tokenBindings.get(claims.jti),
    requestJobId: jobId,
    route: 'init',
  });
  if (decision.kind === 'deny') {
    throw new ApiFailure(decision.status, decision.code, decision.message, decision.details);
  }
  if (decision.kind === 'bind') {
    ctx.tokenBindings.bind({
      jti: claims.jti,
      jobId,
      now: ctx.clock.now(),
      expiresAt: tokenExpiresAt(principal),
    });
  }
}
