// Registering many works at once, resumable through a journal file.
export { batchItemKey } from './batch-item-key';
export {
  type BatchItem,
  type BatchItemEvent,
  type BatchItemResult,
  type BatchItemStatus,
  type BatchReport,
  type RegisterManyOptions,
  registerMany,
} from './register-many';
export {
  type JournalEntry,
  type JournalItemState,
  RegistrationJournal,
} from './registration-journal';
