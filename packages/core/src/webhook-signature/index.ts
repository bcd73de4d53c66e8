export {
  checkTimestamp,
  constantTimeEqual,
  DEFAULT_TOLERANCE_SECONDS,
  formatSignatureHeader,
  type ParsedSignatureHeader,
  parseSignatureHeader,
  signedPayload,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './webhook-signature';
