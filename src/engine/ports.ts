// What the engine needs from each side. The AD connector and the Entra connector implement these;
// benchmarks and tests can put a synthetic source in front of the same engine.
import type { CloudOperation, OperationOutcome } from '../connectors/entra/operations.ts';
import type { TenantContext } from './mapping.ts';
import type { ImportChange, Watermark } from './model.ts';

export interface DirectorySource {
  /** Every in-scope object. Once consumed to the end, `watermark` says where the next delta resumes. */
  fullImport(): AsyncIterable<ImportChange>;
  /** Changes since the watermark. Throws WatermarkRejectedError when the directory no longer honours it. */
  deltaImport(watermark: Watermark): AsyncIterable<ImportChange>;
  readonly watermark: Watermark | undefined;
  /** The given objects as they are now (upsert, or delete when gone or out of scope): retries of failed exports. */
  readObjects(anchors: readonly string[]): AsyncIterable<ImportChange>;
}

/** The directory refused the stored watermark (expired cookie, restored DC…): a full import is needed. */
export class WatermarkRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WatermarkRejectedError';
  }
}

export interface SoftMatchCandidate {
  anchor: string;
  primarySmtpAddress: string | undefined;
  userPrincipalName: string;
}

export interface CloudTarget {
  tenant(): Promise<TenantContext>;
  /** Hard match: cloud objects already carrying these anchors → anchor → cloud id. */
  findByAnchors(objectType: 'user' | 'group', anchors: readonly string[]): Promise<Map<string, string>>;
  /**
   * Soft match: cloud users without an anchor whose primary SMTP address (then UPN) equals the candidate's.
   * Never returns a user holding an administrator role. → anchor → cloud id.
   */
  findSoftMatches(candidates: readonly SoftMatchCandidate[]): Promise<Map<string, string>>;
}

/** Where planned operations go: the Graph exporter, or the plan recorder of a preview run. */
export interface OperationSink {
  apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome>;
}
