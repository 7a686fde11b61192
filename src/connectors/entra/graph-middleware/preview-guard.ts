import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { previewWriteBlocked } from '../errors.ts';
import { countWrites, requestMethod, requestUrl } from './request-writes.ts';

/** In a preview run, refuses every request that would change the cloud: reads pass, writes never leave the process. */
export class PreviewGuard implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    if (countWrites(context) > 0) throw previewWriteBlocked(requestMethod(context), requestUrl(context));
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
