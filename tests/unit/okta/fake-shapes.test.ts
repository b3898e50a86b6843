/**
 * The fake Okta org answers with the shapes Okta's management API documents (OpenAPI 3.0.3,
 * okta-sdk-nodejs oas-spec/management.yaml, version 5.1.0). The expectations below were written by
 * hand from the spec's User, UserProfile, Group, OktaUserGroupProfile, ApplicationGroupAssignment,
 * Application, HrefObject and ModelError schemas and its listUsers / listGroups /
 * listApplicationGroupAssignments operations.
 */
import { startOktaFake, type OktaFake } from '../../fakes/okta';

type Json = Record<string, unknown>;

/** Top-level properties of the User schema. */
const USER_KEYS = [
  'activated',
  'created',
  'credentials',
  'id',
  'lastLogin',
  'lastUpdated',
  'passwordChanged',
  'profile',
  'realmId',
  'status',
  'statusChanged',
  'transitioningToStatus',
  'type',
  '_embedded',
  '_links',
];
/** UserStatus enum. */
const USER_STATUSES = [
  'ACTIVE',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'PROVISIONED',
  'RECOVERY',
  'STAGED',
  'SUSPENDED',
];
/** UserProfile's base properties (the schema is extensible: custom ones may follow). */
const PROFILE_KEYS = [
  'city',
  'costCenter',
  'countryCode',
  'department',
  'displayName',
  'division',
  'email',
  'employeeNumber',
  'firstName',
  'honorificPrefix',
  'honorificSuffix',
  'lastName',
  'locale',
  'login',
  'manager',
  'managerId',
  'middleName',
  'mobilePhone',
  'nickName',
  'organization',
  'postalAddress',
  'preferredLanguage',
  'primaryPhone',
  'profileUrl',
  'secondEmail',
  'state',
  'streetAddress',
  'timezone',
  'title',
  'userType',
  'zipCode',
];
/** The fake's custom profile attribute (added to the schema in a real org). */
const CUSTOM_PROFILE_KEYS = ['officeLocation'];
/** Group schema. */
const GROUP_KEYS = [
  'created',
  'id',
  'lastMembershipUpdated',
  'lastUpdated',
  'objectClass',
  'profile',
  'type',
  '_embedded',
  '_links',
];
const GROUP_TYPES = ['APP_GROUP', 'BUILT_IN', 'OKTA_GROUP'];
/** OktaUserGroupProfile + OktaActiveDirectoryGroupProfile. */
const GROUP_PROFILE_KEYS = [
  'description',
  'name',
  'dn',
  'externalId',
  'samAccountName',
  'windowsDomainQualifiedName',
];
/** ApplicationGroupAssignment schema. */
const ASSIGNMENT_KEYS = ['id', 'lastUpdated', 'priority', 'profile', '_embedded', '_links'];
/** Application schema + OpenIdConnectApplication's own properties. */
const APPLICATION_KEYS = [
  'accessibility',
  'created',
  'expressConfiguration',
  'features',
  'id',
  'label',
  'lastUpdated',
  'licensing',
  'orn',
  'profile',
  'signOnMode',
  'status',
  'universalLogout',
  'visibility',
  '_embedded',
  '_links',
  'credentials',
  'name',
  'settings',
];
/** ModelError schema. */
const ERROR_KEYS = ['errorCauses', 'errorCode', 'errorId', 'errorLink', 'errorSummary'];

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const expectDateTime = (value: unknown, nullable = false) => {
  if (nullable && value === null) return;
  expect(value).toEqual(expect.stringMatching(DATE_TIME));
};

/** HrefObject: `href` required, a string. */
const expectHref = (value: unknown) => {
  expect(value).toEqual(expect.objectContaining({ href: expect.any(String) }));
};

const expectKeysWithin = (value: Json, allowed: string[]) => {
  expect(Object.keys(value).filter((key) => !allowed.includes(key))).toEqual([]);
};

const expectUser = (user: Json) => {
  expectKeysWithin(user, USER_KEYS);
  expect(typeof user.id).toBe('string');
  expect(USER_STATUSES).toContain(user.status);
  expectDateTime(user.created);
  expectDateTime(user.lastUpdated);
  for (const key of ['activated', 'lastLogin', 'passwordChanged', 'statusChanged']) {
    expectDateTime(user[key], true);
  }
  expect(user.type).toEqual({ id: expect.any(String) });
  const profile = user.profile as Json;
  expectKeysWithin(profile, [...PROFILE_KEYS, ...CUSTOM_PROFILE_KEYS]);
  expect(typeof profile.login).toBe('string');
  expect(profile.email).toEqual(expect.stringMatching(/^.{2,}@.{2,}$/));
  for (const value of Object.values(profile)) expect(['string', 'object']).toContain(typeof value);
  // A collection's user carries only the self link.
  expect(Object.keys(user._links as Json)).toEqual(['self']);
  expectHref((user._links as Json).self);
};

const expectGroup = (group: Json) => {
  expectKeysWithin(group, GROUP_KEYS);
  expect(typeof group.id).toBe('string');
  expectDateTime(group.created);
  expectDateTime(group.lastUpdated);
  expectDateTime(group.lastMembershipUpdated);
  expect(group.objectClass).toEqual([expect.any(String)]);
  expect(GROUP_TYPES).toContain(group.type);
  const profile = group.profile as Json;
  expectKeysWithin(profile, GROUP_PROFILE_KEYS);
  expect(typeof profile.name).toBe('string');
  for (const [key, link] of Object.entries(group._links as Json)) {
    if (key === 'logo') (link as unknown[]).forEach(expectHref);
    else expectHref(link);
  }
};

const expectError = (body: Json, code: string) => {
  expect(Object.keys(body).sort()).toEqual([...ERROR_KEYS].sort());
  expect(body).toMatchObject({ errorCode: code, errorLink: code });
  expect(typeof body.errorSummary).toBe('string');
  expect(typeof body.errorId).toBe('string');
  expect(Array.isArray(body.errorCauses)).toBe(true);
  for (const cause of body.errorCauses as Json[]) {
    expect(cause).toEqual({ errorSummary: expect.any(String) });
  }
};

/** Link headers: absolute URLs, rel="self" and maybe rel="next". */
const links = (response: Response): Record<string, string> => {
  const value = response.headers.get('link') ?? '';
  const result: Record<string, string> = {};
  for (const part of value.split(/,\s*(?=<)/)) {
    const match = /^<([^>]+)>;\s*rel="([^"]+)"$/.exec(part.trim());
    if (match) result[match[2]] = match[1];
  }
  return result;
};

describe('the fake Okta org answers with the documented shapes', () => {
  let fake: OktaFake;
  let auth: { Authorization: string };

  beforeAll(async () => {
    fake = await startOktaFake({ users: 150 });
    auth = { Authorization: `SSWS ${fake.apiToken}` };
  });

  afterAll(() => fake.close());

  const get = (pathAndQuery: string, headers: Record<string, string> = auth) =>
    fetch(`${fake.url}${pathAndQuery}`, { headers: { Accept: 'application/json', ...headers } });

  test('users (listUsers, getUser, listGroupUsers) have the User schema, every status present', async () => {
    const response = await get('/api/v1/users?search=status%20pr');
    const users = (await response.json()) as Json[];
    expect(users.length).toBe(150);
    users.forEach(expectUser);
    expect(new Set(users.map((user) => user.status))).toEqual(new Set(USER_STATUSES));
    const one = await (await get(`/api/v1/users/${String(users[3].id)}`)).json();
    expectUser(one as Json);
    const editors = fake.store.groupByName('Intranet Editors')!;
    const members = (await (await get(`/api/v1/groups/${editors.id}/users`)).json()) as Json[];
    expect(members.length).toBeGreaterThan(0);
    members.forEach(expectUser);
  });

  test('groups have the Group schema; Everyone is BUILT_IN; the AD group is an APP_GROUP', async () => {
    const groups = (await (await get('/api/v1/groups')).json()) as Json[];
    groups.forEach(expectGroup);
    const byName = Object.fromEntries(groups.map((group) => [(group.profile as Json).name, group]));
    expect(byName.Everyone).toMatchObject({ type: 'BUILT_IN', objectClass: ['okta:user_group'] });
    expect(byName['AD Contractors']).toMatchObject({
      type: 'APP_GROUP',
      objectClass: ['okta:windows_security_principal'],
    });
    expect(byName['Intranet Editors']).toMatchObject({ type: 'OKTA_GROUP' });
  });

  test('app group assignments have the ApplicationGroupAssignment schema, with the group on expand', async () => {
    const plain = (await (await get(`/api/v1/apps/${fake.appId}/groups`)).json()) as Json[];
    const expanded = (await (
      await get(`/api/v1/apps/${fake.appId}/groups?expand=group`)
    ).json()) as Json[];
    expect(plain.length).toBeGreaterThan(0);
    for (const assignment of [...plain, ...expanded]) {
      expectKeysWithin(assignment, ASSIGNMENT_KEYS);
      expect(typeof assignment.id).toBe('string');
      expectDateTime(assignment.lastUpdated);
      expect(typeof assignment.priority).toBe('number');
      const assignmentLinks = assignment._links as Json;
      ['app', 'self', 'group'].forEach((key) => expectHref(assignmentLinks[key]));
    }
    expect(plain.every((assignment) => assignment._embedded === undefined)).toBe(true);
    for (const assignment of expanded) {
      const group = (assignment._embedded as Json).group as Json;
      expectGroup(group);
      expect(group.id).toBe(assignment.id);
    }
  });

  test('the app has the Application schema (an OIDC app)', async () => {
    const app = (await (await get(`/api/v1/apps/${fake.appId}`)).json()) as Json;
    expectKeysWithin(app, APPLICATION_KEYS);
    expect(app).toMatchObject({
      id: fake.appId,
      signOnMode: 'OPENID_CONNECT',
      name: 'oidc_client',
    });
    expect(typeof app.label).toBe('string');
    expectHref((app._links as Json).groups);
  });

  test('errors have the ModelError schema with the documented codes', async () => {
    const bad = await get('/api/v1/users', { Authorization: 'SSWS nope' });
    expect(bad.status).toBe(401);
    expectError((await bad.json()) as Json, 'E0000011');
    expect(((await (await get('/api/v1/users', {})).json()) as Json).errorSummary).toBe(
      'Invalid token provided'
    );
    const missing = await get('/api/v1/users/00u0000000000nosuch0');
    expect(missing.status).toBe(404);
    expectError((await missing.json()) as Json, 'E0000007');
    const invalid = await get('/api/v1/users?filter=profile.department%20eq%20%22IT%22');
    expect(invalid.status).toBe(400);
    expectError((await invalid.json()) as Json, 'E0000031');
    fake.setPermissions({ apps: false });
    const forbidden = await get(`/api/v1/apps/${fake.appId}/groups`);
    fake.setPermissions({ apps: true });
    expect(forbidden.status).toBe(403);
    expectError((await forbidden.json()) as Json, 'E0000006');
    fake.failNext(1, '429');
    const limited = await get('/api/v1/users');
    expect(limited.status).toBe(429);
    expectError((await limited.json()) as Json, 'E0000047');
  });

  test('every response carries Date, x-okta-request-id and the X-Rate-Limit headers', async () => {
    for (const response of [
      await get('/api/v1/users?limit=2'),
      await get('/api/v1/users', { Authorization: 'SSWS nope' }),
      await get('/api/v1/nothing/here'),
      await fetch(`${fake.url}/oauth2/v1/token`, { method: 'POST', body: 'grant_type=password' }),
    ]) {
      expect(Number.isNaN(Date.parse(response.headers.get('date') ?? ''))).toBe(false);
      expect(response.headers.get('x-okta-request-id')).toEqual(expect.any(String));
      expect(Number(response.headers.get('x-rate-limit-limit'))).toBeGreaterThan(0);
      expect(Number(response.headers.get('x-rate-limit-remaining'))).toBeGreaterThanOrEqual(0);
      const reset = Number(response.headers.get('x-rate-limit-reset'));
      expect(reset * 1000).toBeGreaterThanOrEqual(Date.parse(response.headers.get('date') ?? ''));
      await response.arrayBuffer();
    }
  });

  test('pages link to themselves and the next page with absolute URLs; the last page has no next', async () => {
    const first = await get('/api/v1/users?limit=60');
    const firstLinks = links(first);
    expect(firstLinks.self).toBe(`${fake.url}/api/v1/users?limit=60`);
    expect(firstLinks.next).toMatch(new RegExp(`^${fake.url}/api/v1/users\\?limit=60&after=00u`));
    const seen = ((await first.json()) as Json[]).map((user) => user.id);
    let next: string | undefined = firstLinks.next;
    let pages = 1;
    while (next) {
      const response: Response = await fetch(next, { headers: auth });
      expect(links(response).self).toBe(next);
      seen.push(...((await response.json()) as Json[]).map((user) => user.id));
      next = links(response).next;
      pages += 1;
    }
    const active = fake.store.users.filter((user) => user.status !== 'DEPROVISIONED').length;
    expect(seen).toHaveLength(active);
    expect(new Set(seen).size).toBe(active);
    expect(pages).toBe(Math.ceil(active / 60));
  });

  test('the token endpoint answers in the OAuth 2.0 shapes', async () => {
    const response = await fetch(`${fake.url}/oauth2/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=okta.users.read',
    });
    expect(response.status).toBe(401);
    expect(Object.keys((await response.json()) as Json).sort()).toEqual([
      'error',
      'error_description',
    ]);
  });
});
