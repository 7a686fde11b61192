// Rows as the stores write and read them, and their conversion from and to the store's types. The engines differ
// only in how numbers and times come back (SQLite: numbers and ISO text; SQL Server: bigint as text, datetime as Date).
import type { ObjectKind } from '../engine/model.ts';
import type { DeletedLink, DeletedObject, InRun, ObjectChange, ObjectError, ObjectLink, RunHistoryMode, RunRecord, RunStatus } from './store.ts';

/** The columns every record of a cloud object has: links, deleted links, deleted objects. */
interface CloudObjectRow<CloudId extends string | null> {
  anchor: string;
  kind: ObjectKind;
  cloud_id: CloudId;
  dn: string;
  exported: string;
}

interface CloudObject<CloudId extends string | null> {
  anchor: string;
  kind: ObjectKind;
  cloudId: CloudId;
  dn: string;
  exported: Record<string, unknown>;
}

function cloudObjectRow<CloudId extends string | null>(object: CloudObject<CloudId>): CloudObjectRow<CloudId> {
  return { anchor: object.anchor, kind: object.kind, cloud_id: object.cloudId, dn: object.dn, exported: JSON.stringify(object.exported) };
}

function cloudObjectFromRow<CloudId extends string | null>(row: CloudObjectRow<CloudId>): CloudObject<CloudId> {
  return { anchor: row.anchor, kind: row.kind, cloudId: row.cloud_id, dn: row.dn, exported: JSON.parse(row.exported) as Record<string, unknown> };
}

export interface LinkRow extends CloudObjectRow<string | null> {
  last_seen_run: number | string | null;
}

/** The columns of a table, written once for every statement of both dialects that lists them. */
export const LINK_COLUMNS = ['anchor', 'kind', 'cloud_id', 'dn', 'exported', 'last_seen_run'] as const satisfies readonly (keyof LinkRow)[];

export function linkRow(link: ObjectLink): LinkRow {
  return { ...cloudObjectRow(link), last_seen_run: link.lastSeenRunId };
}

export function linkFromRow(row: LinkRow): ObjectLink {
  return { ...cloudObjectFromRow(row), lastSeenRunId: row.last_seen_run === null ? null : Number(row.last_seen_run) };
}

export interface DeletedLinkRow extends CloudObjectRow<string> {
  deleted_at: string | Date;
}

export const DELETED_LINK_COLUMNS = [
  'anchor',
  'kind',
  'cloud_id',
  'dn',
  'deleted_at',
  'exported',
] as const satisfies readonly (keyof DeletedLinkRow)[];

export function deletedLinkRow(link: DeletedLink): DeletedLinkRow {
  return { ...cloudObjectRow(link), deleted_at: link.deletedAt };
}

export function deletedLinkFromRow(row: DeletedLinkRow): DeletedLink {
  return { ...cloudObjectFromRow(row), deletedAt: new Date(row.deleted_at) };
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
  reverted: number;
  restored: number;
  message: string | null;
}

export const RUN_COLUMNS = [
  'id',
  'mode',
  'started',
  'ended',
  'status',
  'added',
  'updated',
  'deleted',
  'unchanged',
  'errors',
  'not_exportable',
  'reverted',
  'restored',
  'message',
] as const satisfies readonly (keyof RunRow)[];

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
      reverted: row.reverted,
      restored: row.restored,
    },
    message: row.message,
  };
}

/** A row of a batch written as a set (SQL Server), numbered so that it is read back in the order given. */
export type Numbered<Row> = Row & { ordinal: number };

export type RunErrorRow = Numbered<ObjectError>;

export interface DeletedObjectRow extends CloudObjectRow<string> {
  members: string;
  member_of: string;
}

export const DELETED_OBJECT_COLUMNS = [
  'anchor',
  'kind',
  'cloud_id',
  'dn',
  'exported',
  'members',
  'member_of',
] as const satisfies readonly (keyof DeletedObjectRow)[];

export function deletedObjectRow(object: DeletedObject): DeletedObjectRow {
  return { ...cloudObjectRow(object), members: JSON.stringify(object.members), member_of: JSON.stringify(object.memberOf) };
}

export function deletedObjectFromRow(row: DeletedObjectRow): DeletedObject {
  return { ...cloudObjectFromRow(row), members: JSON.parse(row.members) as string[], memberOf: JSON.parse(row.member_of) as string[] };
}

export interface ObjectChangeRow {
  anchor: string;
  dn: string;
  kind: ObjectChange['kind'];
  action: ObjectChange['action'];
  attributes: string;
  reason: string | null;
}

export const OBJECT_CHANGE_COLUMNS = ['anchor', 'dn', 'kind', 'action', 'attributes', 'reason'] as const satisfies readonly (keyof ObjectChangeRow)[];

export function objectChangeRow(change: ObjectChange, ordinal: number): Numbered<ObjectChangeRow> {
  return {
    ordinal,
    anchor: change.anchor,
    dn: change.dn,
    kind: change.kind,
    action: change.action,
    attributes: JSON.stringify(change.attributes),
    reason: change.reason,
  };
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

/** An error as read back: its columns alone, whatever else the row holds. */
export function objectErrorFromRow({ dn, anchor, code, message }: ObjectError): ObjectError {
  return { dn, anchor, code, message };
}

/** A row read with the id of the run it belongs to. */
export type OfRun<Row> = Row & { run_id: number | string };

/** A record of a run as read from its row, with the run's id. */
export function inRun<Row, Record>(row: OfRun<Row>, fromRow: (row: Row) => Record): InRun<Record> {
  return { ...fromRow(row), runId: Number(row.run_id) };
}

/** "a, b, c": a column list for SELECT and INSERT. */
export function columnList(columns: readonly string[]): string {
  return columns.join(', ');
}

/** "b = source.b, c = source.c": every column but the key, set from another row (an upsert's update). */
export function assignments(columns: readonly string[], source: string): string {
  return columns
    .slice(1)
    .map((column) => `${column} = ${source}.${column}`)
    .join(', ');
}
