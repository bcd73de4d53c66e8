export {
  type AccessCode,
  assertAccessCode,
  isAccessCode,
  normalizeAccessCode,
} from './access-code';
