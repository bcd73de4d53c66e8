import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decideTokenBinding, migrateSessions, TokenBindingStore } from './token-binding';

const JTI = 'jti-1';

describe('decideTokenBinding (api.md §3.3 single use)', () => {
  it('binds a fresh write token to the job it initializes', () => {
    expect(
      decideTokenBinding({ tokenJti: JTI, boundJobId: null, requestJobId: 'job-1', route: 'init' }),
    ).toEqual({ kind: 'bind', jti: JTI, jobId: 'job-1' });
  });

  it('refuses a second init with 401 session.invalid_token, reason token_consumed', () => {
    expect(
      decideTokenBinding({
        tokenJti: JTI,
        boundJobId: 'job-1',
        requestJobId: 'job-2',
        route: 'init',
      }),
    ).toMatchObject({
      kind: 'deny',
      status: 401,
      code: 'session.invalid_token',
      details: { reason: 'token_consumed' },
    });
  });

  it('accepts prepare, confirm and downloads of the bound job', () => {
    for (const route of ['prepare', 'confirm', 'download'] as const) {
      expect(
        decideTokenBinding({ tokenJti: JTI, boundJobId: 'job-1', requestJobId: 'job-1', route }),
      ).toEqual({ kind: 'allow' });
    }
  });

  it('binds a fresh token presented first at prepare, confirm or a download of a matching job', () => {
    for (const route of ['prepare', 'confirm', 'download'] as const) {
      expect(
        decideTokenBinding({ tokenJti: JTI, boundJobId: null, requestJobId: 'job-9', route }),
      ).toEqual({ kind: 'bind', jti: JTI, jobId: 'job-9' });
    }
  });

  it('refuses a job bound elsewhere, or a fresh token on a job of another site or action', () => {
    const cases = [
      { boundJobId: 'job-1', jobMatchesToken: true },
      { boundJobId: null, jobMatchesToken: false },
    ];
    for (const c of cases) {
      expect(
        decideTokenBinding({ tokenJti: JTI, requestJobId: 'job-2', route: 'prepare', ...c }),
      ).toMatchObject({ kind: 'deny', status: 403, code: 'registration.upload_session_forbidden' });
      expect(
        decideTokenBinding({ tokenJti: JTI, requestJobId: 'job-2', route: 'confirm', ...c }),
      ).toMatchObject({ kind: 'deny', status: 403, code: 'registration.prepared_forbidden' });
      expect(
        decideTokenBinding({ tokenJti: JTI, requestJobId: 'job-2', route: 'download', ...c }),
      ).toMatchObject({ kind: 'deny', status: 403, code: 'session.scope_denied' });
    }
  });

  it('never binds on reads, nor for access tokens', () => {
    expect(
      decideTokenBinding({ tokenJti: JTI, boundJobId: 'job-1', requestJobId: null, route: 'read' }),
    ).toEqual({ kind: 'allow' });
    expect(
      decideTokenBinding({
        tokenJti: JTI,
        actionType: 'access',
        boundJobId: null,
        requestJobId: 'job-1',
        route: 'download',
      }),
    ).toEqual({ kind: 'allow' });
  });
});

describe('TokenBindingStore', () => {
  it('creates its table idempotently', () => {
    const db = new Database(':memory:');
    migrateSessions(db);
    migrateSessions(db);
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'session_token_bindings'").get(),
    ).toBeTruthy();
  });

  it('keeps the first binding of a token', () => {
    const store = new TokenBindingStore(new Database(':memory:'));
    expect(store.get(JTI)).toBeNull();
    expect(store.bind({ jti: JTI, jobId: 'job-1', now: 0, expiresAt: 300_000 })).toBe('job-1');
    expect(store.bind({ jti: JTI, jobId: 'job-2', now: 1, expiresAt: 300_000 })).toBe('job-1');
    expect(store.get(JTI)).toBe('job-1');
  });

  it('drives a read-decide-bind sequence inside one transaction', () => {
    const db = new Database(':memory:');
    const store = new TokenBindingStore(db);
    const init = db.transaction((jobId: string) => {
      const decision = decideTokenBinding({
        tokenJti: JTI,
        boundJobId: store.get(JTI),
        requestJobId: jobId,
        route: 'init',
      });
      if (decision.kind === 'bind') store.bind({ jti: JTI, jobId, now: 0, expiresAt: 300_000 });
      return decision.kind;
    });
    expect(init('job-1')).toBe('bind');
    expect(init('job-2')).toBe('deny');
  });

  it('purges expired bindings and clears all', () => {
    const store = new TokenBindingStore(new Database(':memory:'));
    store.bind({ jti: 'a', jobId: 'j', now: 0, expiresAt: 1_000 });
    store.bind({ jti: 'b', jobId: 'j', now: 0, expiresAt: 5_000 });
    expect(store.purgeExpired(1_000)).toBe(1);
    expect(store.get('a')).toBeNull();
    expect(store.get('b')).toBe('j');
    store.clear();
    expect(store.get('b')).toBeNull();
  });
});
