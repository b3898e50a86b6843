/**
 * A deterministic, generated organisation: people with realistic names, unique logins and emails,
 * departments, job titles, a manager tree and groups (some nested). The fake Graph and Okta servers,
 * the CSV fixtures, the demo and the benchmark all draw from it, so the same seed gives the same company.
 */

export type OrgPerson = {
  /** 0-based position; person 0 is the CEO. */
  index: number;
  givenName: string;
  surname: string;
  displayName: string;
  /** Local part of the login / email, unique in the organisation. */
  login: string;
  department: string;
  jobTitle: string;
  employeeId: string;
  mobilePhone: string;
  officeLocation: string;
  /** index of the manager, null for the CEO. */
  managerIndex: number | null;
  /** false for the few disabled accounts. */
  enabled: boolean;
  /** A guest from another tenant (Graph `#EXT#` UPN, `userType: Guest`). */
  guest: boolean;
  /** No mail address in the directory (Graph `mail: null`). */
  noMail: boolean;
};

export type OrgGroup = {
  index: number;
  name: string;
  description: string;
  /** Direct member people (indexes). */
  members: number[];
  /** Direct member groups (indexes): nesting. */
  subgroups: number[];
};

export type Org = { domain: string; people: OrgPerson[]; groups: OrgGroup[] };

export type OrgOptions = {
  users: number;
  /** Default: 5 % of users, at least 3. */
  groups?: number;
  seed?: number;
  domain?: string;
  /** Share of guests, disabled accounts and accounts without mail (default 1 % each). */
  guestRate?: number;
  disabledRate?: number;
  noMailRate?: number;
};

const GIVEN = [
  'Ada',
  'Alan',
  'Amara',
  'Anna',
  'Arjun',
  'Beatriz',
  'Bruno',
  'Carla',
  'Chen',
  'Chloe',
  'Daniel',
  'Dmitri',
  'Elena',
  'Emeka',
  'Emma',
  'Fatima',
  'Felix',
  'Grace',
  'Hana',
  'Hugo',
  'Ines',
  'Ivan',
  'Jamal',
  'Jana',
  'Javier',
  'Julia',
  'Kenji',
  'Lars',
  'Leila',
  'Lucas',
  'Maria',
  'Mateo',
  'Mei',
  'Nadia',
  'Noah',
  'Olga',
  'Omar',
  'Priya',
  'Rafael',
  'Rosa',
  'Samir',
  'Sara',
  'Sofia',
  'Tariq',
  'Thomas',
  'Ulla',
  'Victor',
  'Wei',
  'Yara',
  'Zoé',
  'Björn',
  'Łucja',
  'Søren',
  'Ngozi',
  'Aiko',
];
const SURNAMES = [
  'Abara',
  'Andersson',
  'Bauer',
  'Becker',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Gonzalez',
  'Haddad',
  'Hansen',
  'Ito',
  'Jansen',
  'Kaur',
  'Kim',
  'Kowalski',
  'Laurent',
  'Li',
  'Martin',
  'Moreau',
  'Müller',
  'Nakamura',
  'Nguyen',
  'Novak',
  'Okafor',
  'Olsen',
  'Patel',
  'Petrov',
  'Quinn',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Smith',
  'Tanaka',
  'Umar',
  'Van Dijk',
  'Wagner',
  'Wang',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
  "O'Brien",
  'Øster',
  'Dąbrowski',
];
const DEPARTMENTS = [
  'Engineering',
  'Sales',
  'Marketing',
  'Finance',
  'Human Resources',
  'Operations',
  'Legal',
  'Customer Success',
  'Product',
  'IT',
];
const TITLES = ['Associate', 'Specialist', 'Senior Specialist', 'Lead', 'Manager'];
const OFFICES = ['Berlin', 'Lisbon', 'London', 'New York', 'Singapore', 'Toronto'];
const FIXED_GROUPS = ['Intranet Editors', 'Intranet Readers', 'All Staff', 'Managers'];

/** Mulberry32: small, fast, deterministic. */
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

const asciiCache = new Map<string, string>();
const ascii = (value: string) => {
  let cached = asciiCache.get(value);
  if (cached === undefined) {
    cached = toAscii(value);
    asciiCache.set(value, cached);
  }
  return cached;
};
const toAscii = (value: string) =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();

export const generateOrg = (options: OrgOptions): Org => {
  const rand = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)];
  const domain = options.domain ?? 'example.com';
  const groupCount = options.groups ?? Math.max(3, Math.round(options.users * 0.05));
  // Logins are `base`, `base2`, `base3`...: the next free number per base, so a million people do
  // not probe every number taken before them.
  const nextLogin = new Map<string, number>();

  const people: OrgPerson[] = [];
  for (let index = 0; index < options.users; index += 1) {
    const givenName = pick(GIVEN);
    const surname = pick(SURNAMES);
    const base = `${ascii(givenName)}.${ascii(surname)}`;
    const taken = nextLogin.get(base) ?? 1;
    const login = taken === 1 ? base : `${base}${taken}`;
    nextLogin.set(base, taken + 1);
    // A manager tree: each person reports to someone earlier, so the tree is about log(n) deep.
    const managerIndex = index === 0 ? null : Math.floor(rand() * Math.min(index, 1 + index / 4));
    const department =
      managerIndex !== null && rand() < 0.8 ? people[managerIndex].department : pick(DEPARTMENTS);
    people.push({
      index,
      givenName,
      surname,
      displayName: `${givenName} ${surname}`,
      login,
      department,
      jobTitle: index === 0 ? 'Chief Executive Officer' : `${department} ${pick(TITLES)}`,
      employeeId: `E${String(index + 1).padStart(6, '0')}`,
      mobilePhone: `+1 555 ${String(1000000 + index).slice(-7)}`,
      officeLocation: pick(OFFICES),
      managerIndex,
      enabled: index === 0 || rand() >= (options.disabledRate ?? 0.01),
      guest: index > 0 && rand() < (options.guestRate ?? 0.01),
      noMail: index > 0 && rand() < (options.noMailRate ?? 0.01),
    });
  }

  const groups: OrgGroup[] = [];
  for (let index = 0; index < groupCount; index += 1) {
    const name =
      index < FIXED_GROUPS.length
        ? FIXED_GROUPS[index]
        : `${DEPARTMENTS[index % DEPARTMENTS.length]} Team ${Math.floor(index / DEPARTMENTS.length) + 1}`;
    groups.push({ index, name, description: `${name} (generated)`, members: [], subgroups: [] });
  }
  // Every person is in one team group, a third are in a fixed group; a few teams nest in others.
  const teamStart = Math.min(FIXED_GROUPS.length, groupCount - 1);
  for (const person of people) {
    const team = teamStart + Math.floor(rand() * (groupCount - teamStart));
    groups[team].members.push(person.index);
    if (rand() < 0.33) groups[Math.floor(rand() * teamStart)].members.push(person.index);
  }
  for (let index = teamStart + 1; index < groupCount; index += 10) {
    groups[teamStart].subgroups.push(index);
  }

  return { domain, people, groups };
};

/** Indexes of every person in a group, following nested groups (each group once). */
export const transitiveMembers = (org: Org, groupIndex: number): number[] => {
  const seenGroups = new Set<number>();
  const members = new Set<number>();
  const visit = (index: number) => {
    if (seenGroups.has(index)) return;
    seenGroups.add(index);
    for (const member of org.groups[index].members) members.add(member);
    for (const sub of org.groups[index].subgroups) visit(sub);
  };
  visit(groupIndex);
  return [...members];
};
