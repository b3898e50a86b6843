/**
 * The fake Okta org behaves like Okta where a sync depends on it: which users a listing hides,
 * filter and search semantics, member and app-group paging, both credential modes, timestamps
 * moved by lifecycle changes, fault injection, and scale.
 */
import { createPrivateKey, randomUUID, sign } from 'crypto';
import { Client } from '@okta/okta-sdk-nodejs';
import { startOktaFake, type OktaFake, type ServiceAppCredentials } from '../../fakes/okta';

type Json = Record<string, unknown>;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A private_key_jwt client assertion, signed like the SDK signs it. */
const assertion = (
  app: ServiceAppCredentials,
  audience: string,
  overrides: { claims?: Json; kid?: string; key?: string } = {}
) => {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: overrides.kid ?? app.keyId };
  const claims = {
    aud: audience,
    iss: app.clientId,
    sub: app.clientId,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...overrides.claims,
  };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign(
    'RSA-SHA256',
    Buffer.from(input),
    createPrivateKey(overrides.key ?? app.privateKeyPem)
  );
  return `${input}.${signature.toString('base64url')}`;
};

describe('the fake Okta org', () => {
  let fake: OktaFake;
  let auth: { Authorization: string };

  beforeAll(async () => {
    fake = await startOktaFake({ users: 250, seed: 3 });
    auth = { Authorization: `SSWS ${fake.apiToken}` };
  });

  afterAll(() => fake.close());

  afterEach(() => fake.clearFaults());

  const getJson = async (pathAndQuery: string, headers: Record<string, string> = auth) => {
    const response = await fetch(`${fake.url}${pathAndQuery}`, { headers });
    return { status: response.status, body: (await response.json()) as Json[] & Json, response };
  };
  const q = (expression: string) => encodeURIComponent(expression);
  /** Every item of a listing, following rel="next". */
  const all = async (pathAndQuery: string): Promise<Json[]> => {
    const items: Json[] = [];
    let url: string | undefined = `${fake.url}${pathAndQuery}`;
    while (url) {
      const response: Response = await fetch(url, { headers: auth });
      items.push(...((await response.json()) as Json[]));
      url = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    }
    return items;
  };

  test('lists users without DEPROVISIONED ones unless a filter or search is given', async () => {
    const total = fake.store.users.length;
    const deprovisioned = fake.store.users.filter((user) => user.status === 'DEPROVISIONED').length;
    expect(deprovisioned).toBeGreaterThan(0);
    expect((await getJson('/api/v1/users')).body).toHaveLength(200);
    expect(await all('/api/v1/users')).toHaveLength(total - deprovisioned);
    expect(await all(`/api/v1/users?search=${q('status pr')}`)).toHaveLength(total);
    const filtered = await getJson(`/api/v1/users?filter=${q('status eq "DEPROVISIONED"')}`);
    expect(filtered.body).toHaveLength(deprovisioned);
  });

  test('filters by lastUpdated, id, login and email, with and / or', async () => {
    const [a, b] = fake.store.users;
    const after = new Date(a.lastUpdated).toISOString();
    const newer = fake.store.users.filter((user) => user.lastUpdated > a.lastUpdated).length;
    expect(await all(`/api/v1/users?filter=${q(`lastUpdated gt "${after}"`)}`)).toHaveLength(newer);
    const both = await getJson(
      `/api/v1/users?filter=${q(`id eq "${a.id}" or profile.login eq "${String(b.profile.login).toUpperCase()}"`)}`
    );
    expect(both.body.map((user: Json) => user.id)).toEqual([a.id, b.id]);
    const none = await getJson(
      `/api/v1/users?filter=${q(`profile.email eq "${String(a.profile.email)}" and status eq "SUSPENDED"`)}`
    );
    expect(none.body).toEqual([]);
    expect((await getJson(`/api/v1/users?filter=${q('lastUpdated gt "yesterday"')}`)).status).toBe(
      400
    );
    expect((await getJson(`/api/v1/users?filter=${q('profile.title eq "x"')}`)).status).toBe(400);
  });

  test('searches any profile attribute; q matches name and email prefixes without deactivated users', async () => {
    const department = String(fake.store.users[0].profile.department);
    const found = await all(`/api/v1/users?search=${q(`profile.department eq "${department}"`)}`);
    const expected = fake.store.users.filter((user) => user.profile.department === department);
    expect(found.map((user) => user.id)).toEqual(expected.map((user) => user.id));
    const first = String(fake.store.users[1].profile.firstName);
    const byQ = await getJson(`/api/v1/users?q=${q(first.slice(0, 3))}`);
    expect(byQ.body.length).toBeGreaterThan(0);
    expect(byQ.body.length).toBeLessThanOrEqual(10);
    expect(byQ.body.every((user: Json) => user.status !== 'DEPROVISIONED')).toBe(true);
  });

  test('lists groups by q prefix, search and a lastMembershipUpdated filter', async () => {
    const byQ = await getJson('/api/v1/groups?q=intr');
    expect(byQ.body.map((group: Json) => (group.profile as Json).name)).toEqual([
      'Intranet Editors',
      'Intranet Readers',
    ]);
    const search = await getJson(`/api/v1/groups?search=${q('type eq "BUILT_IN"')}`);
    expect(search.body.map((group: Json) => (group.profile as Json).name)).toEqual(['Everyone']);
    const editors = fake.store.groupByName('Intranet Editors')!;
    const since = new Date(fake.now()).toISOString();
    fake.advanceClock(1000);
    fake.store.addMember(editors.id, fake.store.users[200].id);
    const changed = await getJson(
      `/api/v1/groups?filter=${q(`lastMembershipUpdated gt "${since}"`)}`
    );
    expect(changed.body.map((group: Json) => group.id)).toEqual([editors.id]);
  });

  test('pages group members with after / limit, deactivated members included', async () => {
    const everyone = fake.store.groups.find((group) => group.everyone)!;
    const seen: string[] = [];
    let url: string | undefined = `${fake.url}/api/v1/groups/${everyone.id}/users?limit=40`;
    while (url) {
      const response: Response = await fetch(url, { headers: auth });
      seen.push(...((await response.json()) as Json[]).map((user) => String(user.id)));
      url = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    }
    expect(seen).toEqual(fake.store.users.map((user) => user.id));
    const statuses = new Set(seen.map((id) => fake.store.user(id)?.status));
    expect(statuses.has('DEPROVISIONED')).toBe(true);
  });

  test('pages app groups between 20 and 200 per page', async () => {
    const small = await getJson(`/api/v1/apps/${fake.appId}/groups?limit=5`);
    const assigned = fake.store.appAssignments().length;
    expect(small.body).toHaveLength(Math.min(20, assigned));
    expect((await getJson('/api/v1/apps/0oa0000000000NOSUCH0/groups')).status).toBe(404);
  });

  test('answers 429 E0000047 until the reset once the bucket budget is spent', async () => {
    fake.setRateLimit('GET /api/v1/groups', { limit: 2, windowMs: 800 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await getJson('/api/v1/groups?limit=1')).status);
    expect(statuses).toEqual([200, 200, 429]);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect((await getJson('/api/v1/groups?limit=1')).status).toBe(200);
    fake.setRateLimit('GET /api/v1/groups', { limit: 100_000, windowMs: 60_000 });
  });

  describe('OAuth 2.0 service apps', () => {
    let app: ServiceAppCredentials;
    const token = (body: Record<string, string>) =>
      fetch(`${fake.url}/oauth2/v1/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Json,
      }));
    const form = (clientAssertion: string, scope = 'okta.users.read okta.groups.read') => ({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
    });

    beforeAll(() => {
      app = fake.createServiceApp({ scopes: ['okta.users.read', 'okta.groups.read'] });
    });

    test('issues a Bearer token for a valid assertion; the token reads within its scopes', async () => {
      const audience = `${fake.url}/oauth2/v1/token`;
      const issued = await token(form(assertion(app, audience)));
      expect(issued).toMatchObject({
        status: 200,
        body: { token_type: 'Bearer', expires_in: 3600, scope: 'okta.users.read okta.groups.read' },
      });
      const bearer = { Authorization: `Bearer ${String(issued.body.access_token)}` };
      expect((await getJson('/api/v1/users?limit=1', bearer)).status).toBe(200);
      const apps = await getJson(`/api/v1/apps/${fake.appId}/groups`, bearer);
      expect(apps.status).toBe(403);
      expect(apps.body).toMatchObject({ errorCode: 'E0000006' });
      expect(apps.response.headers.get('www-authenticate')).toMatch(
        /insufficient_scope.*okta\.apps\.read|okta\.apps\.read.*insufficient_scope/
      );
      expect((await getJson('/api/v1/users', { Authorization: 'Bearer nope' })).body).toMatchObject(
        {
          errorCode: 'E0000011',
        }
      );
    });

    test('refuses bad assertions with invalid_client and ungranted scopes with invalid_scope', async () => {
      const audience = `${fake.url}/oauth2/v1/token`;
      const other = fake.createServiceApp();
      const cases: Array<[string, string]> = [
        [assertion(app, 'https://elsewhere.okta.com/oauth2/v1/token'), 'audience'],
        [
          assertion(app, audience, { claims: { exp: Math.floor(Date.now() / 1000) - 10 } }),
          'expired',
        ],
        [assertion(app, audience, { kid: 'unknown-kid' }), 'kid'],
        [assertion(app, audience, { key: other.privateKeyPem }), 'signature'],
        [assertion(app, audience, { claims: { sub: 'someone-else' } }), 'sub'],
      ];
      for (const [clientAssertion, why] of cases) {
        const answer = await token(form(clientAssertion));
        expect({ why, status: answer.status, error: answer.body.error }).toEqual({
          why,
          status: 401,
          error: 'invalid_client',
        });
      }
      const replayed = assertion(app, audience);
      expect((await token(form(replayed))).status).toBe(200);
      expect((await token(form(replayed))).body.error).toBe('invalid_client');
      const scope = await token(form(assertion(app, audience), 'okta.users.read okta.apps.read'));
      expect(scope).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    });
  });

  test('lifecycle changes move statusChanged and lastUpdated; membership moves the group only', async () => {
    const user = fake.store.users.find((candidate) => candidate.status === 'ACTIVE')!;
    const group = fake.store.groupByName('Managers')!;
    const before = { lastUpdated: user.lastUpdated, membership: group.lastMembershipUpdated };
    fake.advanceClock(60_000);
    const suspendedFrom = fake.now();
    fake.store.suspend(user.id);
    const suspendedTo = fake.now();
    expect(user.status).toBe('SUSPENDED');
    expect(user.statusChanged).toBe(user.lastUpdated);
    expect(user.statusChanged).toBeGreaterThanOrEqual(suspendedFrom);
    expect(user.statusChanged).toBeLessThanOrEqual(suspendedTo);
    fake.advanceClock(60_000);
    const updated = user.lastUpdated;
    fake.store.addMember(group.id, user.id);
    expect(user.lastUpdated).toBe(updated);
    expect(group.lastMembershipUpdated).toBeGreaterThan(before.membership);
    fake.store.unsuspend(user.id);
    fake.store.deactivate(user.id);
    expect(user.status).toBe('DEPROVISIONED');
    expect(fake.store.memberPositions(group)).toContain(user.pos);
    fake.store.reactivate(user.id);
    expect(user.status).toBe('ACTIVE');
    const date = Date.parse(
      (await getJson('/api/v1/users?limit=1')).response.headers.get('date') ?? ''
    );
    expect(Math.abs(date - fake.now())).toBeLessThan(1500);
  });

  test("reproduces the SDK's empty-page trap: each() stops early, for await yields null", async () => {
    const client = new Client({ orgUrl: fake.url, token: fake.apiToken, cacheMiddleware: null });
    const everyone = fake.store.groups.find((group) => group.everyone)!;
    fake.failNext(1, 'empty-page', { path: '/users', skip: 1 });
    let counted = 0;
    await (
      await client.groupApi.listGroupUsers({ groupId: everyone.id, limit: 50 })
    ).each(() => {
      counted += 1;
    });
    expect(counted).toBe(50);
    fake.failNext(1, 'empty-page', { path: '/users', skip: 1 });
    const values: unknown[] = [];
    for await (const user of await client.groupApi.listGroupUsers({
      groupId: everyone.id,
      limit: 50,
    })) {
      values.push(user);
    }
    expect(values.filter((value) => value === null)).toHaveLength(1);
    expect(values.filter(Boolean)).toHaveLength(fake.store.users.length);
  });

  test('takes changes from another process over POST /__fake/<op>', async () => {
    const user = fake.store.users.find((candidate) => candidate.status === 'ACTIVE')!;
    const post = (op: string, args: unknown[]) =>
      fetch(`${fake.url}/__fake/${op}`, { method: 'POST', body: JSON.stringify(args) });
    expect((await post('suspend', [user.id])).status).toBe(200);
    expect(user.status).toBe('SUSPENDED');
    expect((await post('unsuspend', [user.id])).status).toBe(200);
    const created = (await (
      await post('addUser', [{ login: 'remote.hire@example.com' }])
    ).json()) as Json;
    expect(fake.store.user(String(created.result))?.profile.login).toBe('remote.hire@example.com');
    expect((await post('noSuchOp', [])).status).toBe(404);
  });

  test('injects faults on matching requests only, after the skipped ones', async () => {
    fake.clearRequests();
    fake.failNext(1, '500', { path: '/groups', skip: 1 });
    expect((await getJson('/api/v1/users?limit=1')).status).toBe(200);
    expect((await getJson('/api/v1/groups?limit=1')).status).toBe(200);
    expect((await getJson('/api/v1/groups?limit=1')).status).toBe(500);
    expect((await getJson('/api/v1/groups?limit=1')).status).toBe(200);
    expect(fake.requests.map((entry) => entry.fault ?? '-')).toEqual(['-', '-', '500', '-']);
    expect(fake.requestCount('/groups')).toBe(3);
  });
});

describe('the fake Okta org at 100,000 users', () => {
  let fake: OktaFake;
  let seeded: number;

  beforeAll(async () => {
    const start = Date.now();
    fake = await startOktaFake({ users: 100_000, groups: 5000 });
    seeded = Date.now() - start;
  });

  afterAll(() => fake.close());

  test('seeds in seconds and pages users without slowing down', async () => {
    const auth = { Authorization: `SSWS ${fake.apiToken}` };
    const start = Date.now();
    let url: string | undefined = `${fake.url}/api/v1/users?limit=200`;
    let pages = 0;
    let users = 0;
    while (url && pages < 100) {
      const response: Response = await fetch(url, { headers: auth });
      users += ((await response.json()) as unknown[]).length;
      url = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      pages += 1;
    }
    const elapsed = Date.now() - start;
    const since = new Date(fake.now() - 1000).toISOString();
    const filterStart = Date.now();
    const filtered = await fetch(
      `${fake.url}/api/v1/users?filter=${encodeURIComponent(`lastUpdated gt "${since}"`)}`,
      { headers: auth }
    );
    expect(await filtered.json()).toEqual([]);
    const filterElapsed = Date.now() - filterStart;
    process.stdout.write(
      `Okta fake, 100,000 users / 5,000 groups: seeded in ${seeded} ms; ${pages} pages of 200 users in ${elapsed} ms (${Math.round((pages * 1000) / elapsed)} pages/s); a lastUpdated filter over every user in ${filterElapsed} ms\n`
    );
    expect(users).toBe(20_000);
    expect(seeded).toBeLessThan(20_000);
    expect(elapsed).toBeLessThan(20_000);
  });
});
