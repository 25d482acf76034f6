// Writes a whole result to a CSV or JSON file, read through the cursor in batches (never from what a grid holds), into
// a temporary file beside the target that is renamed over it at the end: a cancel or a failure deletes the partial
// file and leaves whatever was at the target untouched.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError } from '../shared/errors';
import type { ResultColumn, ResultCursor, ResultRow } from '../snowflake/sqlDriver';

export type ExportFormat = 'csv' | 'json';

export interface ExportProgress {
  readonly rows: number;
  readonly totalRows: number;
}

export interface ExportOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ExportProgress) => void;
}

const BATCH = 5000;

/**
 * One CSV field per RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180#section-2): a field holding a comma, a double
 * quote, CR or LF is enclosed in double quotes and its quotes doubled. The RFC has no NULL: NULL is the empty field,
 * and an empty string is written as `""` so the two stay apart.
 */
export function csvField(v: string | null): string {
  if (v === null) return '';
  if (v === '') return '""';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Records end with CRLF (RFC 4180, section 2, rules 1 and 2); the header record holds the column names (rule 3). */
function csvRecord(row: readonly (string | null)[]): string {
  return `${row.map(csvField).join(',')}\r\n`;
}

/** Keys for the JSON objects: column names, a repeated name numbered (`A`, `A_2`), as Snowflake allows repeats. */
export function uniqueKeys(columns: readonly ResultColumn[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c.name : `${c.name}_${n}`;
  });
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * A value as JSON (RFC 8259): numbers stay exact as number literals (a NUMBER(38) is not cut to a double), booleans
 * are true/false, semi-structured values are embedded as the JSON Snowflake sends, the rest are strings.
 */
function jsonValue(type: string, v: string | null): string {
  if (v === null) return 'null';
  switch (type) {
    case 'fixed':
    case 'real':
      return JSON_NUMBER.test(v) ? v : JSON.stringify(v);
    case 'boolean':
      return v === 'true' || v === 'TRUE' ? 'true' : v === 'false' || v === 'FALSE' ? 'false' : JSON.stringify(v);
    case 'variant':
    case 'object':
    case 'array':
      try {
        return JSON.stringify(JSON.parse(v));
      } catch {
        return JSON.stringify(v);
      }
    default:
      return JSON.stringify(v);
  }
}

function formatter(format: ExportFormat, columns: readonly ResultColumn[]): (row: ResultRow, first: boolean) => string {
  if (format === 'csv') return (row) => csvRecord(row);
  const keys = uniqueKeys(columns).map((k) => `${JSON.stringify(k)}:`);
  const types = columns.map((c) => c.type);
  return (row, first) => {
    let s = first ? '\n{' : ',\n{';
    for (let i = 0; i < keys.length; i++) s += `${i ? ',' : ''}${keys[i]}${jsonValue(types[i]!, row[i] ?? null)}`;
    return `${s}}`;
  };
}

/** Exports every row of the result to `file`; resolves with the number of rows written. */
export async function exportResult(
  cursor: ResultCursor,
  format: ExportFormat,
  file: string,
  opts: ExportOptions = {},
): Promise<number> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.partial`);
  const out = createWriteStream(temp, { flags: 'wx' });
  const opened = new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  failed.catch(() => undefined);
  const write = (s: string): Promise<void> | undefined =>
    out.write(s) ? undefined : Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
  const reader = cursor.rows(0);
  let rows = 0;
  try {
    await opened;
    const line = formatter(format, cursor.columns);
    await write(format === 'csv' ? csvRecord(cursor.columns.map((c) => c.name)) : '[');
    for (;;) {
      if (opts.signal?.aborted) throw new CancelledError();
      const batch = await reader.read(BATCH);
      if (batch.length === 0) break;
      let text = '';
      for (const row of batch) text += line(row, rows++ === 0);
      await write(text);
      opts.onProgress?.({ rows, totalRows: cursor.totalRows });
    }
    if (opts.signal?.aborted) throw new CancelledError();
    await write(format === 'csv' ? '' : rows ? '\n]\n' : ']\n');
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(temp, file);
    return rows;
  } catch (err) {
    out.destroy();
    await unlink(temp).catch(() => undefined);
    throw err;
  } finally {
    reader.close();
  }
}
