// Rows as both stores read them back, and their conversion to the store's types. The dialects differ only in
// how numbers and times arrive (SQLite: numbers and ISO text; SQL Server: bigint as text, datetime as Date).
import type { DeletedObject, ObjectChange, ObjectLink, RunHistoryMode, RunRecord, RunStatus } from './store.ts';

export interface LinkRow {
  anchor: string;
  kind: ObjectLink['kind'];
  cloud_id: string | null;
  dn: string;
  exported: string;
  last_seen_run: number | string | null;
}

export interface RunRow {
  id: number | string;
  mode: RunHistoryMode;
  started: string | Date;
  ended: string | Date | null;
  status: RunStatus;
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
  errors: number;
  not_exportable: number;
  message: string | null;
}

export function linkFromRow(row: LinkRow): ObjectLink {
  return {
    anchor: row.anchor,
    kind: row.kind,
    cloudId: row.cloud_id,
    dn: row.dn,
    exported: JSON.parse(row.exported) as Record<string, unknown>,
    lastSeenRunId: row.last_seen_run === null ? null : Number(row.last_seen_run),
  };
}

export function runFromRow(row: RunRow): RunRecord {
  return {
    id: Number(row.id),
    mode: row.mode,
    startedAt: new Date(row.started),
    endedAt: row.ended === null ? null : new Date(row.ended),
    status: row.status,
    counts: {
      added: row.added,
      updated: row.updated,
      deleted: row.deleted,
      unchanged: row.unchanged,
      errors: row.errors,
      notExportable: row.not_exportable,
    },
    message: row.message,
  };
}

export interface DeletedObjectRow {
  anchor: string;
  kind: DeletedObject['kind'];
  cloud_id: string;
  dn: string;
  exported: string;
  members: string;
  member_of: string;
}

export function deletedObjectFromRow(row: DeletedObjectRow): DeletedObject {
  return {
    anchor: row.anchor,
    kind: row.kind,
    cloudId: row.cloud_id,
    dn: row.dn,
    exported: JSON.parse(row.exported) as Record<string, unknown>,
    members: JSON.parse(row.members) as string[],
    memberOf: JSON.parse(row.member_of) as string[],
  };
}

export interface ObjectChangeRow {
  anchor: string;
  dn: string;
  kind: ObjectChange['kind'];
  action: ObjectChange['action'];
  attributes: string;
  reason: string | null;
}

export function objectChangeFromRow(row: ObjectChangeRow): ObjectChange {
  return {
    anchor: row.anchor,
    dn: row.dn,
    kind: row.kind,
    action: row.action,
    attributes: JSON.parse(row.attributes) as ObjectChange['attributes'],
    reason: row.reason,
  };
}
