/**
 * What the database must hold after each run, worked out from the fakes' own data (never from the
 * plugin), and the comparison with what it does hold. Also the 1 % change set and the CSV file.
 */
import type { FakeUser, GraphStore } from '../../tests/fakes/graph';
import type { Org } from '../../tests/fakes/org';
import type { PlainUser, StoredUser } from './protocol';

/** What one directory-owned user must look like; undefined fields are not checked. */
export type ExpectedUser = {
  blocked: boolean;
  email?: string;
  role?: string | null;
  jobTitle?: string | null;
  manager?: string | null;
  hasPassword?: boolean;
};

export type Check = { correct: boolean; problems: string[] };

/** The role the sync gives: the user's synced groups sorted by name, the first one. */
const firstByName = (names: string[]) =>
  names.length ? [...names].sort((a, b) => a.localeCompare(b))[0] : null;

/**
 * Compares the stored directory-owned users with the expected ones, a page at a time (the
 * orchestrator holds the expectation; the Strapi process only ever one page of what it stored).
 */
export class UserComparison {
  private readonly tally = new Map<string, { count: number; example: string }>();
  private readonly seen = new Set<string>();
  private stored = 0;
  private identities = 0;

  constructor(private readonly expected: Map<string, ExpectedUser>) {}

  private note(kind: string, example: string) {
    const entry = this.tally.get(kind) ?? { count: 0, example };
    entry.count += 1;
    this.tally.set(kind, entry);
  }

  /** One page of stored users and the number of identity links it came from. */
  add(users: StoredUser[], identities: number) {
    this.stored += users.length;
    this.identities += identities;
    for (const user of users) {
      if (this.seen.has(user.username)) this.note('duplicate user row', user.username);
      this.seen.add(user.username);
      const want = this.expected.get(user.username);
      if (!want) {
        this.note('unexpected user', user.username);
        continue;
      }
      if (user.blocked !== want.blocked)
        this.note(`blocked ${user.blocked}, expected ${want.blocked}`, user.username);
      if (want.email !== undefined && user.email !== want.email)
        this.note('wrong email', `${user.username}: ${user.email} != ${want.email}`);
      if (want.role !== undefined && user.role !== want.role)
        this.note('wrong role', `${user.username}: '${user.role}' != '${want.role}'`);
      if (want.jobTitle !== undefined && user.jobTitle !== want.jobTitle)
        this.note('wrong jobTitle', `${user.username}: '${user.jobTitle}' != '${want.jobTitle}'`);
      if (want.manager !== undefined && user.manager !== want.manager)
        this.note('wrong manager', `${user.username}: ${user.manager} != ${want.manager}`);
      if (want.hasPassword !== undefined && user.hasPassword !== want.hasPassword)
        this.note(`password set ${user.hasPassword}`, user.username);
    }
  }

  /** The verdict once every page was added. */
  finish(): Check {
    const problems: string[] = [];
    if (this.stored !== this.expected.size)
      problems.push(`${this.stored} users owned by the directory, expected ${this.expected.size}`);
    if (this.identities !== this.stored)
      problems.push(`${this.identities} identity links but ${this.stored} user rows behind them`);
    for (const username of this.expected.keys())
      if (!this.seen.has(username)) this.note('missing user', username);
    for (const [kind, { count, example }] of this.tally)
      problems.push(`${count} x ${kind} (e.g. ${example})`);
    return { correct: problems.length === 0, problems };
  }
}

/** Compares all the stored directory-owned users with the expected ones at once. */
export const compareUsers = (
  expected: Map<string, ExpectedUser>,
  stored: StoredUser[],
  identities: number
): Check => {
  const comparison = new UserComparison(expected);
  comparison.add(stored, identities);
  return comparison.finish();
};

const isGuest = (user: FakeUser) =>
  user.userType === 'Guest' || /#EXT#@/i.test(user.userPrincipalName);

/** The Entra ID directory as the sync must see it: all groups selected, all groups synced. */
export class GraphModel {
  /** Ids of every user the sync had to create so far (leavers stay, blocked). */
  private readonly known = new Set<string>();

  constructor(private readonly store: GraphStore) {}

  private groupNames(groupIds: string[]) {
    return groupIds
      .map((id) => this.store.groups.get(id)?.displayName)
      .filter((name): name is string => !!name);
  }

  /** In scope: a live member (not a guest) with a mail address, in at least one group. */
  inScope(user: FakeUser, groupIds = this.store.transitiveMemberOf(user.id)) {
    return user.deletedDateTime === null && !isGuest(user) && !!user.mail && groupIds.length > 0;
  }

  /** The users in scope now. */
  inScopeUsers(): FakeUser[] {
    return this.store.listUsers().filter((user) => this.inScope(user));
  }

  /** Every user the database must hold, by username, as of now. */
  expected(): Map<string, ExpectedUser> {
    for (const user of this.inScopeUsers()) this.known.add(user.id);
    const out = new Map<string, ExpectedUser>();
    for (const id of this.known) {
      const user = this.store.users.get(id);
      if (!user)
        throw new Error('bench: a synced user was purged from the fake; the model cannot follow');
      const groupIds = this.store.transitiveMemberOf(user.id);
      if (!this.inScope(user, groupIds)) {
        out.set(user.userPrincipalName, { blocked: true });
        continue;
      }
      const manager = user.managerId && this.known.has(user.managerId) ? user.managerId : null;
      out.set(user.userPrincipalName, {
        blocked: !user.accountEnabled,
        email: (user.mail as string).toLowerCase(),
        role: firstByName(this.groupNames(groupIds)),
        jobTitle: user.jobTitle,
        manager: manager ? (this.store.users.get(manager)?.userPrincipalName ?? null) : null,
      });
    }
    return out;
  }

  /** The first `count` users in scope, as plain rows (for the naive load). */
  plainUsers(count: number): PlainUser[] {
    return this.inScopeUsers()
      .slice(0, count)
      .map((user) => ({
        username: user.userPrincipalName,
        email: (user.mail as string).toLowerCase(),
        firstname: user.givenName,
        lastname: user.surname,
        displayName: user.displayName,
        jobTitle: user.jobTitle,
        department: user.department,
        employeeId: user.employeeId,
        phone: user.mobilePhone,
        blocked: !user.accountEnabled,
      }));
  }
}

/** Mulberry32, for a repeatable change set. */
const random = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export type ChangeSummary = {
  changed: number;
  attributes: number;
  deleted: number;
  disabled: number;
  joinedGroup: number;
  leftGroup: number;
  added: number;
};

/**
 * Changes 1 % of the users in the fake tenant: attributes (jobTitle, department), a few leavers
 * (deleted or disabled), a few membership changes that move a role ('All Staff' sorts first), and a
 * few new joiners.
 */
export const changeOnePercent = (
  store: GraphStore,
  model: GraphModel,
  groupIds: string[],
  seed = 7
): ChangeSummary => {
  const rand = random(seed);
  const active = model.inScopeUsers().filter((user) => user.accountEnabled);
  const total = Math.max(8, Math.round(active.length * 0.01));
  const take = (share: number) => Math.max(1, Math.round(total * share));
  const plan = {
    deleted: take(0.03),
    disabled: take(0.03),
    joinedGroup: take(0.05),
    leftGroup: take(0.05),
    added: take(0.04),
  };
  const attributes = total - Object.values(plan).reduce((a, b) => a + b, 0);
  // A repeatable shuffle of the candidates, taken in order.
  const order = active.map((user) => ({ user, key: rand() })).sort((a, b) => a.key - b.key);
  let next = 0;
  const pick = (accept: (user: FakeUser) => boolean) => {
    while (next < order.length) {
      const { user } = order[next++];
      if (accept(user)) return user;
    }
    throw new Error('bench: not enough users to change');
  };
  const allStaff = [...store.groups.values()].find((group) => group.displayName === 'All Staff');
  if (!allStaff) throw new Error('bench: the All Staff group is missing');
  const inAllStaff = (user: FakeUser) => store.memberOfGroups(user.id).includes(allStaff.id);
  for (let n = 0; n < attributes; n += 1) {
    const user = pick(() => true);
    store.updateUser(user.id, {
      jobTitle: `${user.jobTitle ?? 'Staff'} (changed ${n})`,
      department: n % 3 === 0 ? 'Reorganised' : user.department,
    });
  }
  for (let n = 0; n < plan.deleted; n += 1) store.deleteUser(pick(() => true).id);
  for (let n = 0; n < plan.disabled; n += 1) store.disableUser(pick(() => true).id);
  for (let n = 0; n < plan.joinedGroup; n += 1) {
    const user = pick((candidate) => !store.transitiveMemberOf(candidate.id).includes(allStaff.id));
    store.addMember(allStaff.id, user.id);
  }
  for (let n = 0; n < plan.leftGroup; n += 1) {
    const user = pick(
      (candidate) => inAllStaff(candidate) && store.memberOfGroups(candidate.id).length > 1
    );
    store.removeMember(allStaff.id, user.id);
  }
  const manager = order[0].user;
  for (let n = 0; n < plan.added; n += 1) {
    store.addUser({
      givenName: 'Bench',
      surname: `Joiner${n}`,
      login: `bench.joiner${n}`,
      jobTitle: 'New Joiner',
      managerId: manager.id,
      groupIds: [groupIds[groupIds.length - 1 - n]],
    });
  }
  return { changed: total, attributes, ...plan };
};

/** A CSV field, quoted when it needs to be. */
const field = (value: string | null) =>
  value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

const CSV_HEADER =
  'username,email,firstname,lastname,displayName,jobTitle,department,employeeId,phone,manager,groups,active';
/** Rows turned into bytes at a time: a million rows never become one string. */
const CSV_CHUNK_ROWS = 10_000;

/** The HR export of the generated organisation as a file, and what the sync must make of it. */
export const csvFileOf = (org: Org) => {
  const groupsOf = new Map<number, string[]>();
  for (const group of org.groups) {
    for (const member of group.members) {
      const list = groupsOf.get(member) ?? [];
      list.push(group.name);
      groupsOf.set(member, list);
    }
  }
  const email = (index: number) => {
    const person = org.people[index];
    return person.noMail ? null : `${person.login}@${org.domain}`;
  };
  const chunks: Buffer[] = [];
  let lines = [CSV_HEADER];
  const expected = new Map<string, ExpectedUser>();
  for (const person of org.people) {
    const groups = groupsOf.get(person.index) ?? [];
    const manager = person.managerIndex === null ? null : org.people[person.managerIndex];
    lines.push(
      [
        person.login,
        email(person.index),
        person.givenName,
        person.surname,
        person.displayName,
        person.jobTitle,
        person.department,
        person.employeeId,
        person.mobilePhone,
        manager?.login ?? null,
        groups.join(';'),
        person.enabled ? 'true' : 'false',
      ]
        .map(field)
        .join(',')
    );
    if (lines.length === CSV_CHUNK_ROWS) {
      chunks.push(Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'));
      lines = [];
    }
    const mail = email(person.index);
    if (!mail) continue;
    expected.set(person.login, {
      blocked: !person.enabled,
      email: mail,
      role: firstByName(groups),
      jobTitle: person.jobTitle,
      manager: manager && email(manager.index) ? manager.login : null,
      hasPassword: true,
    });
  }
  if (lines.length) chunks.push(Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'));
  return { body: Buffer.concat(chunks), expected };
};

/** The same file as text (the small organisations of npm run faults). */
export const csvOf = (org: Org) => {
  const { body, expected } = csvFileOf(org);
  return { text: body.toString('utf8'), expected };
};
