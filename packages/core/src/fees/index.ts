export {
  explainQuote,
  type FeeComponent,
  type FeeComponentName,
  type QuoteExplanation,
  type QuoteFeeField,
  type ServerQuote,
} from './explain-quote';
export {
  assertFeeSchedule,
  DEFAULT_FEE_SCHEDULE,
  type FeeSchedule,
  type StorageTier,
} from './fee-schedule';
export {
  debitForNetwork,
  type FeeQuote,
  type QuoteFeesInput,
  quoteFees,
  type RegisterFeeQuote,
  type TestnetQuoteMode,
  type UpdateFeeQuote,
} from './quote-fees';
export { storageFeeCredits } from './storage-fee';
