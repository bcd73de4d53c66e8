export {
  assertNetwork,
  BLOCK_TIME_MS,
  DEFAULT_API_BASE_URL,
  DEFAULT_SESSIONS_BASE_URL,
  EXPLORER_BASE_URL,
  explorerTxUrl,
  isNetwork,
  NETWORKS,
  type Network,
} from './networks';
