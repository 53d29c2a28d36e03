/**
 * Injected faults for the Chime SDK Meetings emulator (a local test double of the AWS service): the next
 * `count` calls to an operation (or to any operation, `'*'`) are answered with an error instead of being
 * served, so a caller's retry and back-off logic can be tested without real load.
 */
import type { InjectableFault } from './errors.ts';

export const ANY_OPERATION = '*';

export class FaultInjector {
  /** FIFO of pending faults per operation name (or `'*'`). */
  readonly #queues = new Map<string, InjectableFault[]>();

  inject(operation: string, count: number, fault: InjectableFault): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
    const queue = this.#queues.get(operation) ?? [];
    for (let i = 0; i < count; i += 1) queue.push(fault);
    this.#queues.set(operation, queue);
  }

  /** The fault to answer this call with, if any; a fault aimed at the operation wins over a `'*'` one. */
  next(operation: string): InjectableFault | undefined {
    return this.#queues.get(operation)?.shift() ?? this.#queues.get(ANY_OPERATION)?.shift();
  }
}
