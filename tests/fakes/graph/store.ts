/**
 * The fake tenant's directory: users, groups, devices and service principals seeded from a
 * generated organisation, indexed by id, with the change logs that drive the delta endpoints. Every
 * mutation records what changed and when (a sequence number): what a later delta round replays.
 */
import { createHash } from 'crypto';

import { generateOrg, type Org } from '../org';

export type FakeUser = {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  displayName: string;
  jobTitle: string | null;
  department: string | null;
  officeLocation: string | null;
  employeeId: string | null;
  employeeType: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  preferredLanguage: string | null;
  companyName: string | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  createdDateTime: string;
  managerId: string | null;
  /** Set while the user sits in the recycle bin (soft-deleted). */
  deletedDateTime: string | null;
};

export type FakeGroup = {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  mail: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  visibility: string | null;
  createdDateTime: string;
  /** Direct members: ids of users, groups, devices and service principals, in insertion order. */
  members: Set<string>;
};

export type FakeOther = {
  id: string;
  kind: 'device' | 'servicePrincipal';
  displayName: string;
  appId: string | null;
  operatingSystem: string | null;
};

export type DirectoryObject =
  | { kind: 'user'; user: FakeUser }
  | { kind: 'group'; group: FakeGroup }
  | { kind: 'device' | 'servicePrincipal'; other: FakeOther };

export type MemberEvent = { seq: number; groupId: string; memberId: string; removed: boolean };
type LogEntry = { seq: number; id: string };

export type StoreOptions = {
  /** Size of the generated organisation (ignored when `org` is given). */
  users?: number;
  groups?: number;
  seed?: number;
  org?: Org;
  /** Devices and service principals added as members of a few groups (default 3 and 2). */
  devices?: number;
  servicePrincipals?: number;
};

export type NewUser = Partial<Omit<FakeUser, 'deletedDateTime'>> & {
  /** Local part of the login; default derived from the display name. */
  login?: string;
  /** Groups to add the new user to. */
  groupIds?: string[];
};

export type UserPatch = Partial<Omit<FakeUser, 'id' | 'managerId' | 'deletedDateTime'>>;

const BASE_TIME = Date.UTC(2023, 0, 2, 9, 0, 0);

/** A deterministic GUID for a seeded object, shaped like a v4 UUID. */
export const fakeGuid = (kind: string, seed: number, index: number) => {
  const hex = createHash('sha1').update(`${kind}:${seed}:${index}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** Finds the first log index with seq > since (logs are appended in seq order). */
const firstAfter = (log: Array<{ seq: number }>, since: number) => {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (log[middle].seq <= since) low = middle + 1;
    else high = middle;
  }
  return low;
};

export class GraphStore {
  readonly org: Org;
  readonly seed: number;
  readonly tenantId: string;
  readonly tenantDomain: string;
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, FakeGroup>();
  readonly others = new Map<string, FakeOther>();
  /** Users deleted for good (no longer restorable): id -> tombstone, for `@removed: deleted`. */
  readonly purged = new Set<string>();
  /** Ids of the seeded people and groups, by their org index. */
  readonly userIds: string[] = [];
  readonly groupIds: string[] = [];

  /** Sequence of the last change; delta tokens point into it. */
  seq = 0;
  /** Bumped to expire every delta token handed out so far. */
  epoch = 1;
  readonly userLog: LogEntry[] = [];
  readonly groupLog: LogEntry[] = [];
  readonly memberLog: MemberEvent[] = [];
  /** When a user's manager last changed, and who it was before. */
  readonly managerChanges = new Map<string, { seq: number; previous: string | null }>();

  private readonly memberOf = new Map<string, Set<string>>();
  private liveUsers: FakeUser[] | null = null;
  private liveGroups: FakeGroup[] | null = null;
  private readonly memberArrays = new Map<string, string[]>();
  private readonly transitiveCache = new Map<string, string[]>();
  private nextUserIndex = 0;
  private nextGroupIndex = 0;
  private nextOtherIndex = 0;

  constructor(options: StoreOptions = {}) {
    this.seed = options.seed ?? 42;
    this.org =
      options.org ??
      generateOrg({ users: options.users ?? 50, groups: options.groups, seed: this.seed });
    this.tenantId = fakeGuid('tenant', this.seed, 0);
    this.tenantDomain = `${this.org.domain.split('.')[0]}.onmicrosoft.com`;
    this.seedOrg(options.devices ?? 3, options.servicePrincipals ?? 2);
  }

  private seedOrg(devices: number, servicePrincipals: number) {
    const { org } = this;
    for (const person of org.people) this.userIds.push(fakeGuid('user', this.seed, person.index));
    for (const person of org.people) {
      const id = this.userIds[person.index];
      const login = person.login;
      const upn = person.guest
        ? `${login}_partner.example#EXT#@${this.tenantDomain}`
        : `${login}@${org.domain}`;
      const mail = person.noMail
        ? null
        : person.guest
          ? person.index % 2 === 0
            ? `${login}@partner.example`
            : null
          : `${login}@${org.domain}`;
      this.users.set(id, {
        id,
        userPrincipalName: upn,
        mail,
        givenName: person.givenName,
        surname: person.surname,
        displayName: person.displayName,
        jobTitle: person.guest ? null : person.jobTitle,
        department: person.guest ? null : person.department,
        officeLocation: person.guest ? null : person.officeLocation,
        employeeId: person.guest ? null : person.employeeId,
        employeeType: person.guest ? null : 'Employee',
        mobilePhone: person.mobilePhone,
        businessPhones:
          person.index % 3 === 0 ? [`+1 555 01${String(person.index % 100).padStart(2, '0')}`] : [],
        preferredLanguage: 'en-US',
        companyName: person.guest ? 'Partner Example' : 'Example Corp',
        accountEnabled: person.enabled,
        userType: person.guest ? 'Guest' : 'Member',
        createdDateTime: new Date(BASE_TIME + person.index * 60_000)
          .toISOString()
          .replace('.000', ''),
        managerId: person.managerIndex === null ? null : this.userIds[person.managerIndex],
        deletedDateTime: null,
      });
    }
    this.nextUserIndex = org.people.length;
    for (const group of org.groups) this.groupIds.push(fakeGuid('group', this.seed, group.index));
    for (const group of org.groups) {
      const id = this.groupIds[group.index];
      const nickname = group.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      this.groups.set(id, {
        id,
        displayName: group.name,
        description: group.description,
        mailNickname: nickname,
        mail: group.index % 2 === 0 ? `${nickname}@${org.domain}` : null,
        mailEnabled: group.index % 2 === 0,
        securityEnabled: true,
        groupTypes: group.index % 2 === 0 ? ['Unified'] : [],
        visibility: group.index % 2 === 0 ? 'Private' : null,
        createdDateTime: new Date(BASE_TIME - (group.index + 1) * 3_600_000)
          .toISOString()
          .replace('.000', ''),
        members: new Set(),
      });
      for (const member of group.members) this.link(id, this.userIds[member]);
      for (const sub of group.subgroups) this.link(id, this.groupIds[sub]);
    }
    this.nextGroupIndex = org.groups.length;
    // A few devices and service principals in the first groups: member lists are mixed in real tenants.
    const holders = this.groupIds.slice(0, Math.min(2, this.groupIds.length));
    for (let n = 0; n < devices + servicePrincipals; n += 1) {
      const kind = n < devices ? 'device' : 'servicePrincipal';
      const id = fakeGuid(kind, this.seed, n);
      this.others.set(id, {
        id,
        kind,
        displayName:
          kind === 'device' ? `LAPTOP-${String(n + 1).padStart(4, '0')}` : `Intranet Robot ${n}`,
        appId: kind === 'servicePrincipal' ? fakeGuid('app-of-sp', this.seed, n) : null,
        operatingSystem: kind === 'device' ? 'Windows' : null,
      });
      for (const holder of holders) this.link(holder, id);
    }
    this.nextOtherIndex = devices + servicePrincipals;
  }

  // ----- reads ------------------------------------------------------------------------------

  /** Live users (not soft-deleted) in creation order; cached until the next change. */
  listUsers(): FakeUser[] {
    if (!this.liveUsers) {
      this.liveUsers = [...this.users.values()].filter((user) => user.deletedDateTime === null);
    }
    return this.liveUsers;
  }

  listGroups(): FakeGroup[] {
    if (!this.liveGroups) this.liveGroups = [...this.groups.values()];
    return this.liveGroups;
  }

  /** A live user by id or by userPrincipalName. */
  findUser(idOrUpn: string): FakeUser | undefined {
    const byId = this.users.get(idOrUpn);
    if (byId) return byId.deletedDateTime === null ? byId : undefined;
    const lower = idOrUpn.toLowerCase();
    return this.listUsers().find((user) => user.userPrincipalName.toLowerCase() === lower);
  }

  /** Any live directory object by id. */
  object(id: string): DirectoryObject | undefined {
    const user = this.users.get(id);
    if (user) return user.deletedDateTime === null ? { kind: 'user', user } : undefined;
    const group = this.groups.get(id);
    if (group) return { kind: 'group', group };
    const other = this.others.get(id);
    return other ? { kind: other.kind, other } : undefined;
  }

  /** Direct members that exist (soft-deleted users are hidden), in insertion order. */
  members(groupId: string): string[] {
    let cached = this.memberArrays.get(groupId);
    if (!cached) {
      const group = this.groups.get(groupId);
      cached = group ? [...group.members].filter((id) => this.object(id) !== undefined) : [];
      this.memberArrays.set(groupId, cached);
    }
    return cached;
  }

  /** Members of the group and of every nested group, each once (nested groups included). */
  transitiveMembers(groupId: string): string[] {
    let cached = this.transitiveCache.get(groupId);
    if (cached) return cached;
    const seen = new Set<string>();
    const visitedGroups = new Set<string>([groupId]);
    const stack = [groupId];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      for (const member of this.members(current)) {
        if (!seen.has(member) && member !== groupId) seen.add(member);
        if (this.groups.has(member) && !visitedGroups.has(member)) {
          visitedGroups.add(member);
          stack.push(member);
        }
      }
    }
    cached = [...seen];
    this.transitiveCache.set(groupId, cached);
    return cached;
  }

  /** Groups that contain the object directly. */
  memberOfGroups(objectId: string): string[] {
    return [...(this.memberOf.get(objectId) ?? [])].filter((id) => this.groups.has(id));
  }

  /** Groups that contain the object directly or through nesting. */
  transitiveMemberOf(objectId: string): string[] {
    const result = new Set<string>();
    const stack = [objectId];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      for (const parent of this.memberOfGroups(current)) {
        if (!result.has(parent)) {
          result.add(parent);
          stack.push(parent);
        }
      }
    }
    return [...result];
  }

  /** The user ids whose records changed after `since` up to `upto`, each once, latest last. */
  userChanges(since: number, upto: number): string[] {
    return this.changedIds(this.userLog, since, upto);
  }

  /** The group ids whose properties or members changed after `since` up to `upto`. */
  groupChanges(since: number, upto: number): string[] {
    const ids = new Set(this.changedIds(this.groupLog, since, upto));
    for (let i = firstAfter(this.memberLog, since); i < this.memberLog.length; i += 1) {
      const event = this.memberLog[i];
      if (event.seq > upto) break;
      ids.add(event.groupId);
    }
    return [...ids];
  }

  /** Net membership changes of one group in a window: member id -> removed? (last event wins). */
  memberChanges(groupId: string, since: number, upto: number): Map<string, boolean> {
    const result = new Map<string, boolean>();
    for (let i = firstAfter(this.memberLog, since); i < this.memberLog.length; i += 1) {
      const event = this.memberLog[i];
      if (event.seq > upto) break;
      if (event.groupId !== groupId) continue;
      result.delete(event.memberId);
      result.set(event.memberId, event.removed);
    }
    return result;
  }

  private changedIds(log: LogEntry[], since: number, upto: number): string[] {
    const latest = new Map<string, number>();
    for (let i = firstAfter(log, since); i < log.length; i += 1) {
      if (log[i].seq > upto) break;
      latest.delete(log[i].id);
      latest.set(log[i].id, log[i].seq);
    }
    return [...latest.keys()];
  }

  // ----- mutations (the controls tests use between rounds) ----------------------------------

  /** Adds a member user; returns it. */
  addUser(input: NewUser = {}): FakeUser {
    const index = this.nextUserIndex++;
    const id = input.id ?? fakeGuid('user', this.seed, index);
    const givenName = input.givenName ?? 'New';
    const surname = input.surname ?? `Person${index}`;
    const login = input.login ?? `${givenName}.${surname}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    const user: FakeUser = {
      id,
      userPrincipalName: input.userPrincipalName ?? `${login}@${this.org.domain}`,
      mail: input.mail === undefined ? `${login}@${this.org.domain}` : input.mail,
      givenName,
      surname,
      displayName: input.displayName ?? `${givenName} ${surname}`,
      jobTitle: input.jobTitle ?? null,
      department: input.department ?? null,
      officeLocation: input.officeLocation ?? null,
      employeeId: input.employeeId ?? `E${String(index + 1).padStart(6, '0')}`,
      employeeType: input.employeeType ?? 'Employee',
      mobilePhone: input.mobilePhone ?? null,
      businessPhones: input.businessPhones ?? [],
      preferredLanguage: input.preferredLanguage ?? 'en-US',
      companyName: input.companyName ?? 'Example Corp',
      accountEnabled: input.accountEnabled ?? true,
      userType: input.userType ?? 'Member',
      createdDateTime: new Date().toISOString(),
      managerId: input.managerId ?? null,
      deletedDateTime: null,
    };
    this.users.set(id, user);
    this.liveUsers = null;
    this.logUser(id);
    if (user.managerId) this.managerChanges.set(id, { seq: this.seq, previous: null });
    for (const groupId of input.groupIds ?? []) this.addMember(groupId, id);
    return user;
  }

  /** Changes some fields of a user. */
  updateUser(id: string, patch: UserPatch): FakeUser {
    const user = this.requireUser(id);
    Object.assign(user, patch);
    this.logUser(id);
    return user;
  }

  disableUser(id: string): FakeUser {
    return this.updateUser(id, { accountEnabled: false });
  }

  enableUser(id: string): FakeUser {
    return this.updateUser(id, { accountEnabled: true });
  }

  /** Sets (or clears, with null) a user's manager. */
  setManager(id: string, managerId: string | null): void {
    const user = this.requireUser(id);
    if (managerId !== null) this.requireUser(managerId);
    const previous = user.managerId;
    user.managerId = managerId;
    this.logUser(id);
    this.managerChanges.set(id, { seq: this.seq, previous });
  }

  /**
   * Deletes a user: soft by default (recycle bin, delta `@removed: changed`, restorable),
   * or for good with `permanent` (delta `@removed: deleted`). Memberships disappear from listings.
   */
  deleteUser(id: string, options: { permanent?: boolean } = {}): void {
    const user = this.users.get(id);
    if (!user) throw new Error(`No user ${id}`);
    const groups = this.memberOfGroups(id);
    if (options.permanent) {
      for (const groupId of groups) {
        if (user.deletedDateTime === null) this.recordMember(groupId, id, true);
        this.unlink(groupId, id);
      }
      this.users.delete(id);
      this.memberOf.delete(id);
      this.purged.add(id);
    } else {
      user.deletedDateTime = new Date().toISOString();
      for (const groupId of groups) this.recordMember(groupId, id, true);
    }
    this.membershipChanged();
    this.liveUsers = null;
    this.logUser(id);
  }

  /** Restores a soft-deleted user with their group memberships. */
  restoreUser(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user || user.deletedDateTime === null)
      throw new Error(`User ${id} is not in the recycle bin`);
    user.deletedDateTime = null;
    for (const groupId of this.memberOfGroups(id)) this.recordMember(groupId, id, false);
    this.membershipChanged();
    this.liveUsers = null;
    this.logUser(id);
    return user;
  }

  addMember(groupId: string, memberId: string): void {
    if (!this.groups.has(groupId)) throw new Error(`No group ${groupId}`);
    if (!this.object(memberId)) throw new Error(`No directory object ${memberId}`);
    if (this.groups.get(groupId)?.members.has(memberId)) return;
    this.link(groupId, memberId);
    this.recordMember(groupId, memberId, false);
  }

  removeMember(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (!group || !group.members.has(memberId)) return;
    this.unlink(groupId, memberId);
    this.recordMember(groupId, memberId, true);
  }

  /** Adds a security group; returns it. */
  addGroup(input: { displayName: string; description?: string | null; id?: string }): FakeGroup {
    const index = this.nextGroupIndex++;
    const id = input.id ?? fakeGuid('group', this.seed, index);
    const nickname = input.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const group: FakeGroup = {
      id,
      displayName: input.displayName,
      description: input.description ?? null,
      mailNickname: nickname,
      mail: null,
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      visibility: null,
      createdDateTime: new Date().toISOString(),
      members: new Set(),
    };
    this.groups.set(id, group);
    this.liveGroups = null;
    this.logGroup(id);
    return group;
  }

  updateGroup(id: string, patch: { displayName?: string; description?: string | null }): void {
    const group = this.groups.get(id);
    if (!group) throw new Error(`No group ${id}`);
    Object.assign(group, patch);
    this.logGroup(id);
  }

  /** Deletes a group for good (delta `@removed: deleted`). */
  deleteGroup(id: string): void {
    const group = this.groups.get(id);
    if (!group) throw new Error(`No group ${id}`);
    for (const member of [...group.members]) this.unlink(id, member);
    for (const parent of this.memberOfGroups(id)) this.unlink(parent, id);
    this.groups.delete(id);
    this.liveGroups = null;
    this.membershipChanged();
    this.logGroup(id);
  }

  /** Adds a device or service principal (a non-user member). */
  addOther(kind: 'device' | 'servicePrincipal', displayName: string): FakeOther {
    const index = this.nextOtherIndex++;
    const id = fakeGuid(kind, this.seed, index);
    const other: FakeOther = {
      id,
      kind,
      displayName,
      appId: kind === 'servicePrincipal' ? fakeGuid('app-of-sp', this.seed, index) : null,
      operatingSystem: kind === 'device' ? 'Windows' : null,
    };
    this.others.set(id, other);
    return other;
  }

  /** Makes every delta and delta-paging token handed out so far answer 410 syncStateNotFound. */
  expireDeltaTokens(): void {
    this.epoch += 1;
  }

  private requireUser(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user || user.deletedDateTime !== null) throw new Error(`No live user ${id}`);
    return user;
  }

  private link(groupId: string, memberId: string) {
    this.groups.get(groupId)?.members.add(memberId);
    let parents = this.memberOf.get(memberId);
    if (!parents) {
      parents = new Set();
      this.memberOf.set(memberId, parents);
    }
    parents.add(groupId);
    this.membershipChanged();
  }

  private unlink(groupId: string, memberId: string) {
    this.groups.get(groupId)?.members.delete(memberId);
    this.memberOf.get(memberId)?.delete(groupId);
    this.membershipChanged();
  }

  private membershipChanged() {
    this.memberArrays.clear();
    this.transitiveCache.clear();
  }

  private recordMember(groupId: string, memberId: string, removed: boolean) {
    this.seq += 1;
    this.memberLog.push({ seq: this.seq, groupId, memberId, removed });
  }

  private logUser(id: string) {
    this.seq += 1;
    this.userLog.push({ seq: this.seq, id });
  }

  private logGroup(id: string) {
    this.seq += 1;
    this.groupLog.push({ seq: this.seq, id });
  }
}
