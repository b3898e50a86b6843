/**
 * A delta round: reads both saved delta links, then works out who moved in or out of scope from the
 * member changes of the groups in scope (selected groups and their nested groups), re-reading the
 * scope's member ids only when something changed.
 */
import { DeltaExpiredError, TransientSyncError } from '../errors';
import type { DirectoryGroup, DirectoryUser, ProviderLogger, RemovedUser } from '../types';
import type { GraphConnection } from './graph-connection';
import { deltaMembers, ids, pageValues } from './groups';
import {
  isGuest,
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
import type { AzureOptions, AzureState } from './settings';

const USER_SELECT = USER_FIELDS.join(',');

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

export type AzureChanges = {
  users: DirectoryUser[];
  removed: RemovedUser[];
  groups: DirectoryGroup[];
  /** The state to save once the round was applied. */
  state: AzureState;
};

type Round = {
  graph: GraphConnection;
  options: AzureOptions;
  selection: string[];
  log: ProviderLogger;
  headers: Record<string, string>;
};

const noDeltaLink = (what: string) =>
  new TransientSyncError(
    'azure-no-delta-link',
    `Microsoft Graph ended the ${what} without a delta link; try again.`
  );

const readGroupChanges = async ({ graph, headers }: Round, link: string) => {
  const changes = new Map<string, GroupChange>();
  let deltaLink: string | null = null;
  for await (const page of graph.pages(link, headers)) {
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
  if (!deltaLink) throw noDeltaLink('group changes');
  return { changes, deltaLink };
};

const readUserChanges = async ({ graph, headers }: Round, link: string) => {
  const changed = new Map<string, { user: GraphUser; manager: string | null | undefined }>();
  const removed = new Map<string, 'changed' | 'deleted'>();
  let deltaLink: string | null = null;
  for await (const page of graph.pages(link, headers)) {
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
      changed.set(user.id, { user, manager: manager === undefined ? previous?.manager : manager });
    }
    if (typeof page['@odata.deltaLink'] === 'string') deltaLink = page['@odata.deltaLink'];
  }
  if (!deltaLink) throw noDeltaLink('user changes');
  return { changed, removed, deltaLink };
};

/** User ids in a group or its nested groups; null when the group does not exist. */
const transitiveUsers = async (graph: GraphConnection, groupId: string) => {
  const items = await graph.readAllOrNull(
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id&$top=999`
  );
  return items === null ? null : ids(items);
};

/** A group's direct user members and the groups it is a direct member of (nested groups). */
const directLinks = async (graph: GraphConnection, groupId: string) => {
  const group = `/groups/${encodeURIComponent(groupId)}`;
  const users = await graph.readAllOrNull(
    `${group}/members/microsoft.graph.user?$select=id&$top=999`
  );
  const parents = await graph.readAllOrNull(
    `${group}/memberOf/microsoft.graph.group?$select=id&$top=999`
  );
  return { users: ids(users ?? []), parents: ids(parents ?? []) };
};

/** Users and groups nested in a group (any depth); null when the group does not exist. */
const nestedMembers = async (graph: GraphConnection, groupId: string) => {
  const items = await graph.readAllOrNull(
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=id&$top=999`
  );
  if (items === null) return null;
  return {
    users: ids(items.filter((item) => odataType(item) === 'user')),
    groups: ids(items.filter((item) => odataType(item) === 'group')),
  };
};

/** The groups each user is in now (directly or nested); users who no longer exist get none. */
const membershipsOf = async (graph: GraphConnection, userIds: string[]) => {
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
    if (typeof next === 'string') for (const item of await graph.readAll(next)) items.push(item);
    result.set(userIds[index], ids(items));
  }
  return result;
};

/** Changed groups and the groups they are nested in, with their full (transitive) member lists. */
const changedGroups = async (
  graph: GraphConnection,
  changes: Map<string, GroupChange>
): Promise<DirectoryGroup[]> => {
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
    const members = await transitiveUsers(graph, id);
    if (members === null) continue;
    const direct = await directLinks(graph, id);
    const description = change?.name !== undefined ? change.description : info?.description;
    groups.push({
      externalId: id,
      name: change?.name ?? (typeof info?.displayName === 'string' ? info.displayName : id),
      description: typeof description === 'string' ? description : null,
      members,
      directMembers: direct.users,
      ...(direct.parents.length ? { parents: direct.parents } : {}),
    });
  }
  return groups;
};

/** Checks that the saved state still fits the directory's settings (else a full sync). */
export const checkDeltaState = (
  state: AzureState | null,
  round: Pick<Round, 'graph' | 'options' | 'selection'>
): AzureState => {
  if (!state)
    throw new DeltaExpiredError(
      'There is no saved delta state for this directory; a full sync is needed.'
    );
  if (
    state.selection.join(',') !== round.selection.join(',') ||
    state.includeGuests !== round.options.includeGuests
  ) {
    throw new DeltaExpiredError(
      'The selected groups or the guest setting changed since the last full sync; a full sync is needed.'
    );
  }
  for (const link of [state.usersDeltaLink, state.groupsDeltaLink]) {
    if (!link.startsWith(`${round.graph.graphOrigin}/`)) {
      throw new DeltaExpiredError(
        'The Graph base URL changed since the last full sync; a full sync is needed.'
      );
    }
  }
  return state;
};

/** Reads one delta round to the end: the changes and the state to save after them. */
export const readChanges = async (round: Round, state: AzureState): Promise<AzureChanges> => {
  const { graph, options, selection } = round;
  const { changes: groupChanges, deltaLink: groupsDeltaLink } = await readGroupChanges(
    round,
    state.groupsDeltaLink
  );
  const {
    changed,
    removed,
    deltaLink: usersDeltaLink,
  } = await readUserChanges(round, state.usersDeltaLink);

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
      const nested = await nestedMembers(graph, sub);
      if (nested === null) {
        throw new DeltaExpiredError(
          'A group nested in the sync scope was deleted; a full sync is needed.'
        );
      }
      for (const user of nested.users) leaving.add(user);
    }
    for (const sub of change.addedGroups) {
      const nested = await nestedMembers(graph, sub);
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
  const memberships = await membershipsOf(graph, candidates);
  const selected = new Set(selection);
  const inScope = (id: string) => (memberships.get(id) ?? []).some((group) => selected.has(group));

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
      (id) => `/users/${encodeURIComponent(id)}?$select=${USER_SELECT}&$expand=manager($select=id)`
    )
  );
  fetched.forEach((raw, index) => {
    const user = raw ? parseGraphUser(raw) : null;
    if (raw && user) records.set(refetch[index], { user, manager: managerFromExpand(raw) });
  });
  const users: DirectoryUser[] = [];
  for (const { user, manager } of records.values()) {
    if (isGuest(user) && !options.includeGuests) {
      if (leaving.has(user.id) || !joining.has(user.id)) {
        removedUsers.push({ externalId: user.id, reason: 'out-of-scope' });
      }
      continue;
    }
    users.push(toDirectoryUser(user, manager, memberships.get(user.id) ?? []));
  }

  const groups = await changedGroups(graph, groupChanges);
  round.log.info(
    `Entra ID delta: ${users.length} users changed or joined, ${removedUsers.length} removed, ${groups.length} groups changed.`
  );
  return {
    users,
    removed: removedUsers,
    groups,
    state: { ...state, usersDeltaLink, groupsDeltaLink, scopeGroupIds: [...scopeGroups] },
  };
};
