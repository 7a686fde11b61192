/** When Graph sends no usable Retry-After with a 429, wait this long. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Seconds to wait from a Retry-After value: delta-seconds or an HTTP date (RFC 9110). */
export function retryAfterSeconds(value: string | null | undefined): number {
  if (value === null || value === undefined || value.trim() === '') return DEFAULT_RETRY_AFTER_SECONDS;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(0, (date - Date.now()) / 1000);
}
