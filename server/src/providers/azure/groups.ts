/**
 * The tenant's groups: the picker's listing, and the snapshot a full run reads through the groups
 * delta endpoint (every group with its direct members; nesting resolved in memory, no request per
 * group).
 */
import type { DirectoryGroup, ProviderLogger } from '../types';
import type { GraphConnection } from './graph-connection';
import { isObject, odataType, removedReason, type RawObject } from './map';

/** One group as the full read saw it: direct user members and direct nested groups. */
type GroupNode = {
  name: string;
  description: string | null;
  users: Set<string>;
  groups: Set<string>;
};

/** The tenant's groups with direct memberships, and the nesting resolved on demand. */
export class GroupSnapshot {
  readonly nodes = new Map<string, GroupNode>();
  private readonly transitive = new Map<string, string[]>();
  private readonly pool = new Map<string, string>();
  deltaLink: string | null = null;

  /**
   * The one copy of an object id: each group that lists a user, and the user's own record and
   * manager reference, would otherwise keep a string of their own (the largest part of a run's
   * memory after the groups are read).
   */
  intern(id: string): string {
    const known = this.pool.get(id);
    if (known !== undefined) return known;
    this.pool.set(id, id);
    return id;
  }

  /** Users in the group or any group nested in it, each once. */
  usersOf(groupId: string): string[] {
    let users = this.transitive.get(groupId);
    if (!users) {
      const result = new Set<string>();
      for (const id of this.groupsUnder(groupId)) {
        for (const user of this.nodes.get(id)?.users ?? []) result.add(user);
      }
      users = [...result];
      this.transitive.set(groupId, users);
    }
    return users;
  }

  /** The groups this group is a direct member of (its parents, for nested groups as data). */
  parentsOf(groupId: string): string[] {
    if (!this.parents) {
      this.parents = new Map();
      for (const [id, node] of this.nodes) {
        for (const child of node.groups) {
          const list = this.parents.get(child);
          if (list) list.push(id);
          else this.parents.set(child, [id]);
        }
      }
    }
    return this.parents.get(groupId) ?? [];
  }

  private parents: Map<string, string[]> | null = null;

  /** The group and every group nested in it (cycles are fine). */
  groupsUnder(groupId: string): Set<string> {
    const seen = new Set<string>();
    const stack = [groupId];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id) || !this.nodes.has(id)) continue;
      seen.add(id);
      for (const sub of this.nodes.get(id)?.groups ?? []) stack.push(sub);
    }
    return seen;
  }
}

export const pageValues = (page: RawObject): RawObject[] =>
  Array.isArray(page.value) ? page.value.filter(isObject) : [];

export const ids = (items: RawObject[]): string[] =>
  items.map((item) => item.id).filter((id): id is string => typeof id === 'string');

/** The `members@delta` entries of a groups delta item. */
export const deltaMembers = (raw: RawObject) => {
  const entries = raw['members@delta'];
  if (!Array.isArray(entries)) return [];
  return entries
    .filter(isObject)
    .filter((entry): entry is RawObject & { id: string } => typeof entry.id === 'string')
    .map((entry) => ({
      id: entry.id,
      type: odataType(entry),
      removed: removedReason(entry) !== null,
    }));
};

/** The tenant's groups for the picker; with `search`, those with a name word starting so. */
export async function* listTenantGroups(
  graph: GraphConnection,
  pageSize: number,
  search?: string
): AsyncGenerator<DirectoryGroup[]> {
  const term = (search ?? '').replace(/["\\]/g, ' ').trim();
  let url = `/groups?$select=id,displayName,description&$top=${pageSize}`;
  const headers: Record<string, string> = {};
  if (term) {
    url += `&$search="displayName:${encodeURIComponent(term)}"&$count=true`;
    headers.ConsistencyLevel = 'eventual';
  }
  for await (const page of graph.pages(url, headers)) {
    const groups: DirectoryGroup[] = [];
    for (const raw of pageValues(page)) {
      if (typeof raw.id !== 'string') continue;
      groups.push({
        externalId: raw.id,
        name: typeof raw.displayName === 'string' ? raw.displayName : raw.id,
        description: typeof raw.description === 'string' ? raw.description : null,
        members: [],
      });
    }
    if (groups.length > 0) yield groups;
  }
}

/** Reads every group with its direct members (the initial groups delta round). */
export const loadGroupSnapshot = async (
  graph: GraphConnection,
  headers: Record<string, string>,
  log: ProviderLogger
): Promise<GroupSnapshot> => {
  const started = Date.now();
  const snapshot = new GroupSnapshot();
  const url = '/groups/delta?$select=displayName,description,members';
  for await (const page of graph.pages(url, headers)) {
    for (const raw of pageValues(page)) {
      if (typeof raw.id !== 'string') continue;
      if (removedReason(raw)) {
        snapshot.nodes.delete(raw.id);
        continue;
      }
      let node = snapshot.nodes.get(raw.id);
      if (!node) {
        node = { name: raw.id, description: null, users: new Set(), groups: new Set() };
        snapshot.nodes.set(raw.id, node);
      }
      if (typeof raw.displayName === 'string') node.name = raw.displayName;
      if ('description' in raw)
        node.description = typeof raw.description === 'string' ? raw.description : null;
      // A big group comes back several times with different member chunks: merge them.
      for (const member of deltaMembers(raw)) {
        const set =
          member.type === 'user' ? node.users : member.type === 'group' ? node.groups : null;
        if (!set) continue;
        if (member.removed) set.delete(member.id);
        else set.add(snapshot.intern(member.id));
      }
    }
    if (typeof page['@odata.deltaLink'] === 'string') snapshot.deltaLink = page['@odata.deltaLink'];
  }
  log.debug(
    `Entra ID: read ${snapshot.nodes.size} groups in ${((Date.now() - started) / 1000).toFixed(1)} s.`
  );
  return snapshot;
};
