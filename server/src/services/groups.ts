/**
 * Directory groups for app developers: a user's groups, direct and transitive (through nested
 * groups), and the membership check behind the `in-group` route policy. Reads only.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { readLinks, tableInfo } from '../db/sql';
import { withAncestors } from '../sync/plan';

export type GroupSummary = {
  id: number;
  name: string;
  directoryName: string | null;
  direct: boolean;
};

export const createGroupsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const db = () => strapi.db.connection;
  const groups = () => tableInfo(strapi, UID.group);

  /** The group rows a users-permissions user is a direct member of. */
  const directGroupIds = async (userId: number) => {
    const link = groups().joinTable('users');
    const rows: Record<string, number>[] = await db()(link.name)
      .select(link.from)
      .where(link.to, userId);
    return rows.map((row) => Number(row[link.from]));
  };

  /** Every ancestor of these groups through the parents links (cycles are harmless). */
  const ancestorsOf = async (ids: number[]) => {
    const link = groups().joinTable('parents');
    const parentsOf = new Map<number, number[]>();
    let frontier = ids;
    while (frontier.length) {
      const next = await readLinks(db(), link, frontier);
      frontier = [];
      for (const [child, parents] of next) {
        parentsOf.set(child, parents);
        frontier.push(...parents.filter((id) => !parentsOf.has(id)));
      }
    }
    return withAncestors(ids, parentsOf);
  };

  return {
    /** A user's groups: direct ones, and with `transitive` every group they are in through nesting. */
    async ofUser(userId: number, { transitive = true } = {}): Promise<GroupSummary[]> {
      const direct = await directGroupIds(userId);
      const all = transitive ? await ancestorsOf(direct) : new Set(direct);
      if (!all.size) return [];
      const rows = (await strapi.db.query(UID.group).findMany({
        where: { id: { $in: [...all] } },
        select: ['id', 'name', 'directoryName'],
        orderBy: { name: 'asc' },
      })) as { id: number; name: string; directoryName: string | null }[];
      const directSet = new Set(direct);
      return rows.map((row) => ({ ...row, direct: directSet.has(row.id) }));
    },

    /** Whether the user is (transitively) in one of these groups, by name. */
    async isMember(userId: number, names: string[]) {
      if (!names.length) return false;
      const wanted = new Set(names);
      return (await this.ofUser(userId)).some((group) => wanted.has(group.name));
    },
  };
};

export type GroupsService = ReturnType<typeof createGroupsService>;
