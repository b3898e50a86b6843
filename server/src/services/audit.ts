/**
 * The audit log: one entry per change, category "UserSync". Written in bulk after each commit; each
 * entry is also emitted on Strapi's event hub so webhooks can carry it.
 */
import type { Core } from '@strapi/strapi';
import type { Audit } from '../../../shared/contracts';
import { UID } from '../constants';
import { insertRows, tableInfo } from '../db/sql';

export type AuditInput = {
  action: string;
  directoryId: number | null;
  runId: number | null;
  subject: string | null;
  actor: string;
  details: Record<string, unknown>;
};

export type AuditFilters = {
  directory?: number;
  run?: number;
  action?: string;
  subject?: string;
  from?: Date;
  to?: Date;
};

/** Audit actions that are also Strapi events (webhooks). */
export const EVENT_ACTIONS = [
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'group.create',
  'group.update',
  'group.delete',
  'group.member.add',
  'group.member.remove',
  'run.finish',
  'run.fail',
];

const whereOf = (filters: AuditFilters) => {
  const where: Record<string, unknown> = {};
  if (filters.directory !== undefined) where.directoryId = filters.directory;
  if (filters.run !== undefined) where.runId = filters.run;
  if (filters.action) where.action = filters.action;
  if (filters.subject) where.subject = { $containsi: filters.subject };
  if (filters.from || filters.to) {
    where.at = {
      ...(filters.from ? { $gte: filters.from } : {}),
      ...(filters.to ? { $lte: filters.to } : {}),
    };
  }
  return where;
};

/** First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, safe to open in a spreadsheet: a value that would start a formula (a user or group
 * name like `=HYPERLINK(...)` comes from the directory, chosen by whoever controls it) is prefixed
 * with a single quote, then quoted as RFC 4180 wants.
 */
export const csvCell = (value: unknown) => {
  const raw =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const createAuditService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * Writes entries in bulk and emits the webhook events once they are committed. Called inside a
   * transaction (a batch of the applier, the runner's own run.* writes), the entries commit or roll
   * back with it.
   */
  async record(entries: AuditInput[]) {
    if (!entries.length) return;
    const at = new Date();
    const table = tableInfo(strapi, UID.auditEntry);
    await strapi.db.transaction(async ({ trx, onCommit }) => {
      await insertRows(
        trx,
        table,
        entries.map((entry) => ({ ...entry, at, category: 'UserSync' }))
      );
      onCommit(() => {
        for (const entry of entries) {
          if (EVENT_ACTIONS.includes(entry.action)) {
            void strapi.eventHub.emit(`user-directory-sync.${entry.action}`, { ...entry, at });
          }
        }
      });
    });
  },

  async find(filters: AuditFilters, page: number, pageSize: number) {
    const where = whereOf(filters);
    const [results, total] = await Promise.all([
      strapi.db.query(UID.auditEntry).findMany({
        where,
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        offset: (page - 1) * pageSize,
        limit: pageSize,
      }),
      strapi.db.query(UID.auditEntry).count({ where }),
    ]);
    return {
      data: results.map(serialize),
      meta: { pagination: { page, pageSize, total } },
    };
  },

  /** The filtered log as CSV, read in pages so a large log never sits in memory twice. */
  async exportCsv(filters: AuditFilters): Promise<string> {
    const where = whereOf(filters);
    const lines = ['id,at,category,action,directory,run,subject,actor,details'];
    for (let offset = 0; ; offset += 1000) {
      const rows = await strapi.db
        .query(UID.auditEntry)
        .findMany({ where, orderBy: { id: 'asc' }, offset, limit: 1000 });
      for (const row of rows.map(serialize)) {
        lines.push(
          [
            row.id,
            row.at,
            row.category,
            row.action,
            row.directory,
            row.run,
            row.subject,
            row.actor,
            row.details,
          ]
            .map(csvCell)
            .join(',')
        );
      }
      if (rows.length < 1000) break;
    }
    return `${lines.join('\n')}\n`;
  },
});

/** The contract's `Audit.Entry` (shared/contracts) from an audit row. */
const serialize = (row: Record<string, unknown>): Audit.Entry => ({
  id: row.id as number,
  at: row.at instanceof Date ? row.at.toISOString() : String(row.at),
  category: 'UserSync' as const,
  action: row.action as Audit.Entry['action'],
  directory: (row.directoryId as number | null) ?? null,
  run: (row.runId as number | null) ?? null,
  subject: (row.subject as string | null) ?? null,
  actor: row.actor as string,
  details: (row.details as Record<string, unknown>) ?? {},
});

export type AuditService = ReturnType<typeof createAuditService>;
