// One registration run of the core engine on behalf of the client: the engine bound to the
// client's transport, and the caller's callbacks wired to its events.
import {
  createRegistrationEngine,
  type PreparedQuote,
  type QuoteExplanation,
  type RegistrationEngine,
  type RegistrationEngineOptions,
  type RegistrationRequest,
  type RegistrationResult,
  type RegistrationSnapshot,
  type RegistrationWarning,
  type TrackingProgress,
  type UploadProgress,
  type VerifyCommitmentMode,
  type WebSocketConstructor,
} from '@ats-kit/core';
import WebSocket from 'ws';
import type { ClientContext } from './client-context';
import { renameMediaIssues } from './registration-file';

/** Options of `works.register`, `works.updateVersion` and `access(code).updateVersion`. */
export interface RegistrationOptions {
  /** Aborts the run: the promise rejects with `AtsRegistrationAbortedError`, which says what the server may hold. */
  signal?: AbortSignal | undefined;
  /**
   * Decides whether to pay the quote (`true` confirms). Default: every quote within
   * `maxPriceCredits`. `false` rejects with `AtsQuoteDeclinedError`, nothing debited.
   */
  approve?:
    | ((quote: PreparedQuote, explanation: QuoteExplanation) => boolean | Promise<boolean>)
    | undefined;
  /** Refuse, without asking, a quote that would debit more credits than this. */
  maxPriceCredits?: number | undefined;
  /** Compare the server's commitment with the local one: default `enforce` when a file is sent. */
  verifyCommitment?: VerifyCommitmentMode | undefined;
  /** Upload progress, about 20 a second at most. */
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /** Each quote, with its explanation (what confirm will debit). */
  onQuote?: ((quote: PreparedQuote, explanation: QuoteExplanation) => void) | undefined;
  /** Each step of the chain transaction (`{ step, progress, description, via }`). */
  onStep?: ((step: TrackingProgress) => void) | undefined;
  /** Each change of state (`snapshot.status.kind`), with the whole snapshot. */
  onState?: ((snapshot: RegistrationSnapshot) => void) | undefined;
  /** Things worth logging that do not stop the run (a lapsed quote, a socket fallback…). */
  onWarning?: ((warning: RegistrationWarning) => void) | undefined;
}

/** Options of `works.createRegistration`: the engine's, without what the client provides. */
export type CreateRegistrationOptions = Omit<
  RegistrationEngineOptions,
  'transport' | 'baseUrl' | 'auth' | 'fetch' | 'organizationId'
>;

/**
 * A registration engine bound to the client: its transport (API key, retries, timeouts), route
 * family and `sleep`, with the `ws` package for transaction sockets (Node 20 has no WebSocket).
 */
export function createClientEngine(
  context: ClientContext,
  options: CreateRegistrationOptions = {},
): RegistrationEngine {
  return createRegistrationEngine({
    webSocket: WebSocket as unknown as WebSocketConstructor,
    ...(context.sleep ? { sleep: context.sleep } : {}),
    ...options,
    transport: context.api,
    organizationId: context.organizationId,
  });
}

/** The engine options carried by `RegistrationOptions`. */
export function engineOptionsOf(options: RegistrationOptions = {}): CreateRegistrationOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.approve ? { approve: options.approve } : {}),
    ...(options.maxPriceCredits !== undefined ? { maxPriceCredits: options.maxPriceCredits } : {}),
    ...(options.verifyCommitment ? { verifyCommitment: options.verifyCommitment } : {}),
  };
}

/**
 * Runs one request on a fresh client engine with the caller's callbacks, then disposes of it.
 * Validation errors name the caller's `file`, not the engine's `media`.
 */
export async function runRegistration(
  context: ClientContext,
  request: RegistrationRequest,
  options: RegistrationOptions = {},
): Promise<RegistrationResult> {
  const engine = createClientEngine(context, engineOptionsOf(options));
  const { onProgress, onQuote, onStep, onState, onWarning } = options;
  if (onProgress) engine.on('progress', (progress) => onProgress(progress));
  if (onQuote) engine.on('quote', ({ quote, explanation }) => onQuote(quote, explanation));
  if (onStep) engine.on('step', (step) => onStep(step));
  if (onState) engine.on('state', ({ snapshot }) => onState(snapshot));
  if (onWarning) engine.on('warning', (warning) => onWarning(warning));
  try {
    return await engine.run(request);
  } catch (error) {
    throw renameMediaIssues(error);
  } finally {
    engine.dispose();
  }
}
