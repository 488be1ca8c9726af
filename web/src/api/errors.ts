import type { ReplyError } from '../protocol';

/** Why a dump could not answer: the core's error code ("not-a-dump", "page-not-in-dump", ...) or the worker's
 *  ("worker-failed", "bad-request", ...), its message, and the address or offset it names. */
export class KdmpError extends Error {
  override readonly name = 'KdmpError';
  readonly code: string;
  readonly where: bigint | undefined;

  constructor(error: ReplyError) {
    super(error.message);
    this.code = error.code;
    this.where = error.where !== undefined && /^0x[0-9a-f]{1,16}$/i.test(error.where) ? BigInt(error.where) : undefined;
  }
}
