import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/**
 * Graph can refuse a token the client still holds as valid (revoked, clock skew, a tenant policy change):
 * 401. The request is sent once more with a token signed in afresh; a second 401 stands.
 */
export class RefreshTokenOnUnauthorized implements Middleware {
  private next: Middleware | undefined;
  private readonly requestFreshToken: () => void;

  /** `requestFreshToken` makes the authentication handler's next token a new one, not msal's cached one. */
  constructor(requestFreshToken: () => void) {
    this.requestFreshToken = requestFreshToken;
  }

  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    if (context.response?.status !== 401) return;
    this.requestFreshToken();
    // The authentication handler appends its header: drop the refused token, or both would be sent.
    const headers = context.options?.headers;
    if (headers instanceof Headers) headers.delete('Authorization');
    else if (headers && !Array.isArray(headers)) delete (headers as Record<string, string>).Authorization;
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
