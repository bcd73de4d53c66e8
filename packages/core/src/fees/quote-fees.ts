import { AtsValidationError } from '../errors';
import { assertNetwork, type Network } from '../networks';
import { assertFeeSchedule, DEFAULT_FEE_SCHEDULE, type FeeSchedule } from './fee-schedule';
import { storageFeeCredits } from './storage-fee';

/** Fee fields of a registration's prepare answer (`POST /v1/works/prepare`). */
export interface RegisterFeeQuote {
  network_fee_credits: number;
  total_deposit_credits: number;
  service_fee_credits: number;
  storage_fee_credits: number;
  total_price_credits: number;
}

/** Fee fields of a version's prepare answer (`POST /v1/works/{ats_id}/versions/prepare`). */
export interface UpdateFeeQuote {
  network_fee_credits: number;
  version_deposit_credits: number;
  service_fee_credits: number;
  storage_fee_credits: number;
  total_price_credits: number;
}

export type FeeQuote = RegisterFeeQuote | UpdateFeeQuote;

/**
 * How testnet quotes show the waived chain fees: as `0` so the total is the debit (the default),
 * or `gross`, every component priced, as the sandbox can be set to answer.
 */
export type TestnetQuoteMode = 'waived-as-zero' | 'gross';

interface QuoteFeesBase {
  network: Network;
  schedule?: FeeSchedule | undefined;
  testnetQuote?: TestnetQuoteMode | undefined;
}

/** Input of `quoteFees`. `sizeBytes` may be left out only for a version that keeps its file. */
export type QuoteFeesInput =
  | (QuoteFeesBase & { operation: 'register'; sizeBytes: number; keepFile?: false | undefined })
  | (QuoteFeesBase & { operation: 'update'; sizeBytes: number; keepFile?: false | undefined })
  | (QuoteFeesBase & { operation: 'update'; keepFile: true; sizeBytes?: number | undefined });

/**
 * Prices an operation with a schedule, in the shape of the prepare answer. This is what a server
 * (the sandbox) computes; clients show the server's quote and use `explainQuote` on it, never this
 * as a silent substitute. A version that keeps its current file (`keepFile`) has no storage fee.
 *
 * @example
 * quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 18 * 1024 * 1024 });
 * // { network_fee_credits: 12, total_deposit_credits: 50, service_fee_credits: 5,
 * //   storage_fee_credits: 8, total_price_credits: 75 }
 */
export function quoteFees(input: QuoteFeesInput & { operation: 'register' }): RegisterFeeQuote;
export function quoteFees(input: QuoteFeesInput & { operation: 'update' }): UpdateFeeQuote;
export function quoteFees(input: QuoteFeesInput): FeeQuote;
export function quoteFees(input: QuoteFeesInput): FeeQuote {
  const schedule = input.schedule ?? DEFAULT_FEE_SCHEDULE;
  assertNetwork(input.network, 'network');
  const mode = input.testnetQuote ?? 'waived-as-zero';
  if (mode !== 'waived-as-zero' && mode !== 'gross') {
    throw invalid('testnetQuote', "must be 'waived-as-zero' or 'gross'");
  }
  if (input.operation !== 'register' && input.operation !== 'update') {
    throw invalid('operation', "must be 'register' or 'update'");
  }
  if (input.keepFile && input.operation !== 'update') {
    throw invalid(
      'keepFile',
      'applies to a version update only; a registration always uploads a file',
    );
  }
  if (!input.keepFile && input.sizeBytes === undefined) {
    throw invalid('sizeBytes', 'is required unless the version keeps its current file (keepFile)');
  }
  // storageFeeCredits validates the schedule and the size; a kept file was accepted before.
  let storageFee = 0;
  if (input.keepFile) assertFeeSchedule(schedule);
  else storageFee = storageFeeCredits(input.sizeBytes as number, schedule);

  const waived = input.network === 'testnet' && mode === 'waived-as-zero';
  const chain = (credits: number) => (waived ? 0 : credits);

  if (input.operation === 'register') {
    const r = schedule.register;
    const network = chain(r.network_fee);
    const deposit = chain(r.base_deposit + r.version_deposit);
    const service = chain(serviceFee(r.network_fee, r.service_fee_bps));
    return {
      network_fee_credits: network,
      total_deposit_credits: deposit,
      service_fee_credits: service,
      storage_fee_credits: storageFee,
      total_price_credits: network + deposit + service + storageFee,
    };
  }
  const u = schedule.update;
  const network = chain(u.network_fee);
  const deposit = chain(u.version_deposit);
  const service = chain(serviceFee(u.network_fee, u.service_fee_bps));
  return {
    network_fee_credits: network,
    version_deposit_credits: deposit,
    service_fee_credits: service,
    storage_fee_credits: storageFee,
    total_price_credits: network + deposit + service + storageFee,
  };
}

/**
 * What confirm debits for a quote: the total on mainnet; on testnet, where chain fees are waived,
 * the storage fee only (equal to the total when testnet quotes show waived parts as `0`).
 *
 * @example
 * debitForNetwork(quote, 'testnet'); // quote.storage_fee_credits
 */
export function debitForNetwork(
  quote: Pick<FeeQuote, 'storage_fee_credits' | 'total_price_credits'>,
  network: Network,
): number {
  assertNetwork(network, 'network');
  return network === 'testnet' ? quote.storage_fee_credits : quote.total_price_credits;
}

/** ceil(networkFee × bps / 10 000) in integers, so no float rounding creeps in. */
function serviceFee(networkFee: number, bps: number): number {
  return Math.floor((networkFee * bps + 9_999) / 10_000);
}

function invalid(path: string, message: string): AtsValidationError {
  return new AtsValidationError('Invalid fee quote input', {
    issues: [{ path, code: 'invalid_argument', message }],
  });
}
