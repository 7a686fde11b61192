// The webhook's signature, so that a receiver can tell a POST from this DirSync from a forged or replayed one:
// HMAC-SHA256, keyed with the secret both sides share, over `<timestamp>.<body>`, the timestamp (unix seconds) sent
// beside it. Signing the timestamp with the body lets the receiver refuse an old request replayed as it was
// (README "Notifications: mail and webhook" has the receiver's side).
import { createHmac } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-dirsync-timestamp';
export const SIGNATURE_HEADER = 'x-dirsync-signature';

/** The headers that sign `body` at `now`. */
export function signatureHeaders(secret: string, body: string, now = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${signature}` };
}
