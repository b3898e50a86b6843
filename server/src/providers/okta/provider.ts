/**
 * The Okta directory source, on @okta/okta-sdk-nodejs.
 *
 * Scope: the groups assigned to the app (`appId`) are the ones offered for selection; the users
 * synced are the members of the selected groups that are still assigned to the app (none selected:
 * nobody). Full runs read those groups' member lists; incremental rounds read users changed since
 * the saved time (a `filter`, so deactivated users come too), re-read only groups whose membership
 * changed, and report who left every selected group as out of scope.
 */
import type { Collection, User } from '@okta/okta-sdk-nodejs';
import { CancelledError, DeltaExpiredError, StopSyncError } from '../errors';
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
  RemovedUser,
} from '../types';
import { createOktaClient } from './client';
import {
  normalizeOrgUrl,
  readOktaOptions,
  type OktaConnection,
  type OktaOptions,
} from './connection';
import { toSyncError, type ErrorContext } from './errors';
import {
  isOktaUserId,
  statusRule,
  toDirectoryGroup,
  toDirectoryUser,
  type EmbeddedGroup,
} from './map';
import { mapLimit, readPages } from './paging';
import { OktaRequestExecutor } from './request-executor';
import { isFullSyncDue, readOktaState, type OktaState } from './state';
import { testOktaConnection } from './test-connection';

/** A group assigned to the app. */
type AppGroup = {
  id: string;
  group: EmbeddedGroup | undefined;
  /** When the assignment last changed (ms), e.g. when the group was assigned. */
  assignedAt: number | null;
};

type Session = {
  orgUrl: string;
  appId: string;
  options: OktaOptions;
  executor: OktaRequestExecutor;
  client: ReturnType<typeof createOktaClient>;
};

/** What a finished listing leaves for nextState(). */
type Completed = { scope: Record<string, string[]>; lastFullSyncAt: string | null };

/** Changes per yielded page of an incremental round. */
const CHANGES_PAGE = 200;

const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const chunk = <T>(items: T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
};

class OktaDirectory implements DirectoryProvider {
  private session: Session | null = null;
  private appGroups: Map<string, AppGroup> | null = null;
  /** user id -> ids of the app groups they are in, filled by listSyncGroups. */
  private readonly membership = new Map<string, string[]>();
  /** lower-cased login -> user id (null: no such user), for managerId values holding a login. */
  private readonly logins = new Map<string, string | null>();
  private completed: Completed | null = null;
  /** The newest `lastUpdated` read (ms), a fallback clock when no Date header came back. */
  private newestUpdate = 0;

  constructor(
    private readonly settings: ProviderSettings<OktaConnection>,
    private readonly context: ProviderContext
  ) {}

  testConnection(): Promise<ConnectionResult> {
    return testOktaConnection(this.settings, this.context);
  }

  async *listGroups(search?: string): AsyncIterable<DirectoryGroup[]> {
    for await (const page of this.appGroupPages(search?.trim() || undefined)) {
      yield page.map((appGroup) => toDirectoryGroup(appGroup.id, appGroup.group));
    }
  }

  async *listSyncGroups(): AsyncIterable<DirectoryGroup[]> {
    const { options } = this.open();
    this.membership.clear();
    const all = new Map<string, AppGroup>();
    for await (const page of this.appGroupPages()) {
      for (const appGroup of page) all.set(appGroup.id, appGroup);
      const groups = await mapLimit(page, options.concurrency, async (appGroup) =>
        toDirectoryGroup(appGroup.id, appGroup.group, await this.memberIds(appGroup.id))
      );
      for (const group of groups) {
        for (const member of group.members) {
          const list = this.membership.get(member);
          if (list) list.push(group.externalId);
          else this.membership.set(member, [group.externalId]);
        }
      }
      yield groups;
    }
    this.appGroups = all;
  }

  async *listUsers(): AsyncIterable<DirectoryUser[]> {
    const { options } = this.open();
    this.completed = null;
    const selected = this.selectedGroups(await this.loadAppGroups());
    const seen = new Set<string>();
    const scope: Record<string, string[]> = {};
    const batch: DirectoryUser[] = [];
    for (const groupId of selected) {
      const ids: string[] = [];
      for await (const page of this.memberPages(groupId)) {
        const fresh: User[] = [];
        for (const user of page) {
          if (!user.id) continue;
          ids.push(user.id);
          if (!seen.has(user.id)) {
            seen.add(user.id);
            fresh.push(user);
          }
        }
        batch.push(...(await this.normalize(fresh, (id) => this.groupsOf(id, [groupId]))));
        while (batch.length >= options.pageSize) yield batch.splice(0, options.pageSize);
      }
      scope[groupId] = ids;
    }
    if (batch.length > 0) yield batch;
    this.completed = { scope, lastFullSyncAt: null };
    this.context.log.info(
      `Okta: read ${seen.size} users in scope from ${selected.length} selected group(s).`
    );
  }

  async *changesSince(state: ProviderState): AsyncIterable<DirectoryChanges> {
    const { orgUrl, appId, options } = this.open();
    this.completed = null;
    const saved = readOktaState(state);
    if (!saved) {
      throw new DeltaExpiredError('No usable Okta sync state was saved: a full sync is needed.');
    }
    if (saved.orgUrl !== orgUrl || saved.appId !== appId) {
      throw new DeltaExpiredError(
        'The Okta org URL or app changed since the last sync: a full sync is needed.'
      );
    }
    const since = saved.since;
    const sinceMs = Date.parse(since);
    const appGroups = await this.loadAppGroups(true);

    // Groups whose profile or membership changed, and groups (re)assigned to the app.
    const changed = new Set<string>();
    for await (const page of this.groupPages(
      `lastUpdated gt ${quote(since)} or lastMembershipUpdated gt ${quote(since)}`
    )) {
      for (const group of page) if (group.id) changed.add(group.id);
    }
    for (const appGroup of appGroups.values()) {
      if (appGroup.assignedAt !== null && appGroup.assignedAt > sinceMs) changed.add(appGroup.id);
    }

    // The scope now: unchanged selected groups keep their saved members.
    const before = new Set<string>();
    for (const ids of Object.values(saved.scope)) for (const id of ids) before.add(id);
    const scope: Record<string, string[]> = {};
    const read = new Map<string, string[]>();
    const newcomers = new Map<string, User>();
    for (const groupId of this.selectedGroups(appGroups)) {
      const kept = saved.scope[groupId];
      if (kept && !changed.has(groupId)) {
        scope[groupId] = kept;
        continue;
      }
      const ids: string[] = [];
      for await (const page of this.memberPages(groupId)) {
        for (const user of page) {
          if (!user.id) continue;
          ids.push(user.id);
          if (!before.has(user.id)) newcomers.set(user.id, user);
        }
      }
      scope[groupId] = ids;
      read.set(groupId, ids);
    }
    const now = new Set<string>();
    for (const ids of Object.values(scope)) for (const id of ids) now.add(id);

    // Changed app groups, with their full member lists.
    const groups: DirectoryGroup[] = [];
    const changedAppGroups = [...appGroups.values()].filter((appGroup) => changed.has(appGroup.id));
    const lists = await mapLimit(changedAppGroups, options.concurrency, async (appGroup) => {
      const known = read.get(appGroup.id);
      return known ?? (await this.memberIds(appGroup.id));
    });
    changedAppGroups.forEach((appGroup, index) => {
      groups.push(toDirectoryGroup(appGroup.id, appGroup.group, lists[index]));
    });
    this.membership.clear();
    const index = (groupId: string, ids: string[]) => {
      for (const id of ids) {
        const list = this.membership.get(id);
        if (!list) this.membership.set(id, [groupId]);
        else if (!list.includes(groupId)) list.push(groupId);
      }
    };
    for (const [groupId, ids] of Object.entries(scope)) index(groupId, ids);
    for (const group of groups) index(group.externalId, group.members);
    for (const part of chunk(groups, 50)) yield { users: [], removed: [], groups: part };

    // Users changed since the saved time, in scope now.
    const emitted = new Set<string>();
    let changedUsers = 0;
    for await (const page of this.userPages(`lastUpdated gt ${quote(since)}`)) {
      const inScope = page.filter((user) => user.id && now.has(user.id) && !emitted.has(user.id));
      for (const user of inScope) emitted.add(user.id as string);
      changedUsers += inScope.length;
      const users = await this.normalize(inScope, (id) => this.groupsOf(id, []));
      if (users.length > 0) yield { users, removed: [], groups: [] };
    }

    // People who joined a selected group (their records came with the member list).
    const joined = [...newcomers.values()].filter((user) => !emitted.has(user.id as string));
    for (const part of chunk(joined, CHANGES_PAGE)) {
      const users = await this.normalize(part, (id) => this.groupsOf(id, []));
      if (users.length > 0) yield { users, removed: [], groups: [] };
    }

    // People who left every selected group.
    const removed: RemovedUser[] = [];
    for (const id of before) {
      if (!now.has(id)) removed.push({ externalId: id, reason: 'out-of-scope' });
    }
    for (const part of chunk(removed, CHANGES_PAGE)) yield { users: [], removed: part, groups: [] };

    this.completed = { scope, lastFullSyncAt: saved.lastFullSyncAt };
    this.context.log.info(
      `Okta: since ${since}: ${changedUsers} changed and ${joined.length} new user(s) in scope, ${removed.length} out of scope, ${groups.length} changed group(s).`
    );
  }

  /** A full sync is due when the saved state is missing, old, or from another org or app. */
  fullSyncDue(now: Date): boolean {
    const saved = readOktaState(this.settings.state);
    try {
      const { orgUrl, appId, options } = this.open();
      if (!saved || saved.orgUrl !== orgUrl || saved.appId !== appId) return true;
      return isFullSyncDue(saved, now, options.fullSyncEveryHours);
    } catch {
      // Bad settings: the full run reports them.
      return true;
    }
  }

  nextState(): ProviderState | null {
    if (!this.completed || !this.session) return null;
    const { orgUrl, appId, options, executor } = this.session;
    // Okta's clock: the Date of the run's first response; else the newest change read; the
    // local clock only as a last resort, with a wider margin.
    let startedAt = executor.firstServerDate;
    if (!startedAt && this.newestUpdate > 0) startedAt = new Date(this.newestUpdate);
    if (!startedAt) {
      this.context.log.warn(
        'Okta: no Date header seen; the incremental cursor uses the local clock.'
      );
      startedAt = new Date(Date.now() - 300_000);
    }
    const state: OktaState = {
      version: 1,
      orgUrl,
      appId,
      since: new Date(startedAt.getTime() - options.overlapSeconds * 1000).toISOString(),
      lastFullSyncAt: this.completed.lastFullSyncAt ?? startedAt.toISOString(),
      scope: this.completed.scope,
    };
    return state;
  }

  async close(): Promise<void> {
    this.session?.executor.destroy();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Checks the settings and builds the client once per provider. */
  private open(): Session {
    if (this.session) return this.session;
    const { connection, secrets } = this.settings;
    const options = readOktaOptions(this.settings.options);
    const orgUrl = normalizeOrgUrl(connection.orgUrl, options.allowHttp);
    const appId = connection.appId?.trim() ?? '';
    const executor = new OktaRequestExecutor({
      maxRetries: options.maxRetries,
      retryBaseDelayMs: options.retryBaseDelayMs,
      requestTimeoutMs: options.requestTimeoutMs,
      rateLimitReserve: options.rateLimitReserve,
      maxResponseBytes: options.maxResponseBytes,
      caCertificate: connection.caCertificate,
      log: this.context.log,
      signal: this.context.signal,
    });
    const client = createOktaClient({ orgUrl, connection, secrets, executor });
    this.session = { orgUrl, appId, options, executor, client };
    return this.session;
  }

  private errorContext(action: string, scope: string, notFound?: string): ErrorContext {
    return { authMode: this.settings.connection.authMode, action, scope, notFound };
  }

  private requireAppId(): string {
    const { appId } = this.open();
    if (!appId) {
      throw new StopSyncError(
        'okta-app-missing',
        'Enter the App ID on the Connection tab: the groups synced are the ones assigned to that Okta app.'
      );
    }
    return appId;
  }

  /** Reads an SDK listing page by page, mapping its errors. */
  private async *pages<T>(
    open: () => Promise<Collection<T>>,
    what: string,
    context: ErrorContext
  ): AsyncGenerator<T[]> {
    try {
      yield* readPages(await open(), what, this.context.signal);
    } catch (error) {
      throw toSyncError(error, context);
    }
  }

  private async *appGroupPages(q?: string): AsyncGenerator<AppGroup[]> {
    const appId = this.requireAppId();
    const { client } = this.open();
    const context = this.errorContext(
      'list the groups assigned to the app',
      'okta.apps.read',
      `No Okta app has the ID ${appId}: copy the App ID from the app's page in the Okta Admin Console`
    );
    const pages = this.pages(
      () =>
        client.applicationApi.listApplicationGroupAssignments({
          appId,
          q,
          limit: 200,
          expand: 'group',
        }),
      "the app's groups",
      context
    );
    for await (const page of pages) {
      yield page
        .filter((assignment) => typeof assignment.id === 'string')
        .map((assignment) => ({
          id: assignment.id as string,
          group: assignment._embedded?.group as EmbeddedGroup | undefined,
          assignedAt: assignment.lastUpdated ? new Date(assignment.lastUpdated).getTime() : null,
        }));
    }
  }

  private async loadAppGroups(refresh = false): Promise<Map<string, AppGroup>> {
    if (this.appGroups && !refresh) return this.appGroups;
    const all = new Map<string, AppGroup>();
    for await (const page of this.appGroupPages()) {
      for (const appGroup of page) all.set(appGroup.id, appGroup);
    }
    this.appGroups = all;
    return all;
  }

  /** The selected groups still assigned to the app, in the admin's order. */
  private selectedGroups(appGroups: Map<string, AppGroup>): string[] {
    const selected = [...new Set(this.settings.userGroups ?? [])];
    const missing = selected.filter((id) => !appGroups.has(id));
    if (missing.length > 0) {
      this.context.log.warn(
        `Okta: ${missing.length} selected group(s) are no longer assigned to the app and sync nobody: ${missing.join(', ')}.`
      );
    }
    return selected.filter((id) => appGroups.has(id));
  }

  /** Pages of a group's members; a group deleted meanwhile ends with a warning, not an error. */
  private async *memberPages(groupId: string): AsyncGenerator<User[]> {
    const { client, options } = this.open();
    const pages = this.pages(
      () => client.groupApi.listGroupUsers({ groupId, limit: options.pageSize }),
      `the members of group ${groupId}`,
      this.errorContext(
        `read the members of group ${groupId}`,
        'okta.groups.read',
        `The Okta group ${groupId} no longer exists`
      )
    );
    try {
      yield* pages;
    } catch (error) {
      if (error instanceof StopSyncError && error.code === 'okta-not-found') {
        this.context.log.warn(
          `Okta: group ${groupId} was deleted during the run; it has no members.`
        );
        return;
      }
      throw error;
    }
  }

  private userPages(filter: string): AsyncGenerator<User[]> {
    const { client, options } = this.open();
    return this.pages(
      () => client.userApi.listUsers({ filter, limit: options.pageSize }),
      'users',
      this.errorContext('read users', 'okta.users.read')
    );
  }

  private groupPages(filter: string) {
    const { client } = this.open();
    return this.pages(
      () => client.groupApi.listGroups({ filter, limit: 200 }),
      'groups',
      this.errorContext('read groups', 'okta.groups.read')
    );
  }

  /** Member ids of a group. */
  private async memberIds(groupId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of this.memberPages(groupId)) {
      for (const user of page) {
        if (!user.id) continue;
        ids.push(user.id);
        this.rememberLogin(user);
      }
    }
    return ids;
  }

  private groupsOf(userId: string, extra: string[]): string[] {
    const known = this.membership.get(userId) ?? [];
    const missing = extra.filter((id) => !known.includes(id));
    return missing.length > 0 ? [...known, ...missing] : [...known];
  }

  private rememberLogin(user: User) {
    const login = user.profile?.login;
    if (user.id && typeof login === 'string') this.logins.set(login.toLowerCase(), user.id);
  }

  /** The manager's user id: `managerId` as is when it is an id, else looked up as a login. */
  private async managerOf(user: User): Promise<string | null> {
    const value = user.profile?.managerId;
    if (typeof value !== 'string' || value.trim() === '') return null;
    const trimmed = value.trim();
    if (isOktaUserId(trimmed)) return trimmed;
    const key = trimmed.toLowerCase();
    const known = this.logins.get(key);
    if (known !== undefined) return known;
    const { client } = this.open();
    const filter = `profile.login eq ${quote(trimmed)} or profile.email eq ${quote(trimmed)}`;
    let found: string | null = null;
    try {
      const collection = await client.userApi.listUsers({ filter, limit: 1 });
      for await (const page of readPages(collection, 'the manager', this.context.signal)) {
        found = page[0]?.id ?? null;
        break;
      }
    } catch (error) {
      throw toSyncError(error, this.errorContext('look up a manager by login', 'okta.users.read'));
    }
    if (!found) this.context.log.debug(`Okta: no user has the login "${trimmed}" (a managerId).`);
    this.logins.set(key, found);
    return found;
  }

  /** Normalizes a page of users, applying the status rule and resolving managers. */
  private async normalize(
    users: User[],
    groupsOf: (id: string) => string[]
  ): Promise<DirectoryUser[]> {
    const { options } = this.open();
    if (this.context.signal?.aborted) throw new CancelledError();
    for (const user of users) {
      this.rememberLogin(user);
      const updated = user.lastUpdated ? new Date(user.lastUpdated).getTime() : 0;
      if (updated > this.newestUpdate) this.newestUpdate = updated;
    }
    const result: DirectoryUser[] = [];
    for (const user of users) {
      if (!user.id || !statusRule(user.status, options.stagedUsers)) continue;
      const normalized = toDirectoryUser(user, {
        stagedUsers: options.stagedUsers,
        managerExternalId: await this.managerOf(user),
        groupExternalIds: groupsOf(user.id),
      });
      if (normalized) result.push(normalized);
    }
    return result;
  }
}

/** The Okta directory source. */
export const createOktaProvider: ProviderFactory<OktaConnection> = (settings, context) =>
  new OktaDirectory(settings, context);
