/**
 * The fake Entra ID / Graph server answers in the shapes Microsoft documents (see the team's
 * PROVIDERS.md notes): checked here so the fake cannot drift into something Graph never sends.
 */
import { startGraphFake, type GraphFake } from '../../fakes/graph';
import { DEFAULT_USER_FIELDS } from '../../fakes/graph/graph-api';
import { raw, tokenFor, type RawResponse } from './support';

type Json = Record<string, unknown>;
const keys = (value: unknown) => Object.keys(value as Json).sort();
const body = (response: RawResponse) => response.body as Json;
const items = (response: RawResponse) => (response.body as { value: Json[] }).value;

const expectGraphError = (response: RawResponse, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(keys(response.body)).toEqual(['error']);
  const error = body(response).error as Json;
  expect(keys(error)).toEqual(['code', 'innerError', 'message']);
  expect(error.code).toBe(code);
  expect(keys(error.innerError)).toEqual(['client-request-id', 'date', 'request-id']);
  return error.message as string;
};

const expectEntraError = (response: RawResponse, status: number, error: string, code: number) => {
  expect(response.status).toBe(status);
  expect(keys(response.body)).toEqual(
    [
      'correlation_id',
      'error',
      'error_codes',
      'error_description',
      'error_uri',
      'timestamp',
      'trace_id',
    ].sort()
  );
  const value = body(response);
  expect(value.error).toBe(error);
  expect(value.error_codes).toEqual([code]);
  expect(value.error_description).toMatch(
    new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: .+\\r\\nCorrelation ID: `)
  );
};

const expectCollection = (response: RawResponse, origin: string) => {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const value = body(response);
  for (const key of keys(value)) {
    expect([
      '@odata.context',
      '@odata.count',
      '@odata.deltaLink',
      '@odata.nextLink',
      'value',
    ]).toContain(key);
  }
  expect(String(value['@odata.context'])).toMatch(new RegExp(`^${origin}/v1\\.0/\\$metadata#`));
  expect(Array.isArray(value.value)).toBe(true);
  const next = value['@odata.nextLink'];
  if (next !== undefined) {
    expect(next).toMatch(new RegExp(`^${origin}/v1\\.0/.*[?&]\\$skiptoken=`));
    expect(value['@odata.deltaLink']).toBeUndefined();
  }
  return value;
};

describe('fake Entra ID token endpoint', () => {
  let fake: GraphFake;
  beforeAll(async () => {
    fake = await startGraphFake({ users: 20 });
  });
  afterAll(() => fake.close());

  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
      ...fields,
    }).toString(),
  });

  it('serves an OpenID configuration whose issuer shares the authority host', async () => {
    const response = await raw(
      `${fake.url}/${fake.tenantId}/v2.0/.well-known/openid-configuration`
    );
    expect(response.status).toBe(200);
    const config = body(response);
    expect(config.issuer).toBe(`${fake.url}/${fake.tenantId}/v2.0`);
    expect(config.token_endpoint).toBe(`${fake.url}/${fake.tenantId}/oauth2/v2.0/token`);
    expect(config.authorization_endpoint).toMatch(new RegExp(`^${fake.url}/`));
    expect(config.jwks_uri).toMatch(new RegExp(`^${fake.url}/`));
  });

  it('answers an unknown tenant with 400 invalid_tenant AADSTS90002, on the configuration and the token', async () => {
    const unknown = '00000000-1111-2222-3333-444444444444';
    expectEntraError(
      await raw(`${fake.url}/${unknown}/v2.0/.well-known/openid-configuration`),
      400,
      'invalid_tenant',
      90002
    );
    expectEntraError(
      await raw(`${fake.url}/${unknown}/oauth2/v2.0/token`, form({})),
      400,
      'invalid_tenant',
      90002
    );
  });

  it('issues an opaque bearer token for the right client credentials', async () => {
    const response = await raw(`${fake.url}/${fake.tenantId}/oauth2/v2.0/token`, form({}));
    expect(response.status).toBe(200);
    expect(keys(response.body)).toEqual([
      'access_token',
      'expires_in',
      'ext_expires_in',
      'token_type',
    ]);
    expect(body(response)).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
    });
  });

  it('refuses a wrong secret with 401 invalid_client AADSTS7000215', async () => {
    const response = await raw(
      `${fake.url}/${fake.tenantId}/oauth2/v2.0/token`,
      form({ client_secret: 'nope' })
    );
    expectEntraError(response, 401, 'invalid_client', 7000215);
  });

  it('refuses an expired secret with AADSTS7000222', async () => {
    fake.expireClientSecret();
    try {
      const response = await raw(`${fake.url}/${fake.tenantId}/oauth2/v2.0/token`, form({}));
      expectEntraError(response, 401, 'invalid_client', 7000222);
    } finally {
      fake.expireClientSecret(false);
    }
  });

  it('refuses an unknown client id with 400 unauthorized_client AADSTS700016', async () => {
    const response = await raw(
      `${fake.url}/${fake.tenantId}/oauth2/v2.0/token`,
      form({ client_id: '99999999-8888-7777-6666-555555555555' })
    );
    expectEntraError(response, 400, 'unauthorized_client', 700016);
  });

  it('checks the bearer token on Graph calls', async () => {
    expect(
      expectGraphError(await raw(`${fake.url}/v1.0/users`), 401, 'InvalidAuthenticationToken')
    ).toBe('Access token is empty.');
    const bogus = await raw(`${fake.url}/v1.0/users`, {
      headers: { Authorization: 'Bearer not-a-token' },
    });
    expectGraphError(bogus, 401, 'InvalidAuthenticationToken');
    const token = await tokenFor(fake);
    fake.expireAccessTokens();
    const expired = await raw(`${fake.url}/v1.0/users`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(expectGraphError(expired, 401, 'InvalidAuthenticationToken')).toMatch(/expired/);
  });
});

describe('fake Microsoft Graph reads', () => {
  let fake: GraphFake;
  let auth: Record<string, string>;
  const get = (path: string, headers: Record<string, string> = {}) =>
    raw(path.startsWith('https://') ? path : `${fake.url}/v1.0${path}`, {
      headers: { ...auth, ...headers },
    });

  beforeAll(async () => {
    fake = await startGraphFake({ users: 120, deltaMemberChunk: 10 });
    auth = { Authorization: `Bearer ${await tokenFor(fake)}` };
  });
  afterAll(() => fake.close());

  it('lists users with the default fields only, and $select-only fields when selected', async () => {
    const page = items(await get('/users'));
    expect(page).toHaveLength(100);
    expect(keys(page[0])).toEqual([...DEFAULT_USER_FIELDS].sort());
    expect(Array.isArray(page[0].businessPhones)).toBe(true);
    const selected = items(
      await get('/users?$select=id,accountEnabled,department,userType,employeeId')
    );
    expect(keys(selected[0])).toEqual([
      'accountEnabled',
      'department',
      'employeeId',
      'id',
      'userType',
    ]);
    expectGraphError(await get('/users?$select=id,shoeSize'), 400, 'BadRequest');
  });

  it('pages with absolute nextLinks carrying $skiptoken, and leaves the nextLink off the last page', async () => {
    const seen: string[] = [];
    let link: string | undefined = `${fake.url}/v1.0/users?$select=id,displayName&$top=7`;
    let pages = 0;
    while (link) {
      const value = expectCollection(await get(link), fake.url);
      seen.push(...(value.value as Json[]).map((user) => String(user.id)));
      link = value['@odata.nextLink'] as string | undefined;
      if (link) expect(link).toContain('$select=id,displayName&$top=7');
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(120 / 7));
    expect(new Set(seen).size).toBe(120);
  });

  it('accepts $skipToken spelled with a capital T', async () => {
    const first = body(await get('/users?$top=5'));
    const next = String(first['@odata.nextLink']).replace('$skiptoken=', '$skipToken=');
    const second = items(await get(next));
    expect(second).toHaveLength(5);
    expect(second[0].id).not.toBe((first.value as Json[])[0].id);
  });

  it('rejects $top outside 1..999', async () => {
    expect(expectGraphError(await get('/users?$top=1000'), 400, 'Request_UnsupportedQuery')).toBe(
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."
    );
    expectGraphError(await get('/users?$top=0'), 400, 'Request_UnsupportedQuery');
  });

  it('filters on accountEnabled, startswith and id in (...)', async () => {
    const disabled = items(
      await get('/users?$select=id,accountEnabled&$filter=accountEnabled eq false&$top=999')
    );
    const expected = fake.store.org.people.filter((person) => !person.enabled).length;
    expect(disabled).toHaveLength(expected);
    expect(disabled.every((user) => user.accountEnabled === false)).toBe(true);
    const starts = items(await get("/users?$filter=startswith(displayName,'a')&$top=999"));
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.every((user) => /^a/i.test(String(user.displayName)))).toBe(true);
    const ids = [fake.userId(3), fake.userId(9)];
    const byId = items(await get(`/users?$filter=id in ('${ids[0]}','${ids[1]}')`));
    expect(byId.map((user) => user.id).sort()).toEqual([...ids].sort());
  });

  it('needs ConsistencyLevel: eventual and $count=true for advanced filters, $search and $count', async () => {
    expectGraphError(
      await get("/users?$filter=userType ne 'Guest'"),
      400,
      'Request_UnsupportedQuery'
    );
    expectGraphError(
      await get('/groups?$search="displayName:team"'),
      400,
      'Request_UnsupportedQuery'
    );
    const counted = body(
      await get("/users?$filter=userType ne 'Guest'&$count=true&$top=999", {
        ConsistencyLevel: 'eventual',
      })
    );
    expect(counted['@odata.count']).toBe((counted.value as Json[]).length);
    const found = items(
      await get('/groups?$search="displayName:team"', { ConsistencyLevel: 'eventual' })
    );
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((group) => /team/i.test(String(group.displayName)))).toBe(true);
  });

  it('answers a $count segment as a text/plain integer, only with ConsistencyLevel: eventual', async () => {
    const groupId = fake.store.listGroups()[0].id;
    const paths = [
      '/users/$count',
      `/users/$count?$filter=${encodeURIComponent("userType ne 'Guest'")}`,
      `/groups/${groupId}/transitiveMembers/microsoft.graph.user/$count`,
      `/groups/${groupId}/members/$count`,
    ];
    for (const path of paths) {
      const message = expectGraphError(await get(path), 400, 'Request_UnsupportedQuery');
      expect(message).toMatch(/ConsistencyLevel:eventual/);
    }
    const eventual = { ConsistencyLevel: 'eventual' };
    const counted = await Promise.all(paths.map((path) => get(path, eventual)));
    for (const response of counted) {
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/plain');
      expect(response.text).toMatch(/^\d+$/);
    }
    const [all, members, transitive, direct] = counted.map((response) => Number(response.text));
    const users = fake.store.listUsers();
    expect(all).toBe(users.length);
    expect(members).toBe(users.filter((user) => user.userType !== 'Guest').length);
    const live = new Set(users.map((user) => user.id));
    expect(transitive).toBe(
      fake.store.transitiveMembers(groupId).filter((id) => live.has(id)).length
    );
    expect(direct).toBe(fake.store.members(groupId).length);
  });

  it('refuses every $count with 403 while refuseCount is on', async () => {
    fake.refuseCount();
    try {
      const refused = await get('/users/$count', { ConsistencyLevel: 'eventual' });
      expectGraphError(refused, 403, 'Authorization_RequestDenied');
      expect((await get('/users?$top=1')).status).toBe(200);
    } finally {
      fake.refuseCount(false);
    }
    expect((await get('/users/$count', { ConsistencyLevel: 'eventual' })).status).toBe(200);
  });

  it('expands the manager as {@odata.type, id}, leaves it off for the CEO, and caps such pages at 100', async () => {
    const page = items(await get('/users?$select=id&$expand=manager($select=id)&$top=999'));
    expect(page).toHaveLength(100);
    const ceo = page.find((user) => user.id === fake.userId(0)) as Json;
    expect(ceo.manager).toBeUndefined();
    const other = page.find((user) => user.id === fake.userId(5)) as Json;
    expect(other.manager).toEqual({
      '@odata.type': '#microsoft.graph.user',
      id: expect.any(String),
    });
  });

  it('reads one user and their manager; a missing manager is 404 Request_ResourceNotFound', async () => {
    const user = body(await get(`/users/${fake.userId(5)}?$select=id,displayName`));
    expect(user['@odata.context']).toMatch(/\$entity$/);
    const manager = body(await get(`/users/${fake.userId(5)}/manager`));
    expect(manager['@odata.type']).toBe('#microsoft.graph.user');
    expectGraphError(
      await get(`/users/${fake.userId(0)}/manager`),
      404,
      'Request_ResourceNotFound'
    );
    expectGraphError(
      await get('/users/00000000-0000-4000-8000-000000000000'),
      404,
      'Request_ResourceNotFound'
    );
  });

  it('lists group members of mixed types and flattens nesting in transitiveMembers', async () => {
    const first = items(await get(`/groups/${fake.groupId(0)}/members?$top=999`));
    const types = new Set(first.map((member) => member['@odata.type']));
    expect(types).toEqual(
      new Set([
        '#microsoft.graph.user',
        '#microsoft.graph.device',
        '#microsoft.graph.servicePrincipal',
      ])
    );
    const parent = fake.store.org.groups.find((group) => group.subgroups.length > 0);
    expect(parent).toBeDefined();
    const parentId = fake.groupId(parent?.index ?? 0);
    const direct = items(await get(`/groups/${parentId}/members?$select=id&$top=999`));
    expect(direct.some((member) => member['@odata.type'] === '#microsoft.graph.group')).toBe(true);
    const users = items(
      await get(`/groups/${parentId}/transitiveMembers/microsoft.graph.user?$select=id&$top=999`)
    );
    const expected = new Set<string>();
    for (const index of [parent?.index ?? 0, ...(parent?.subgroups ?? [])]) {
      for (const member of fake.store.org.groups[index].members) expected.add(fake.userId(member));
    }
    expect(new Set(users.map((user) => user.id))).toEqual(expected);
    expect(users.every((user) => keys(user).join() === 'id')).toBe(true);
  });

  it('answers $batch items in any order with a Content-Type header key, and refuses more than 20', async () => {
    const requests = [
      { id: '1', method: 'GET', url: `/users/${fake.userId(1)}?$select=id` },
      { id: '2', method: 'GET', url: '/users/00000000-0000-4000-8000-000000000000' },
      { id: '3', method: 'GET', url: `/groups/${fake.groupId(1)}?$select=id,displayName` },
    ];
    const post = (payload: unknown) =>
      raw(`${fake.url}/v1.0/$batch`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
      });
    const response = await post({ requests });
    expect(response.status).toBe(200);
    const responses = body(response).responses as Json[];
    expect(responses.map((item) => item.id).sort()).toEqual(['1', '2', '3']);
    for (const item of responses) {
      expect(keys(item)).toEqual(['body', 'headers', 'id', 'status']);
      expect(Object.keys(item.headers as Json)).toContain('Content-Type');
    }
    expect(responses.find((item) => item.id === '2')?.status).toBe(404);
    const tooMany = Array.from({ length: 21 }, (_, n) => ({
      id: String(n),
      method: 'GET',
      url: '/users?$top=1',
    }));
    expectGraphError(await post({ requests: tooMany }), 400, 'BadRequest');
  });

  it('answers 403 Authorization_RequestDenied when a permission is not granted', async () => {
    fake.revoke('GroupMember.Read.All');
    fake.revoke('Group.Read.All');
    try {
      expect(expectGraphError(await get('/groups'), 403, 'Authorization_RequestDenied')).toBe(
        'Insufficient privileges to complete the operation.'
      );
    } finally {
      fake.grant('GroupMember.Read.All');
      fake.grant('Group.Read.All');
    }
    fake.revoke('User.Read.All');
    try {
      expectGraphError(await get('/users'), 403, 'Authorization_RequestDenied');
      // Objects the app may not read come back with only their type and id.
      const members = items(await get(`/groups/${fake.groupId(2)}/members`));
      const user = members.find(
        (member) => member['@odata.type'] === '#microsoft.graph.user'
      ) as Json;
      expect(keys(user)).toEqual(['@odata.type', 'id']);
    } finally {
      fake.grant('User.Read.All');
    }
  });

  it('throttles with 429 TooManyRequests and a fractional or absent Retry-After', async () => {
    fake.inject({ kind: 429, retryAfter: 2.128, path: '/v1.0/users' });
    const throttled = await get('/users?$top=1');
    expect(expectGraphError(throttled, 429, 'TooManyRequests')).toBe('Please retry again later.');
    expect(throttled.headers['retry-after']).toBe('2.128');
    fake.inject({ kind: 429, retryAfter: null });
    expect((await get('/users?$top=1')).headers['retry-after']).toBeUndefined();
    fake.inject({ kind: 503 });
    expectGraphError(await get('/users?$top=1'), 503, 'serviceNotAvailable');
    expect((await get('/users?$top=1')).status).toBe(200);
  });

  it('can cut the connection and repeat a nextLink forever', async () => {
    fake.inject({ kind: 'cut' });
    await expect(get('/users?$top=1')).rejects.toThrow();
    fake.repeatNextLink('/v1.0/users');
    try {
      const first = body(await get('/users?$top=2'));
      const second = body(await get(String(first['@odata.nextLink'])));
      expect(second['@odata.nextLink']).toBe(first['@odata.nextLink']);
    } finally {
      fake.clearFaults();
    }
  });

  it('counts requests', async () => {
    fake.log.reset();
    await get('/users?$top=1');
    await get('/groups?$top=1');
    expect(fake.log.count()).toBe(2);
    expect(fake.log.count('/v1.0/users')).toBe(1);
  });
});

describe('fake Microsoft Graph delta queries', () => {
  let fake: GraphFake;
  let auth: Record<string, string>;
  const get = (url: string, headers: Record<string, string> = {}) =>
    raw(url.startsWith('https://') ? url : `${fake.url}/v1.0${url}`, {
      headers: { ...auth, ...headers },
    });

  /** Reads a whole delta round: the items and the final deltaLink. */
  const round = async (first: string, pageSize = 30) => {
    const all: Json[] = [];
    let link: string | undefined = first;
    let deltaLink = '';
    while (link) {
      const value = expectCollection(
        await get(link, { Prefer: `odata.maxpagesize=${pageSize}` }),
        fake.url
      );
      all.push(...(value.value as Json[]));
      link = value['@odata.nextLink'] as string | undefined;
      if (!link) deltaLink = String(value['@odata.deltaLink']);
    }
    expect(deltaLink).toMatch(
      new RegExp(`^${fake.url}/v1\\.0/(users|groups)/delta\\?\\$deltatoken=`)
    );
    return { all, deltaLink };
  };

  beforeAll(async () => {
    fake = await startGraphFake({ users: 90, deltaMemberChunk: 10 });
    auth = { Authorization: `Bearer ${await tokenFor(fake)}` };
  });
  afterAll(() => fake.close());

  it('reads everyone with manager@delta, then only the changes since the deltaLink', async () => {
    const first = await round('/users/delta?$select=id,displayName,accountEnabled,manager');
    expect(first.all).toHaveLength(90);
    const withManager = first.all.find((user) => user.id === fake.userId(4)) as Json;
    expect(withManager['manager@delta']).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: expect.any(String) },
    ]);
    expect(keys(first.all.find((user) => user.id === fake.userId(0)))).toEqual([
      'accountEnabled',
      'displayName',
      'id',
    ]);

    const quiet = await round(first.deltaLink);
    expect(quiet.all).toEqual([]);

    fake.store.updateUser(fake.userId(10), { displayName: 'Renamed Person' });
    fake.store.deleteUser(fake.userId(11));
    fake.store.deleteUser(fake.userId(12), { permanent: true });
    fake.store.setManager(fake.userId(13), fake.userId(1));
    const added = fake.store.addUser({ givenName: 'Nova', surname: 'Added' });
    const changes = await round(quiet.deltaLink);
    const byId = new Map(changes.all.map((item) => [item.id, item]));
    expect([...byId.keys()].sort()).toEqual(
      [fake.userId(10), fake.userId(11), fake.userId(12), fake.userId(13), added.id].sort()
    );
    expect(byId.get(fake.userId(10))?.displayName).toBe('Renamed Person');
    expect(byId.get(fake.userId(10))?.['manager@delta']).toBeUndefined();
    expect(byId.get(fake.userId(11))).toEqual({
      id: fake.userId(11),
      '@removed': { reason: 'changed' },
    });
    expect(byId.get(fake.userId(12))).toEqual({
      id: fake.userId(12),
      '@removed': { reason: 'deleted' },
    });
    expect(byId.get(fake.userId(13))?.['manager@delta']).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: fake.userId(1) },
    ]);
  });

  it('answers $deltatoken=latest with a deltaLink and no data', async () => {
    const response = body(await get('/users/delta?$select=id&$deltatoken=latest'));
    expect(response.value).toEqual([]);
    expect(response['@odata.nextLink']).toBeUndefined();
    expect(String(response['@odata.deltaLink'])).toContain('$deltatoken=');
  });

  it('refuses $top, $expand and $orderby on delta', async () => {
    expectGraphError(await get('/users/delta?$top=5'), 400, 'Request_UnsupportedQuery');
    expectGraphError(await get('/users/delta?$expand=manager'), 400, 'Request_UnsupportedQuery');
  });

  it('reports group members in chunks, with removed members marked, and new rounds only changes', async () => {
    const first = await round('/groups/delta?$select=displayName,description,members', 5);
    const big = fake.store
      .listGroups()
      .reduce((a, b) =>
        fake.store.members(a.id).length >= fake.store.members(b.id).length ? a : b
      ).id;
    expect(fake.store.members(big).length).toBeGreaterThan(10);
    const chunks = first.all.filter((item) => item.id === big);
    expect(chunks.length).toBeGreaterThan(1);
    const members = chunks.flatMap((item) => item['members@delta'] as Json[]);
    expect(new Set(members.map((member) => member.id)).size).toBe(fake.store.members(big).length);
    for (const member of members) expect(keys(member)).toEqual(['@odata.type', 'id']);

    const target = fake.groupId(3);
    const leaving = fake.store.members(target)[0];
    fake.store.removeMember(target, leaving);
    fake.store.addMember(target, fake.userId(50));
    const next = await round(first.deltaLink, 5);
    const change = next.all.find((item) => item.id === target) as Json;
    expect(change.displayName).toBeDefined();
    expect(change['members@delta']).toEqual(
      expect.arrayContaining([
        { '@odata.type': '#microsoft.graph.user', id: leaving, '@removed': { reason: 'deleted' } },
        { '@odata.type': '#microsoft.graph.user', id: fake.userId(50) },
      ])
    );
  });

  it('answers 410 syncStateNotFound for an expired or unknown delta token', async () => {
    const latest = body(await get('/groups/delta?$deltatoken=latest'));
    fake.expireDeltaTokens();
    expectGraphError(await get(String(latest['@odata.deltaLink'])), 410, 'syncStateNotFound');
    expectGraphError(await get('/users/delta?$deltatoken=garbage'), 410, 'syncStateNotFound');
  });
});
