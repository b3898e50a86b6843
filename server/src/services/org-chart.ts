/**
 * The org chart: people of the directories that enable it (`options.orgChart`), with their manager,
 * department, job title and direct reports. Read-only, for front ends; never private fields, and
 * emails only where the directory allows them (`options.orgChartEmails`).
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { chunks } from '../db/sql';
import type { DirectoryRow } from './directories';

export type OrgPerson = {
  id: number;
  name: string;
  jobTitle: string | null;
  department: string | null;
  email?: string | null;
  managerId: number | null;
  reports: OrgPerson[];
};

type IdentityRow = {
  externalId: string;
  targetId: number;
  profile: { attributes?: Record<string, string | null> } | null;
};

export const createOrgChartService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Everyone in the enabled directories, flat, with managerId resolved. */
  const people = async () => {
    const rows = (await strapi.db.query(UID.directory).findMany({})) as DirectoryRow[];
    const out = new Map<number, Omit<OrgPerson, 'reports'>>();
    for (const directory of rows.filter((row) => row.options?.orgChart === true)) {
      const withEmail = directory.options?.orgChartEmails === true;
      const identities = (await strapi.db.query(UID.identity).findMany({
        where: { directoryId: directory.id, kind: 'user', state: 'active' },
        select: ['externalId', 'targetId', 'profile'],
      })) as IdentityRow[];
      const byExternal = new Map(
        identities.map((identity) => [identity.externalId, identity.targetId])
      );
      const isAdmin = directory.target === 'admin';
      const uid = isAdmin ? 'admin::user' : 'plugin::users-permissions.user';
      const fields = isAdmin
        ? ['id', 'firstname', 'lastname', 'email']
        : ['id', 'firstname', 'lastname', 'displayName', 'jobTitle', 'department', 'email'];
      const profiles = new Map(
        identities.map((identity) => [identity.targetId, identity.profile?.attributes ?? {}])
      );
      for (const chunk of chunks(identities.map((identity) => identity.targetId))) {
        const users = (await strapi.db.query(uid).findMany({
          where: { id: { $in: chunk } },
          select: fields,
          ...(isAdmin ? {} : { populate: { manager: { select: ['id'] } } }),
        })) as Record<string, unknown>[];
        for (const user of users) {
          const id = user.id as number;
          const extra = profiles.get(id) ?? {};
          const managerExternal = extra.managerExternalId;
          const managerId = isAdmin
            ? managerExternal
              ? (byExternal.get(managerExternal) ?? null)
              : null
            : ((user.manager as { id: number } | null)?.id ?? null);
          const name =
            (user.displayName as string | null) ??
            extra.displayName ??
            [user.firstname, user.lastname].filter(Boolean).join(' ');
          out.set(id, {
            id,
            name,
            jobTitle: ((user.jobTitle as string | null) ?? extra.jobTitle) || null,
            department: ((user.department as string | null) ?? extra.department) || null,
            ...(withEmail ? { email: (user.email as string | null) ?? null } : {}),
            managerId,
          });
        }
      }
    }
    return out;
  };

  return {
    /** The tree under `root` (or under everyone without a manager), `depth` levels of reports. */
    async tree(root: number | null, depth: number): Promise<OrgPerson[]> {
      const all = await people();
      const reportsOf = new Map<number | null, number[]>();
      for (const person of all.values()) {
        const manager =
          person.managerId !== null && all.has(person.managerId) ? person.managerId : null;
        reportsOf.set(manager, [...(reportsOf.get(manager) ?? []), person.id]);
      }
      const build = (id: number, level: number): OrgPerson => ({
        ...(all.get(id) as Omit<OrgPerson, 'reports'>),
        reports:
          level < depth ? (reportsOf.get(id) ?? []).map((child) => build(child, level + 1)) : [],
      });
      if (root !== null) return all.has(root) ? [build(root, 0)] : [];
      return (reportsOf.get(null) ?? []).map((id) => build(id, 0));
    },
  };
};

export type OrgChartService = ReturnType<typeof createOrgChartService>;
