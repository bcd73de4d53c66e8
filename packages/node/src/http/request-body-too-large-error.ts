import { AtsError } from '@ats-kit/core';

/**
 * A request body went over the handler's size cap and was not read further. Code
 * `payload_too_large`; the handlers answer 413.
 */
export class RequestBodyTooLargeError extends AtsError {
  static override readonly kind: string = 'RequestBodyTooLargeError';

  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`The request body is over the ${maxBytes}-byte limit of this handler`, {
      code: 'payload_too_large',
    });
    this.maxBytes = maxBytes;
  }
}
