import { TRANSACTION_STEP_PROGRESS } from '@ats-kit/core';

/** Step names of the sandbox's timeline (api.md §14.2). */
export type StepName = keyof typeof TRANSACTION_STEP_PROGRESS;

/** Human descriptions shown with each step. */
export const STEP_DESCRIPTIONS: Record<StepName, string> = {
  validating: 'Validating the request',
  preparing_transaction: 'Preparing the transaction',
  signing: 'Signing the transaction',
  submitting: 'Submitted, waiting for a block',
  confirming: 'Included in a block, waiting for finality',
  completed: 'Recorded on chain',
  failed: 'Transaction failed',
};

/** Virtual ms after confirm at which each timed step starts (api.md §7.3). */
export const TIMED_STEPS: readonly { step: StepName; offsetMs: number }[] = [
  { step: 'validating', offsetMs: 0 },
  { step: 'preparing_transaction', offsetMs: 500 },
  { step: 'signing', offsetMs: 1000 },
  { step: 'submitting', offsetMs: 1500 },
];

/** One entry of a transaction's `steps`. */
export interface StepEntry {
  step: string;
  progress: number;
  description: string;
  timestamp: string;
}

/** The entry for a step reached at `timestamp`. */
export function stepEntry(step: StepName, timestamp: string, description?: string): StepEntry {
  return {
    step,
    progress: TRANSACTION_STEP_PROGRESS[step],
    description: description ?? STEP_DESCRIPTIONS[step],
    timestamp,
  };
}
