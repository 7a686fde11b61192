import { GraphClientError, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { DirSyncError } from '../../../core/errors.ts';

/**
 * The Graph client turns any error thrown in the chain into a plain GraphError, losing its type, except
 * GraphClientError. The outermost middleware wraps DirSync's own errors in one so that GraphSession
 * can hand the original (a blocked preview write, a lost connection, a refused sign-in) back to callers.
 */
export class TypedErrorPassThrough implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    try {
      await this.next!.execute(context);
    } catch (error) {
      if (error instanceof DirSyncError) throw Object.assign(new GraphClientError(error.message), { cause: error });
      throw error;
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export function unwrapTypedError(error: unknown): unknown {
  return error instanceof GraphClientError && error.cause instanceof DirSyncError ? error.cause : error;
}
