/**
 * Microsoft Entra ID through Microsoft Graph: who is in scope (transitive members of the selected
 * groups), full runs and delta rounds. The parts: test-connection.ts (the lights of Test
 * connection), groups.ts (the picker and the group snapshot), delta.ts (a delta round),
 * graph-connection.ts (the wire), map.ts (raw records), settings.ts (connection, options, state),
 * count.ts (the progress bar's total).
 *
 * A full run enumerates through the delta endpoints themselves (`/groups/delta` with members,
 * then `/users/delta` with manager): one pass reads the whole directory and ends with the delta
 * links for the next round, so no change can slip between "the read" and "the token".
 */
import { TransientSyncError } from '../errors';
import type {
  ConnectionResult,
  DirectoryChanges,
  DirectoryGroup,
  DirectoryProvider,
  DirectoryUser,
  ProviderContext,
  ProviderFactory,
  ProviderSettings,
  ProviderState,
  UserCount,
} from '../types';
import { countUsersInScope } from './count';
import { checkDeltaState, readChanges } from './delta';
import { GraphConnection } from './graph-connection';
import { GroupSnapshot, listTenantGroups, loadGroupSnapshot, pageValues } from './groups';
import {
  isGuest,
  managerFromDelta,
  parseGraphUser,
  removedReason,
  toDirectoryUser,
  USER_FIELDS,
} from './map';
import {
  isFullSyncDue,
  readOptions,
  readState,
  resolveConnection,
  type AzureConnection,
  type AzureOptions,
  type AzureState,
} from './settings';
import { testAzureConnection } from './test-connection';

const USER_SELECT = USER_FIELDS.join(',');
const GROUPS_PER_PAGE = 200;

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

  testConnection(): Promise<ConnectionResult> {
    return testAzureConnection(() => this.graph(), this.selection);
  }

  listGroups(search?: string): AsyncIterable<DirectoryGroup[]> {
    return listTenantGroups(this.graph(), this.options.pageSize, search);
  }

  /**
   * Every group of the tenant with its transitive user members (roles), its direct ones and its
   * parent groups (nested groups as data).
   */
  async *listSyncGroups(): AsyncIterable<DirectoryGroup[]> {
    const snapshot = await this.loadGroups();
    let page: DirectoryGroup[] = [];
    for (const [id, node] of snapshot.nodes) {
      const parents = snapshot.parentsOf(id).filter((parent) => snapshot.nodes.has(parent));
      const members = snapshot.usersOf(id);
      page.push({
        externalId: id,
        name: node.name,
        description: node.description,
        members,
        // Without nested groups the direct members are the members: one array for both.
        directMembers: node.groups.size === 0 ? members : [...node.users],
        ...(parents.length ? { parents } : {}),
      });
      if (page.length >= GROUPS_PER_PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  /** The users in scope as Graph counts them (count.ts), or null when it will not say. */
  countUsers(): Promise<UserCount | null> {
    return countUsersInScope(
      this.graph(),
      this.selection,
      this.options.includeGuests,
      this.context.log
    );
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
          if (user) user.id = snapshot.intern(user.id);
          if (!user || !membership.has(user.id) || seen.has(user.id)) continue;
          seen.add(user.id);
          if (isGuest(user) && !this.options.includeGuests) {
            guests += 1;
            continue;
          }
          users.push(
            toDirectoryUser(
              user,
              internOrNull(snapshot, managerFromDelta(raw) ?? null),
              membership.get(user.id) ?? []
            )
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
    const round = {
      graph: this.graph(),
      options: this.options,
      selection: this.selection,
      log: this.context.log,
      headers: this.prefer(),
    };
    const state = checkDeltaState(readState(rawState), round);
    const changes = await readChanges(round, state);
    const size = this.options.pageSize;
    for (let start = 0; start === 0 || start < changes.users.length; start += size) {
      const page: DirectoryChanges = {
        users: changes.users.slice(start, start + size),
        removed: start === 0 ? changes.removed : [],
        groups: start === 0 ? changes.groups : [],
      };
      if (page.users.length > 0 || page.removed.length > 0 || page.groups.length > 0) yield page;
    }
    this.pendingState = changes.state;
  }

  /** True when the periodic full reconciliation is due (option `fullSyncEveryHours`). */
  fullSyncDue(now: Date): boolean {
    return isFullSyncDue(this.settings.state, now, this.options.fullSyncEveryHours);
  }

  /** The delta links (and the time of the last full sync) once a run has read everything. */
  nextState(): ProviderState | null {
    return this.pendingState ? { ...this.pendingState } : null;
  }

  async close(): Promise<void> {
    this.connection?.close();
    this.connection = null;
  }

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

  private async loadGroups(): Promise<GroupSnapshot> {
    this.snapshot = await loadGroupSnapshot(this.graph(), this.prefer(), this.context.log);
    return this.snapshot;
  }
}

/** The Microsoft Entra ID provider. */
export const createAzureProvider: ProviderFactory<AzureConnection> = (settings, context) =>
  new AzureProvider(settings, context);

const internOrNull = (snapshot: GroupSnapshot, id: string | null) =>
  id === null ? null : snapshot.intern(id);
