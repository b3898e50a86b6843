/**
 * Microsoft Entra ID through Microsoft Graph: who is in scope (transitive members of the selected
 * groups), full runs and delta rounds.
 *
 * A full run enumerates through the delta endpoints themselves (`/groups/delta` with members,
 * then `/users/delta` with manager): one pass reads the whole directory and ends with the delta
 * links for the next round, so no change can slip between "the read" and "the token". Group
 * nesting is resolved in memory from the direct memberships: no request per group.
 *
 * A delta round reads both delta links, then works out who moved in or out of scope from the member
 * changes of the groups in scope (selected groups and their nested groups), re-reading the scope's
 * member ids only when something changed.
 */
import { DeltaExpiredError, StopSyncError, TransientSyncError } from '../errors';
import type {
  ConnectionCheck,
  ConnectionResult,
  DirectoryChanges,
  DirectoryGroup,
  DirectoryProvider,
  DirectoryUser,
  ProviderContext,
  ProviderFactory,
  ProviderSettings,
  ProviderState,
  RemovedUser,
} from '../types';
import { GraphConnection } from './graph-connection';
import {
  isGuest,
  isObject,
  managerFromDelta,
  managerFromExpand,
  odataType,
  parseGraphUser,
  removedReason,
  toDirectoryUser,
  USER_FIELDS,
  type GraphUser,
  type RawObject,
} from './map';
import {
  readOptions,
  readState,
  resolveConnection,
  type AzureConnection,
  type AzureOptions,
  type AzureState,
} from './settings';

const USER_SELECT = USER_FIELDS.join(',');
const GROUPS_PER_PAGE = 200;

/** One group as the full read saw it: direct user members and direct nested groups. */
type GroupNode = {
  name: string;
  description: string | null;
  users: Set<string>;
  groups: Set<string>;
};

/** What one delta round says about a group. */
type GroupChange = {
  name?: string;
  description?: string | null;
  deleted: boolean;
  addedUsers: Set<string>;
  removedUsers: Set<string>;
  addedGroups: Set<string>;
  removedGroups: Set<string>;
};

/** The tenant's groups with direct memberships, and the nesting resolved on demand. */
class GroupSnapshot {
  readonly nodes = new Map<string, GroupNode>();
  private readonly transitive = new Map<string, string[]>();
  deltaLink: string | null = null;

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

export class AzureProvider implements DirectoryProvider {
  private readonly options: AzureOptions;
  private readonly selection: string[];
  private connection: GraphConnection | null = null;
  private snapshot: GroupSnapshot | null = null;
  private pendingState: AzureState | null = null;

  constructor(
    private readonly settings: ProviderSettings<AzureConnection>,
    private readonly context: ProviderContext
  ) {
    this.options = readOptions(settings.options ?? {});
    this.selection = [...new Set((settings.userGroups ?? []).filter(Boolean))].sort();
  }

  /** Checks the token, reading users, reading groups and members, and the selected groups. */
  async testConnection(): Promise<ConnectionResult> {
    const checks: ConnectionCheck[] = [];
    const run = async (name: string, check: () => Promise<string>) => {
      try {
        checks.push({ name, ok: true, message: await check() });
        return true;
      } catch (error) {
        checks.push({ name, ok: false, message: errorMessage(error) });
        return false;
      }
    };
    try {
      const graph = this.graph();
      const signedIn = await run('token', async () => {
        await graph.acquireToken();
        return 'Signed in to Entra ID with the client secret.';
      });
      if (signedIn) {
        await run('users', async () => {
          await graph.get(`/users?$select=id&$top=1`);
          return 'Can read users and their managers (User.Read.All).';
        });
        await run('groups', async () => {
          const page = await graph.get(`/groups?$select=id&$top=1`);
          const first = Array.isArray(page.value) ? page.value.find(isObject) : undefined;
          if (first && typeof first.id === 'string') {
            await graph.get(`/groups/${encodeURIComponent(first.id)}/members?$select=id&$top=1`);
          }
          return 'Can read groups and their members (GroupMember.Read.All).';
        });
        await run('selected-groups', () => this.checkSelection(graph));
      }
    } catch (error) {
      checks.push({ name: 'settings', ok: false, message: errorMessage(error) });
    }
    const failed = checks.find((check) => !check.ok);
    return {
      ok: !failed,
      message: failed
        ? failed.message
        : 'Connected to Microsoft Graph: users, groups and members can be read.',
      checks,
    };
  }

  /** The tenant's groups for the picker; with `search`, those with a name word starting so. */
  async *listGroups(search?: string): AsyncIterable<DirectoryGroup[]> {
    const graph = this.graph();
    const term = (search ?? '').replace(/["\\]/g, ' ').trim();
    let url = `/groups?$select=id,displayName,description&$top=${this.options.pageSize}`;
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

  /** Every group of the tenant with its (transitive) user members. */
  async *listSyncGroups(): AsyncIterable<DirectoryGroup[]> {
    const snapshot = await this.loadGroups();
    let page: DirectoryGroup[] = [];
    for (const [id, node] of snapshot.nodes) {
      page.push({
        externalId: id,
        name: node.name,
        description: node.description,
        members: snapshot.usersOf(id),
      });
      if (page.length >= GROUPS_PER_PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  /** Every user in scope, page by page as Graph sends them. */
  async *listUsers(): AsyncIterable<DirectoryUser[]> {
    const started = Date.now();
    const graph = this.graph();
    const snapshot = this.snapshot ?? (await this.loadGroups());
    const scopeGroups = new Set<string>();
    for (const id of this.selection) {
      if (!snapshot.nodes.has(id)) {
        this.context.log.warn(
          `Entra ID: the selected group ${id} no longer exists; its former members are out of scope.`
        );
      }
      for (const group of snapshot.groupsUnder(id)) scopeGroups.add(group);
    }
    // Each user in scope -> every group they are in (directly or through nesting).
    const membership = new Map<string, string[]>();
    for (const id of this.selection)
      for (const user of snapshot.usersOf(id)) membership.set(user, []);
    if (membership.size > 0) {
      for (const groupId of snapshot.nodes.keys()) {
        for (const user of snapshot.usersOf(groupId)) membership.get(user)?.push(groupId);
      }
    }

    let usersDeltaLink: string | null = null;
    let yielded = 0;
    let guests = 0;
    if (this.selection.length === 0) {
      this.context.log.warn('Entra ID: no group is selected, so no user is in scope.');
      usersDeltaLink = await this.latestDeltaLink('users');
    } else {
      const seen = new Set<string>();
      for await (const page of graph.pages(
        `/users/delta?$select=${USER_SELECT},manager`,
        this.prefer()
      )) {
        const users: DirectoryUser[] = [];
        for (const raw of pageValues(page)) {
          if (removedReason(raw)) continue;
          const user = parseGraphUser(raw);
          if (!user || !membership.has(user.id) || seen.has(user.id)) continue;
          seen.add(user.id);
          if (isGuest(user) && !this.options.includeGuests) {
            guests += 1;
            continue;
          }
          users.push(
            toDirectoryUser(user, managerFromDelta(raw) ?? null, membership.get(user.id) ?? [])
          );
        }
        if (typeof page['@odata.deltaLink'] === 'string') usersDeltaLink = page['@odata.deltaLink'];
        if (users.length > 0) {
          yielded += users.length;
          yield users;
        }
      }
    }
    if (!usersDeltaLink || !snapshot.deltaLink) {
      throw new TransientSyncError(
        'azure-no-delta-link',
        'Microsoft Graph ended the user listing without a delta link; try again.'
      );
    }
    this.context.log.info(
      `Entra ID: read ${yielded} users in scope (${guests} guests left out) and ${snapshot.nodes.size} groups in ${((Date.now() - started) / 1000).toFixed(1)} s.`
    );
    this.pendingState = {
      version: 1,
      usersDeltaLink,
      groupsDeltaLink: snapshot.deltaLink,
      selection: this.selection,
      includeGuests: this.options.includeGuests,
      scopeGroupIds: [...scopeGroups],
      lastFullSyncAt: new Date().toISOString(),
    };
  }

  /** The changes since the saved delta links: users in or out of scope, changed users and groups. */
  async *changesSince(rawState: ProviderState): AsyncIterable<DirectoryChanges> {
    const state = readState(rawState);
    if (!state)
      throw new DeltaExpiredError(
        'There is no saved delta state for this directory; a full sync is needed.'
      );
    if (
      state.selection.join(',') !== this.selection.join(',') ||
      state.includeGuests !== this.options.includeGuests
    ) {
      throw new DeltaExpiredError(
        'The selected groups or the guest setting changed since the last full sync; a full sync is needed.'
      );
    }
    const graph = this.graph();
    for (const link of [state.usersDeltaLink, state.groupsDeltaLink]) {
      if (!link.startsWith(`${graph.graphOrigin}/`)) {
        throw new DeltaExpiredError(
          'The Graph base URL changed since the last full sync; a full sync is needed.'
        );
      }
    }

    const { changes: groupChanges, deltaLink: groupsDeltaLink } = await this.readGroupChanges(
      state.groupsDeltaLink
    );
    const {
      changed,
      removed,
      deltaLink: usersDeltaLink,
    } = await this.readUserChanges(state.usersDeltaLink);

    // Who may have entered or left the scope: member changes of the groups in scope. The set of
    // groups in scope only grows between full syncs (a stale extra group costs a check, no more).
    const scopeGroups = new Set(state.scopeGroupIds);
    const joining = new Set<string>();
    const leaving = new Set<string>();
    for (const [id, change] of groupChanges) {
      if (!scopeGroups.has(id)) continue;
      if (change.deleted) {
        throw new DeltaExpiredError(
          `The group ${change.name ?? id} in the sync scope was deleted; a full sync is needed.`
        );
      }
      for (const user of change.addedUsers) joining.add(user);
      for (const user of change.removedUsers) leaving.add(user);
      for (const sub of change.removedGroups) {
        const nested = await this.nestedMembers(sub);
        if (nested === null) {
          throw new DeltaExpiredError(
            'A group nested in the sync scope was deleted; a full sync is needed.'
          );
        }
        for (const user of nested.users) leaving.add(user);
      }
      for (const sub of change.addedGroups) {
        const nested = await this.nestedMembers(sub);
        if (nested === null) continue;
        scopeGroups.add(sub);
        for (const group of nested.groups) scopeGroups.add(group);
        for (const user of nested.users) joining.add(user);
      }
    }

    // Each candidate's groups now (20 users per $batch request) decide whether they are in scope.
    const candidates = [...new Set([...changed.keys(), ...joining, ...leaving])].filter(
      (id) => !removed.has(id)
    );
    const memberships = await this.membershipsOf(candidates);
    const selected = new Set(this.selection);
    const inScope = (id: string) =>
      (memberships.get(id) ?? []).some((group) => selected.has(group));

    const removedUsers: RemovedUser[] = [...removed].map(([externalId, reason]) => ({
      externalId,
      reason,
    }));
    for (const id of leaving) {
      if (!removed.has(id) && !inScope(id))
        removedUsers.push({ externalId: id, reason: 'out-of-scope' });
    }

    // Full records for changed users in scope and for newcomers.
    const records = new Map<string, { user: GraphUser; manager: string | null }>();
    const refetch: string[] = [];
    for (const id of candidates) {
      if (!inScope(id) || (!changed.has(id) && !joining.has(id))) continue;
      const delta = changed.get(id);
      if (delta && delta.manager !== undefined)
        records.set(id, { user: delta.user, manager: delta.manager });
      else refetch.push(id);
    }
    const fetched = await graph.batchGet(
      refetch.map(
        (id) =>
          `/users/${encodeURIComponent(id)}?$select=${USER_SELECT}&$expand=manager($select=id)`
      )
    );
    fetched.forEach((raw, index) => {
      const user = raw ? parseGraphUser(raw) : null;
      if (raw && user) records.set(refetch[index], { user, manager: managerFromExpand(raw) });
    });
    const users: DirectoryUser[] = [];
    for (const { user, manager } of records.values()) {
      if (isGuest(user) && !this.options.includeGuests) {
        if (leaving.has(user.id) || !joining.has(user.id)) {
          removedUsers.push({ externalId: user.id, reason: 'out-of-scope' });
        }
        continue;
      }
      users.push(toDirectoryUser(user, manager, memberships.get(user.id) ?? []));
    }

    const groups = await this.changedGroups(groupChanges);

    this.context.log.info(
      `Entra ID delta: ${users.length} users changed or joined, ${removedUsers.length} removed, ${groups.length} groups changed.`
    );
    const size = this.options.pageSize;
    for (let start = 0; start === 0 || start < users.length; start += size) {
      const page: DirectoryChanges = {
        users: users.slice(start, start + size),
        removed: start === 0 ? removedUsers : [],
        groups: start === 0 ? groups : [],
      };
      if (page.users.length > 0 || page.removed.length > 0 || page.groups.length > 0) yield page;
    }
    this.pendingState = {
      ...state,
      usersDeltaLink,
      groupsDeltaLink,
      scopeGroupIds: [...scopeGroups],
    };
  }

  /** The delta links (and the time of the last full sync) once a run has read everything. */
  nextState(): ProviderState | null {
    return this.pendingState ? { ...this.pendingState } : null;
  }

  async close(): Promise<void> {
    this.connection?.close();
    this.connection = null;
  }

  // ----- internals ----------------------------------------------------------------------------

  private graph(): GraphConnection {
    if (!this.connection) {
      this.connection = new GraphConnection(
        resolveConnection(this.settings),
        this.options,
        this.context
      );
    }
    return this.connection;
  }

  private prefer(): Record<string, string> {
    return { Prefer: `odata.maxpagesize=${this.options.pageSize}` };
  }

  private async latestDeltaLink(kind: 'users' | 'groups'): Promise<string> {
    const select = kind === 'users' ? `${USER_SELECT},manager` : 'displayName,description,members';
    const page = await this.graph().get(`/${kind}/delta?$select=${select}&$deltatoken=latest`);
    const link = page['@odata.deltaLink'];
    if (typeof link !== 'string') {
      throw new TransientSyncError(
        'azure-no-delta-link',
        `Microsoft Graph gave no delta link for ${kind}; try again.`
      );
    }
    return link;
  }

  /** Reads every group with its direct members (the initial groups delta round). */
  private async loadGroups(): Promise<GroupSnapshot> {
    const started = Date.now();
    const snapshot = new GroupSnapshot();
    const url = '/groups/delta?$select=displayName,description,members';
    for await (const page of this.graph().pages(url, this.prefer())) {
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
          else set.add(member.id);
        }
      }
      if (typeof page['@odata.deltaLink'] === 'string')
        snapshot.deltaLink = page['@odata.deltaLink'];
    }
    this.context.log.debug(
      `Entra ID: read ${snapshot.nodes.size} groups in ${((Date.now() - started) / 1000).toFixed(1)} s.`
    );
    this.snapshot = snapshot;
    return snapshot;
  }

  private async readGroupChanges(link: string) {
    const changes = new Map<string, GroupChange>();
    let deltaLink: string | null = null;
    for await (const page of this.graph().pages(link, this.prefer())) {
      for (const raw of pageValues(page)) {
        if (typeof raw.id !== 'string') continue;
        let change = changes.get(raw.id);
        if (!change) {
          change = {
            deleted: false,
            addedUsers: new Set(),
            removedUsers: new Set(),
            addedGroups: new Set(),
            removedGroups: new Set(),
          };
          changes.set(raw.id, change);
        }
        if (removedReason(raw)) {
          change.deleted = true;
          continue;
        }
        change.deleted = false;
        if (typeof raw.displayName === 'string') change.name = raw.displayName;
        if ('description' in raw)
          change.description = typeof raw.description === 'string' ? raw.description : null;
        for (const member of deltaMembers(raw)) {
          const [added, gone] =
            member.type === 'user'
              ? [change.addedUsers, change.removedUsers]
              : member.type === 'group'
                ? [change.addedGroups, change.removedGroups]
                : [null, null];
          if (!added || !gone) continue;
          (member.removed ? gone : added).add(member.id);
          (member.removed ? added : gone).delete(member.id);
        }
      }
      if (typeof page['@odata.deltaLink'] === 'string') deltaLink = page['@odata.deltaLink'];
    }
    if (!deltaLink)
      throw new TransientSyncError(
        'azure-no-delta-link',
        'Microsoft Graph ended the group changes without a delta link; try again.'
      );
    return { changes, deltaLink };
  }

  private async readUserChanges(link: string) {
    const changed = new Map<string, { user: GraphUser; manager: string | null | undefined }>();
    const removed = new Map<string, 'changed' | 'deleted'>();
    let deltaLink: string | null = null;
    for await (const page of this.graph().pages(link, this.prefer())) {
      for (const raw of pageValues(page)) {
        if (typeof raw.id !== 'string') continue;
        const reason = removedReason(raw);
        if (reason) {
          removed.set(raw.id, reason);
          changed.delete(raw.id);
          continue;
        }
        const user = parseGraphUser(raw);
        if (!user) continue;
        removed.delete(user.id);
        const previous = changed.get(user.id);
        const manager = managerFromDelta(raw);
        changed.set(user.id, {
          user,
          manager: manager === undefined ? previous?.manager : manager,
        });
      }
      if (typeof page['@odata.deltaLink'] === 'string') deltaLink = page['@odata.deltaLink'];
    }
    if (!deltaLink)
      throw new TransientSyncError(
        'azure-no-delta-link',
        'Microsoft Graph ended the user changes without a delta link; try again.'
      );
    return { changed, removed, deltaLink };
  }

  /** User ids in a group or its nested groups; null when the group does not exist. */
  private async transitiveUsers(groupId: string): Promise<string[] | null> {
    const items = await this.graph().readAllOrNull(
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id&$top=999`
    );
    return items === null ? null : ids(items);
  }

  /** Users and groups nested in a group (any depth); null when the group does not exist. */
  private async nestedMembers(
    groupId: string
  ): Promise<{ users: string[]; groups: string[] } | null> {
    const items = await this.graph().readAllOrNull(
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=id&$top=999`
    );
    if (items === null) return null;
    return {
      users: ids(items.filter((item) => odataType(item) === 'user')),
      groups: ids(items.filter((item) => odataType(item) === 'group')),
    };
  }

  /** The groups each user is in now (directly or nested); users who no longer exist get none. */
  private async membershipsOf(userIds: string[]): Promise<Map<string, string[]>> {
    const graph = this.graph();
    const pages = await graph.batchGet(
      userIds.map(
        (id) =>
          `/users/${encodeURIComponent(id)}/transitiveMemberOf/microsoft.graph.group?$select=id&$top=999`
      )
    );
    const result = new Map<string, string[]>();
    for (let index = 0; index < userIds.length; index += 1) {
      const page = pages[index];
      if (!page) continue;
      const items = pageValues(page);
      const next = page['@odata.nextLink'];
      if (typeof next === 'string') items.push(...(await graph.readAll(next)));
      result.set(userIds[index], ids(items));
    }
    return result;
  }

  /** Changed groups and the groups they are nested in, with their full (transitive) member lists. */
  private async changedGroups(changes: Map<string, GroupChange>): Promise<DirectoryGroup[]> {
    const graph = this.graph();
    const touched = [...changes].filter(([, change]) => !change.deleted).map(([id]) => id);
    const affected = new Set(touched);
    for (const id of touched) {
      const parents = await graph.readAllOrNull(
        `/groups/${encodeURIComponent(id)}/transitiveMemberOf/microsoft.graph.group?$select=id&$top=999`
      );
      for (const parent of ids(parents ?? [])) affected.add(parent);
    }
    const unnamed = [...affected].filter((id) => changes.get(id)?.name === undefined);
    const infos = await graph.batchGet(
      unnamed.map((id) => `/groups/${encodeURIComponent(id)}?$select=id,displayName,description`)
    );
    const names = new Map<string, RawObject>();
    infos.forEach((info, index) => {
      if (info) names.set(unnamed[index], info);
    });
    const groups: DirectoryGroup[] = [];
    for (const id of affected) {
      const change = changes.get(id);
      const info = names.get(id);
      if (change?.name === undefined && !info) continue;
      const members = await this.transitiveUsers(id);
      if (members === null) continue;
      const description = change?.name !== undefined ? change.description : info?.description;
      groups.push({
        externalId: id,
        name: change?.name ?? (typeof info?.displayName === 'string' ? info.displayName : id),
        description: typeof description === 'string' ? description : null,
        members,
      });
    }
    return groups;
  }

  private async checkSelection(graph: GraphConnection): Promise<string> {
    if (this.selection.length === 0) {
      return 'No group is selected yet: no user will be synced until you pick the groups whose members are synced.';
    }
    const found = await graph.batchGet(
      this.selection.map((id) => `/groups/${encodeURIComponent(id)}?$select=id,displayName`)
    );
    const missing = this.selection.filter((_, index) => found[index] === null);
    if (missing.length > 0) {
      throw new StopSyncError(
        'azure-group-missing',
        `${missing.length} selected group(s) no longer exist in the tenant (${missing.slice(0, 5).join(', ')}): pick the groups again.`
      );
    }
    const names = found.map((group) =>
      group && typeof group.displayName === 'string' ? group.displayName : '?'
    );
    return `The ${names.length} selected group(s) exist: ${names.slice(0, 5).join(', ')}${names.length > 5 ? '…' : ''}.`;
  }
}

const pageValues = (page: RawObject): RawObject[] =>
  Array.isArray(page.value) ? page.value.filter(isObject) : [];

const ids = (items: RawObject[]): string[] =>
  items.map((item) => item.id).filter((id): id is string => typeof id === 'string');

/** The `members@delta` entries of a groups delta item. */
const deltaMembers = (raw: RawObject) => {
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

const errorMessage = (error: unknown) =>
  error instanceof Error ? error.message : `Unexpected failure: ${String(error)}`;

/** The Microsoft Entra ID provider. */
export const createAzureProvider: ProviderFactory<AzureConnection> = (settings, context) =>
  new AzureProvider(settings, context);
