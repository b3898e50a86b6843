import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';
import { optionalDate, optionalId, pageParams } from './validation';

type Ctx = {
  query: Record<string, unknown>;
  body: unknown;
  set(name: string, value: string): void;
  type: string;
};

const filtersOf = (query: Record<string, unknown>) => ({
  directory: optionalId(query.directory, 'directory'),
  run: optionalId(query.run, 'run'),
  action: typeof query.action === 'string' && query.action ? query.action : undefined,
  subject: typeof query.subject === 'string' && query.subject ? query.subject : undefined,
  from: optionalDate(query.from, 'from'),
  to: optionalDate(query.to, 'to'),
});

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Ctx) {
    const { page, pageSize } = pageParams(ctx.query);
    ctx.body = await getService('audit', { strapi }).find(filtersOf(ctx.query), page, pageSize);
  },

  async export(ctx: Ctx) {
    const csv = await getService('audit', { strapi }).exportCsv(filtersOf(ctx.query));
    ctx.type = 'text/csv';
    ctx.set('Content-Disposition', 'attachment; filename="user-directory-sync-audit.csv"');
    ctx.body = csv;
  },
});
