import { assertNetwork, type Network } from '../networks';

/** A fee component, named independently of the wire field. */
export type FeeComponentName = 'network_fee' | 'deposit' | 'service_fee' | 'storage_fee';

/** One component of a quote as explained. */
export interface FeeComponent {
  name: FeeComponentName;
  /** Wire field read (`total_deposit_credits` or `version_deposit_credits` for the deposit). */
  field: QuoteFeeField;
  /** Credits as quoted; 0 when the field is missing. */
  credits: number;
  /** Chain fee not debited on this network (testnet). */
  waived: boolean;
}

/** A server quote split into its parts, with the checks an SDK shows or warns about. */
export interface QuoteExplanation {
  network: Network;
  /** From the deposit field present: `total_deposit_credits` → register, `version_deposit_credits` → update. */
  operation: 'register' | 'update' | 'unknown';
  components: FeeComponent[];
  /** Names of the waived components (the chain fees, on testnet). */
  waived: FeeComponentName[];
  /** Fields absent from the quote (or not whole, non-negative numbers), counted as 0. */
  missingFields: QuoteFeeField[];
  /** What confirm will debit: the total on mainnet, the storage fee on testnet. */
  debitCredits: number;
  /** `total_price_credits` as quoted, if present. */
  statedTotalCredits: number | undefined;
  /** Sum of the components as quoted. */
  computedTotalCredits: number;
  /** The stated total is present and equals the sum of the components. */
  addsUp: boolean;
  /** The stated total is what confirm debits (false for a gross testnet quote). */
  totalIsDebit: boolean;
}

/** The fee fields of a prepare answer (register or update). */
export type QuoteFeeField =
  | 'network_fee_credits'
  | 'total_deposit_credits'
  | 'version_deposit_credits'
  | 'service_fee_credits'
  | 'storage_fee_credits'
  | 'total_price_credits';

/** Any prepare answer: register or update shape, other fields ignored, fee fields possibly missing. */
export type ServerQuote = { readonly [K in QuoteFeeField]?: unknown };

/**
 * Explains a quote **from the server** (the authority; this never re-prices it): its components,
 * which are waived on the network, the amount confirm will debit, and whether the stated total
 * equals the sum of the components, so an SDK can show the split and warn when it does not add up.
 *
 * @example
 * const e = explainQuote(prepareAnswer, 'testnet');
 * if (!e.addsUp) logger.warn(`quote total ${e.statedTotalCredits} != sum ${e.computedTotalCredits}`);
 */
export function explainQuote(quote: ServerQuote, network: Network): QuoteExplanation {
  assertNetwork(network, 'network');
  const missingFields: QuoteFeeField[] = [];
  const read = (field: QuoteFeeField): number | undefined => {
    const value = quote?.[field];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    return undefined;
  };
  const component = (
    name: FeeComponentName,
    field: QuoteFeeField,
    chainFee: boolean,
  ): FeeComponent => {
    const credits = read(field);
    if (credits === undefined) missingFields.push(field);
    return { name, field, credits: credits ?? 0, waived: chainFee && network === 'testnet' };
  };

  const hasTotalDeposit = read('total_deposit_credits') !== undefined;
  const hasVersionDeposit = read('version_deposit_credits') !== undefined;
  const operation = hasTotalDeposit ? 'register' : hasVersionDeposit ? 'update' : 'unknown';
  const depositField = operation === 'update' ? 'version_deposit_credits' : 'total_deposit_credits';

  const components = [
    component('network_fee', 'network_fee_credits', true),
    component('deposit', depositField, true),
    component('service_fee', 'service_fee_credits', true),
    component('storage_fee', 'storage_fee_credits', false),
  ];
  const statedTotalCredits = read('total_price_credits');
  if (statedTotalCredits === undefined) missingFields.push('total_price_credits');
  const computedTotalCredits = components.reduce((sum, c) => sum + c.credits, 0);
  const storage = components[3]!.credits;
  const debitCredits =
    network === 'testnet' ? storage : (statedTotalCredits ?? computedTotalCredits);

  return {
    network,
    operation,
    components,
    waived: components.filter((c) => c.waived).map((c) => c.name),
    missingFields,
    debitCredits,
    statedTotalCredits,
    computedTotalCredits,
    addsUp: statedTotalCredits !== undefined && statedTotalCredits === computedTotalCredits,
    totalIsDebit: statedTotalCredits !== undefined && statedTotalCredits === debitCredits,
  };
}
