import { DEFAULT_STORE_URL, type OpenedStore, openStore } from '@selfprov/app';
import type { StoreError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { storeUrlOf, UsageError } from '../args.js';

/** What the `selfprov audit` sub-commands share (../audit.ts): opening the store, error lines, instants, text tables. */

export const storeError = (verb: string, e: StoreError) => `selfprov audit ${verb}: ${e.code}: ${e.message}`;

export const openRaw = async (verb: string, url: string | undefined): Promise<OpenedStore | undefined> => {
  const opened = await openStore(storeUrlOf(url, DEFAULT_STORE_URL));
  if (E.isLeft(opened)) {
    console.error(
      `selfprov audit ${verb}: cannot open the store: ${opened.left.code}: ${opened.left.message}${opened.left.field ? ` (field ${opened.left.field})` : ''}`,
    );
    return undefined;
  }
  return opened.right;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO-8601 instant from the command line, normalised like `occurredAt`. A bare date means the
 * start of that day (UTC) for `--since`, and its end for `--at` and `--until`: "on 3 March" includes
 * everything of 3 March.
 */
export const parseInstant = (value: string, option: string, bareDate: 'start' | 'end'): string => {
  const text = DATE.test(value) ? `${value}T${bareDate === 'start' ? '00:00:00.000' : '23:59:59.999'}Z` : value;
  const at = new Date(text);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value))
    throw new UsageError(
      `--${option} must be an ISO-8601 date or instant (2026-03-03 or 2026-03-03T10:00:00Z), got ${JSON.stringify(value)}`,
    );
  return at.toISOString();
};

/** Plain text columns, padded to the widest cell. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
};
