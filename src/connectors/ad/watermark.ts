// The AD connector's watermark: where the next delta import resumes. A JSON document the engine stores
// opaquely. Two mechanisms: cookies of the DirSync control (one per naming context, replication-changes-tracker.ts),
// or, when the account lacks the replication rights that control needs, the DC's highestCommittedUSN (valid on that
// one DC only, usn-tracker.ts).
import type { Watermark } from '../../engine/model.ts';
import { watermarkRejectedError } from './errors.ts';

export const WATERMARK_VERSION = 1;

interface WatermarkCommon {
  version: typeof WATERMARK_VERSION;
  /** DirectoryScope.fingerprint() when the watermark was taken. */
  scope: string;
}

export interface ReplicationChangesWatermark extends WatermarkCommon {
  /** The DirSync control's: stored watermarks say so, and a stored watermark's spelling never changes. */
  mechanism: 'dirsync';
  /** Naming context DN → cookie of the DirSync control (Base64). */
  cookies: Record<string, string>;
}

export interface UsnWatermark extends WatermarkCommon {
  mechanism: 'usn';
  /** dsServiceName of the DC whose USNs these are: USNs of another DC mean nothing. */
  server: string;
  /** Changes with uSNChanged above this were not seen yet (decimal string: USNs are 64-bit). */
  highestCommittedUsn: string;
  namingContexts: string[];
}

export type AdWatermark = ReplicationChangesWatermark | UsnWatermark;

export function encodeWatermark(watermark: AdWatermark): Watermark {
  return JSON.stringify(watermark);
}

/** Reads a watermark this connector wrote, or throws ActiveDirectory.watermark-rejected saying why it cannot be used. */
export function decodeWatermark(value: Watermark, expectedScope: string): AdWatermark {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw watermarkRejectedError('The stored Active Directory watermark is not valid JSON.', { cause: error });
  }
  if (!isAdWatermark(parsed)) {
    throw watermarkRejectedError('The stored Active Directory watermark was not written by this version of DirSync.');
  }
  if (parsed.scope !== expectedScope) {
    throw watermarkRejectedError('The synchronisation scope (OUs or attribute filter) changed since the last import.');
  }
  return parsed;
}

function isAdWatermark(value: unknown): value is AdWatermark {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ReplicationChangesWatermark> & Partial<UsnWatermark>;
  if (candidate.version !== WATERMARK_VERSION || typeof candidate.scope !== 'string') return false;
  if (candidate.mechanism === 'dirsync') {
    return (
      typeof candidate.cookies === 'object' &&
      candidate.cookies !== null &&
      Object.values(candidate.cookies).every((cookie) => typeof cookie === 'string')
    );
  }
  return (
    candidate.mechanism === 'usn' &&
    typeof candidate.server === 'string' &&
    typeof candidate.highestCommittedUsn === 'string' &&
    /^\d+$/.test(candidate.highestCommittedUsn) &&
    Array.isArray(candidate.namingContexts)
  );
}
