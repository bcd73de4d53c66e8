// Shared set-up of the engine tests: a fake ATS server on a virtual clock, an engine pointed at
// it, and a recorder of every event the engine emits.
import WebSocket from 'ws';
import { createRegistrationEngine, type RegistrationEngine } from '../registration-engine';
import type {
  RegisterRequest,
  RegistrationEngineEventName,
  RegistrationEngineEvents,
  RegistrationEngineOptions,
  StatusKind,
} from '../types';
import {
  createTestClock,
  type FakeAtsServer,
  startFakeAtsServer,
  type TestClock,
} from './fake-ats-server';

export const API_KEY = `afo_sk_live_${'0a1b'.repeat(12)}`;

/** Deterministic media: byte i is (i * 31 + seed) mod 251. */
export function media(size = 4096, seed = 7): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) % 251;
  return bytes;
}

/** A register request with untrimmed text, as a form would give it. */
export function registerInput(overrides: Partial<RegisterRequest> = {}): RegisterRequest {
  return {
    operation: 'register',
    network: 'testnet',
    title: '  Midnight Song  ',
    filename: 'midnight.wav',
    creators: [
      { full_name: ' Ana Example ', email: ' ana@example.com ', roles: ['author', 'Composer'] },
      { full_name: 'Bo Writer', email: 'bo@example.com', roles: { arranger: true }, ipi: '123' },
    ],
    media: media(),
    ...overrides,
  };
}

type Recorded = { [E in RegistrationEngineEventName]: RegistrationEngineEvents[E][] };

export interface Harness {
  server: FakeAtsServer;
  clock: TestClock;
  engine: RegistrationEngine;
  events: Recorded;
  /** The status kinds the engine went through, in order. */
  kinds(): StatusKind[];
  /** A new engine on the same server and clock. */
  makeEngine(options?: Partial<RegistrationEngineOptions>): RegistrationEngine;
  close(): Promise<void>;
}

const EVENT_NAMES: RegistrationEngineEventName[] = [
  'state',
  'progress',
  'quote',
  'warning',
  'confirmed',
  'step',
  'completed',
  'failed',
  'aborted',
];

export async function startHarness(
  options: Partial<RegistrationEngineOptions> = {},
): Promise<Harness> {
  const clock = createTestClock();
  const server = await startFakeAtsServer(clock);
  const events = Object.fromEntries(EVENT_NAMES.map((name) => [name, []])) as unknown as Recorded;
  const makeEngine = (extra: Partial<RegistrationEngineOptions> = {}) =>
    createRegistrationEngine({
      baseUrl: server.baseUrl,
      auth: { type: 'apiKey', apiKey: API_KEY },
      webSocket: WebSocket,
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0,
      ...options,
      ...extra,
    });
  const engine = makeEngine();
  for (const name of EVENT_NAMES) {
    engine.on(name, (payload) => (events[name] as unknown[]).push(payload));
  }
  return {
    server,
    clock,
    engine,
    events,
    kinds: () => events.state.map((event) => event.status.kind),
    makeEngine,
    close: async () => {
      engine.dispose();
      await server.close();
    },
  };
}

/** Resolves once `predicate` holds, checking after each turn of the event loop (bounded). */
export async function until(predicate: () => boolean, turns = 2_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error('condition not reached');
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
