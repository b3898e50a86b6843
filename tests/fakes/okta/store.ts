/**
 * The fake Okta org's data: users, groups, memberships and one app's group assignments, seeded from
 * the generated organisation (tests/fakes/org.ts) and changed by the mutation methods, which bump
 * `lastUpdated`, `statusChanged` and `lastMembershipUpdated` the way Okta does.
 *
 * Built for 100,000 users: users and groups live in arrays in creation order (the paging order),
 * with maps from id and login to position; a group's members are a sorted array of user positions,
 * so a page of members is a binary search plus a slice.
 */
import { generateOrg, type Org } from '../org';

export const USER_STATUSES = [
  'ACTIVE',
  'STAGED',
  'PROVISIONED',
  'SUSPENDED',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'RECOVERY',
] as const;
export type OktaUserStatus = (typeof USER_STATUSES)[number];

export type OktaGroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';

export type StoredUser = {
  pos: number;
  id: string;
  status: OktaUserStatus;
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
  profile: Record<string, string | null>;
  deleted: boolean;
  /** Positions of the groups (other than Everyone) the user belongs to. */
  groups: Set<number>;
};

export type StoredGroup = {
  pos: number;
  id: string;
  type: OktaGroupType;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  profile: { name: string; description: string | null };
  /** Sorted user positions; unused for Everyone, whose members are all users. */
  members: number[];
  everyone: boolean;
  deleted: boolean;
};

export type AppAssignment = {
  groupPos: number;
  /** Opaque, increasing: the paging cursor of `/apps/{id}/groups`. */
  seq: number;
  priority: number;
  lastUpdated: number;
};

export type StoreOptions = {
  /** Number of people (default 200). */
  users?: number;
  /** Number of generated groups (default: 5 % of users, at least 3). */
  groups?: number;
  seed?: number;
  domain?: string;
  /**
   * Which groups are assigned to the app: 'some' (the fixed groups, every other team and the
   * imported AD group), 'all', 'none', or a list of group names.
   */
  assignToApp?: 'some' | 'all' | 'none' | string[];
  /** People per special status (STAGED, SUSPENDED ...): default max(2, 1 % of users). */
  perStatus?: number;
  /** Share of users whose `profile.managerId` holds the manager's login instead of an id (5 %). */
  managerLoginRate?: number;
  /** Clock for timestamps (ms since epoch); default Date.now. */
  now?: () => number;
};

const SPECIAL_STATUSES: OktaUserStatus[] = [
  'STAGED',
  'PROVISIONED',
  'SUSPENDED',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'RECOVERY',
];

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic 10-character tail for ids, so ids look like Okta's 20-character ids. */
const tagFor = (seed: number, salt: number) => {
  let a = (seed * 7919 + salt * 104729) >>> 0;
  let tag = '';
  for (let i = 0; i < 10; i += 1) {
    a = (Math.imul(a ^ (a >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    tag += ALPHABET[a % ALPHABET.length];
  }
  return tag;
};

const makeId = (prefix: string, n: number, tag: string) =>
  `${prefix}${n.toString(36).padStart(7, '0')}${tag}`;

const DAY = 86_400_000;

const insertSorted = (list: number[], value: number): boolean => {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] < value) low = mid + 1;
    else high = mid;
  }
  if (list[low] === value) return false;
  list.splice(low, 0, value);
  return true;
};

/** Index of the first element greater than `value` in a sorted list. */
export const upperBound = (list: number[], value: number): number => {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
};

const removeSorted = (list: number[], value: number): boolean => {
  const index = upperBound(list, value) - 1;
  if (index < 0 || list[index] !== value) return false;
  list.splice(index, 1);
  return true;
};

export type NewUser = {
  login?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  status?: OktaUserStatus;
  profile?: Record<string, string | null>;
  /** Group ids to add the new user to. */
  groups?: string[];
};

export class OktaStore {
  readonly org: Org;
  readonly domain: string;
  readonly users: StoredUser[] = [];
  readonly groups: StoredGroup[] = [];
  readonly appId: string;
  readonly appCreated: number;
  appLastUpdated: number;
  private readonly userById = new Map<string, number>();
  private readonly userByLogin = new Map<string, number>();
  private readonly groupById = new Map<string, number>();
  private readonly assignments = new Map<number, AppAssignment>();
  /** Everyone's members, rebuilt after a user is added or deleted. */
  private everyoneMembers: number[] | null = null;
  private assignmentSeq = 1_627_500_044_869;
  private readonly userTag: string;
  private readonly groupTag: string;
  readonly now: () => number;

  constructor(options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
    const users = options.users ?? 200;
    const seed = options.seed ?? 42;
    this.org = generateOrg({ users, groups: options.groups, seed, domain: options.domain });
    this.domain = this.org.domain;
    this.userTag = tagFor(seed, 1);
    this.groupTag = tagFor(seed, 2);
    this.appId = makeId('0oa', 1, tagFor(seed, 3));
    const base = this.now() - 400 * DAY;
    this.appCreated = base;
    this.appLastUpdated = base;
    this.seedUsers(base, options);
    this.seedGroups(base, options);
  }

  private seedUsers(base: number, options: StoreOptions) {
    const people = this.org.people;
    const count = people.length;
    const perStatus = options.perStatus ?? Math.max(2, Math.floor(count * 0.01));
    const special = new Map<number, OktaUserStatus>();
    const total = Math.min(SPECIAL_STATUSES.length * perStatus, Math.max(0, count - 1));
    for (let j = 0; j < total; j += 1) {
      const index = 1 + Math.floor(((j + 0.5) * (count - 1)) / total);
      special.set(index, SPECIAL_STATUSES[j % SPECIAL_STATUSES.length]);
    }
    const loginRate = options.managerLoginRate ?? 0.05;
    const loginEvery = loginRate > 0 ? Math.max(1, Math.round(1 / loginRate)) : 0;
    const ids = people.map((person) => makeId('00u', person.index + 1, this.userTag));
    for (const person of people) {
      const status: OktaUserStatus =
        special.get(person.index) ?? (person.enabled ? 'ACTIVE' : 'SUSPENDED');
      const created = base + person.index * 60_000;
      const activated =
        status === 'STAGED' || status === 'PROVISIONED' ? null : created + 3_600_000;
      const lastUpdated = created + DAY + (person.index % 97) * 60_000;
      const login = `${person.login}@${this.domain}`;
      const manager = person.managerIndex === null ? null : people[person.managerIndex];
      let managerId: string | null = null;
      if (manager) {
        const asLogin = loginEvery > 0 && person.index % loginEvery === 3;
        managerId = asLogin ? `${manager.login}@${this.domain}` : ids[manager.index];
      }
      const user: StoredUser = {
        pos: this.users.length,
        id: ids[person.index],
        status,
        created,
        activated,
        statusChanged: status === 'ACTIVE' ? activated : lastUpdated,
        lastLogin: activated === null ? null : lastUpdated - 3_600_000,
        lastUpdated,
        passwordChanged: activated,
        profile: {
          login,
          email: login,
          secondEmail: null,
          firstName: person.givenName,
          lastName: person.surname,
          displayName: person.displayName,
          title: person.jobTitle,
          department: person.department,
          employeeNumber: person.employeeId,
          manager: manager ? manager.displayName : null,
          managerId,
          mobilePhone: person.mobilePhone,
          primaryPhone: null,
          costCenter: `CC-${(person.department.charCodeAt(0) * 7 + person.department.length) % 1000}`,
          officeLocation: person.officeLocation,
        },
        deleted: false,
        groups: new Set(),
      };
      this.addUserRecord(user);
    }
  }

  private seedGroups(base: number, options: StoreOptions) {
    const everyone = this.addGroupRecord(
      'Everyone',
      'All users in your organization',
      'BUILT_IN',
      base
    );
    everyone.everyone = true;
    const assign = options.assignToApp ?? 'some';
    const orgGroups = this.org.groups;
    const teamStart = Math.min(4, orgGroups.length - 1);
    for (const source of orgGroups) {
      const group = this.addGroupRecord(
        source.name,
        source.description,
        'OKTA_GROUP',
        base + DAY + source.index * 60_000
      );
      for (const member of source.members) this.attach(group, this.users[member]);
      group.lastMembershipUpdated = base + 2 * DAY + source.index * 60_000;
      const assigned =
        assign === 'all' ||
        (assign === 'some' && (source.index < teamStart || (source.index - teamStart) % 2 === 0)) ||
        (Array.isArray(assign) && assign.includes(source.name));
      if (assigned) this.assign(group, base + 3 * DAY + source.index * 60_000);
    }
    // A group imported from Active Directory: Okta may not change its members (APP_GROUP).
    const imported = this.addGroupRecord(
      'AD Contractors',
      'Imported from Active Directory',
      'APP_GROUP',
      base + DAY
    );
    for (let pos = 5; pos < this.users.length; pos += 37) this.attach(imported, this.users[pos]);
    imported.lastMembershipUpdated = base + 2 * DAY;
    const assignImported =
      assign === 'all' ||
      assign === 'some' ||
      (Array.isArray(assign) && assign.includes(imported.profile.name));
    if (assignImported) this.assign(imported, base + 3 * DAY);
  }

  private addUserRecord(user: StoredUser) {
    this.users.push(user);
    this.userById.set(user.id, user.pos);
    this.userByLogin.set(String(user.profile.login).toLowerCase(), user.pos);
  }

  private addGroupRecord(
    name: string,
    description: string | null,
    type: OktaGroupType,
    created: number
  ): StoredGroup {
    const pos = this.groups.length;
    const group: StoredGroup = {
      pos,
      id: makeId('00g', pos + 1, this.groupTag),
      type,
      created,
      lastUpdated: created,
      lastMembershipUpdated: created,
      profile: { name, description },
      members: [],
      everyone: false,
      deleted: false,
    };
    this.groups.push(group);
    this.groupById.set(group.id, pos);
    return group;
  }

  private attach(group: StoredGroup, user: StoredUser): boolean {
    if (group.everyone) return false;
    if (!insertSorted(group.members, user.pos)) return false;
    user.groups.add(group.pos);
    return true;
  }

  private assign(group: StoredGroup, at: number) {
    this.assignmentSeq += 1;
    this.assignments.set(group.pos, {
      groupPos: group.pos,
      seq: this.assignmentSeq,
      priority: this.assignments.size,
      lastUpdated: at,
    });
  }

  // ---- reads -------------------------------------------------------------------------------

  /** A user by id or login (as `GET /api/v1/users/{idOrLogin}` accepts), deleted ones excluded. */
  user(idOrLogin: string): StoredUser | undefined {
    const pos = this.userById.get(idOrLogin) ?? this.userByLogin.get(idOrLogin.toLowerCase());
    const user = pos === undefined ? undefined : this.users[pos];
    return user && !user.deleted ? user : undefined;
  }

  /** Position of a user id, deleted ones included (for paging cursors). */
  userPosition(id: string): number | undefined {
    return this.userById.get(id);
  }

  group(id: string): StoredGroup | undefined {
    const pos = this.groupById.get(id);
    const group = pos === undefined ? undefined : this.groups[pos];
    return group && !group.deleted ? group : undefined;
  }

  groupPosition(id: string): number | undefined {
    return this.groupById.get(id);
  }

  groupByName(name: string): StoredGroup | undefined {
    return this.groups.find((group) => !group.deleted && group.profile.name === name);
  }

  /** Members of a group as sorted user positions (Everyone: all users). */
  memberPositions(group: StoredGroup): number[] {
    if (!group.everyone) return group.members;
    if (!this.everyoneMembers) {
      this.everyoneMembers = [];
      for (const user of this.users) if (!user.deleted) this.everyoneMembers.push(user.pos);
    }
    return this.everyoneMembers;
  }

  /** The app's group assignments in assignment order. */
  appAssignments(): AppAssignment[] {
    return [...this.assignments.values()]
      .filter((assignment) => !this.groups[assignment.groupPos].deleted)
      .sort((a, b) => a.seq - b.seq);
  }

  isAssigned(group: StoredGroup): boolean {
    return this.assignments.has(group.pos);
  }

  // ---- mutations (each bumps the timestamps Okta bumps) ---------------------------------------

  private mustUser(id: string): StoredUser {
    const user = this.user(id);
    if (!user) throw new Error(`No user ${id} in the fake Okta org`);
    return user;
  }

  private mustGroup(id: string): StoredGroup {
    const group = this.group(id);
    if (!group) throw new Error(`No group ${id} in the fake Okta org`);
    return group;
  }

  private touchEveryone(at: number) {
    this.everyoneMembers = null;
    const everyone = this.groups.find((group) => group.everyone);
    if (everyone) everyone.lastMembershipUpdated = at;
  }

  /** Creates a user (ACTIVE unless told), in Everyone and the given groups. */
  addUser(input: NewUser = {}): StoredUser {
    const at = this.now();
    const n = this.users.length + 1;
    const firstName = input.firstName ?? 'New';
    const lastName = input.lastName ?? `Hire${n}`;
    const login = input.login ?? `new.hire${n}@${this.domain}`;
    const status = input.status ?? 'ACTIVE';
    const active = status !== 'STAGED' && status !== 'PROVISIONED';
    const user: StoredUser = {
      pos: this.users.length,
      id: makeId('00u', n, this.userTag),
      status,
      created: at,
      activated: active ? at : null,
      statusChanged: active ? at : null,
      lastLogin: null,
      lastUpdated: at,
      passwordChanged: active ? at : null,
      profile: {
        login,
        email: input.email ?? login,
        secondEmail: null,
        firstName,
        lastName,
        displayName: `${firstName} ${lastName}`,
        mobilePhone: null,
        primaryPhone: null,
        ...input.profile,
      },
      deleted: false,
      groups: new Set(),
    };
    if (this.userByLogin.has(login.toLowerCase())) throw new Error(`Login ${login} is taken`);
    this.addUserRecord(user);
    this.touchEveryone(at);
    for (const groupId of input.groups ?? []) this.addMember(groupId, user.id);
    return user;
  }

  /** Changes profile attributes (null clears one). */
  updateProfile(id: string, changes: Record<string, string | null>): StoredUser {
    const user = this.mustUser(id);
    const oldLogin = String(user.profile.login).toLowerCase();
    Object.assign(user.profile, changes);
    const newLogin = String(user.profile.login).toLowerCase();
    if (newLogin !== oldLogin) {
      this.userByLogin.delete(oldLogin);
      this.userByLogin.set(newLogin, user.pos);
    }
    user.lastUpdated = this.now();
    return user;
  }

  /** Sets a status as a lifecycle operation would (statusChanged and lastUpdated move). */
  setStatus(id: string, status: OktaUserStatus): StoredUser {
    const user = this.mustUser(id);
    const at = this.now();
    if (status === 'ACTIVE' && user.activated === null) user.activated = at;
    user.status = status;
    user.statusChanged = at;
    user.lastUpdated = at;
    return user;
  }

  suspend(id: string) {
    return this.setStatus(id, 'SUSPENDED');
  }

  unsuspend(id: string) {
    return this.setStatus(id, 'ACTIVE');
  }

  /** Deactivation: DEPROVISIONED; the user stays in their groups, as in Okta. */
  deactivate(id: string) {
    return this.setStatus(id, 'DEPROVISIONED');
  }

  /** Activates a deactivated user again (ACTIVE, or PROVISIONED while activation is pending). */
  reactivate(id: string, status: 'ACTIVE' | 'PROVISIONED' = 'ACTIVE') {
    return this.setStatus(id, status);
  }

  /** Deletes a DEPROVISIONED user: gone from every listing and group. */
  deleteUser(id: string) {
    const user = this.mustUser(id);
    if (user.status !== 'DEPROVISIONED') throw new Error('Okta deletes only deactivated users');
    const at = this.now();
    for (const groupPos of user.groups) {
      const group = this.groups[groupPos];
      removeSorted(group.members, user.pos);
      group.lastMembershipUpdated = at;
    }
    user.groups.clear();
    user.deleted = true;
    this.userByLogin.delete(String(user.profile.login).toLowerCase());
    this.touchEveryone(at);
  }

  addMember(groupId: string, userId: string) {
    const group = this.mustGroup(groupId);
    if (this.attach(group, this.mustUser(userId))) group.lastMembershipUpdated = this.now();
  }

  removeMember(groupId: string, userId: string) {
    const group = this.mustGroup(groupId);
    const user = this.mustUser(userId);
    if (removeSorted(group.members, user.pos)) {
      user.groups.delete(group.pos);
      group.lastMembershipUpdated = this.now();
    }
  }

  addGroup(name: string, description: string | null = null, type: OktaGroupType = 'OKTA_GROUP') {
    return this.addGroupRecord(name, description, type, this.now());
  }

  renameGroup(id: string, name: string, description?: string | null) {
    const group = this.mustGroup(id);
    group.profile = {
      name,
      description: description === undefined ? group.profile.description : description,
    };
    group.lastUpdated = this.now();
    return group;
  }

  assignGroupToApp(groupId: string) {
    const group = this.mustGroup(groupId);
    const existing = this.assignments.get(group.pos);
    if (existing) existing.lastUpdated = this.now();
    else this.assign(group, this.now());
    this.appLastUpdated = this.now();
  }

  /** Deletes a group: it leaves the app's assignments and its members; its id answers 404. */
  deleteGroup(groupId: string) {
    const group = this.mustGroup(groupId);
    this.assignments.delete(group.pos);
    for (const pos of group.members) this.users[pos].groups.delete(group.pos);
    group.members = [];
    group.deleted = true;
    group.lastUpdated = this.now();
    this.appLastUpdated = this.now();
  }

  unassignGroupFromApp(groupId: string) {
    const group = this.mustGroup(groupId);
    this.assignments.delete(group.pos);
    this.appLastUpdated = this.now();
  }
}
