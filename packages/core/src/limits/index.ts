export {
  assertFileSize,
  BYTES_PER_MIB,
  effectiveFileSizeLimit,
  effectiveMaxFileSize,
  type FileSizeLimit,
  FREE_STORAGE_BYTES,
  MAX_ASSET_SIZE_BYTES,
} from './file-size';
