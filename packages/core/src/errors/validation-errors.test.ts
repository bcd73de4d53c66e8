import { describe, expect, it } from 'vitest';
import { AtsFileTooLargeError, AtsValidationError } from './validation-errors';

describe('AtsValidationError', () => {
  it('lists the issues in its message and keeps them', () => {
    const issues = [
      { path: 'title', code: 'too_small', message: 'must not be empty' },
      {
        path: 'creators.0.role',
        code: 'invalid_value',
        message: 'must be one of author, composer',
      },
    ];
    const e = new AtsValidationError('Invalid register input', { issues });
    expect(e.code).toBe('validation_failed');
    expect(e.issues).toEqual(issues);
    expect(e.message).toBe(
      'Invalid register input: title: must not be empty; creators.0.role: must be one of author, composer',
    );
  });

  it('names a root-level issue', () => {
    const e = new AtsValidationError('Bad input', {
      issues: [{ path: '', code: 'invalid_type', message: 'expected an object' }],
    });
    expect(e.message).toBe('Bad input: (input): expected an object');
  });

  it('keeps the message as is without issues, and the cause', () => {
    const cause = new Error('zod');
    const e = new AtsValidationError('Bad input', { issues: [], cause });
    expect(e.message).toBe('Bad input');
    expect(e.cause).toBe(cause);
  });
});

describe('AtsFileTooLargeError', () => {
  it('names both sizes and the platform limit by default', () => {
    const e = new AtsFileTooLargeError({ sizeBytes: 612_000_000, maxBytes: 500_000_000 });
    expect(e).toBeInstanceOf(AtsValidationError);
    expect(e.code).toBe('file_too_large');
    expect(e.sizeBytes).toBe(612_000_000);
    expect(e.maxBytes).toBe(500_000_000);
    expect(e.source).toBe('platform');
    expect(e.message).toBe(
      'The file is 612,000,000 bytes (583.6 MiB), over the limit of 500,000,000 bytes (476.8 MiB) set by the ATS maximum asset size; choose a smaller file',
    );
    expect(e.issues).toEqual([{ path: 'file', code: 'file_too_large', message: e.message }]);
  });

  it('names a lower limit from a key or a session', () => {
    const key = new AtsFileTooLargeError({ sizeBytes: 30, maxBytes: 20, source: 'api_key' });
    expect(key.message).toContain("set by the API key's max_file_size_bytes");
    const session = new AtsFileTooLargeError({ sizeBytes: 30, maxBytes: 20, source: 'session' });
    expect(session.message).toContain("the widget session's max_file_size_bytes");
    const custom = new AtsFileTooLargeError({ sizeBytes: 30, maxBytes: 20, source: 'your plan' });
    expect(custom.message).toContain('set by your plan');
  });
});
