/**
 * The rules of a pulled run hold for pushed changes too, on a real Strapi: required fields, local
 * users never taken over, the licence limit, audit entries and events, and the mass-deprovisioning
 * brake (held deactivations, what the identity provider receives meanwhile, the admin's confirm).
 */
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';
import { CORE_USER, okta } from '../unit/scim/fixtures';
import { createScimDirectory, scimClient, type ScimClient } from './scim-client';

const USER_UID = 'plugin::users-permissions.user';

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  schemas: [CORE_USER],
  userName: `person${n}@example.com`,
  externalId: `ext-${n}`,
  name: { givenName: `Given${n}`, familyName: `Family${n}` },
  emails: [{ type: 'work', primary: true, value: `person${n}@example.com` }],
  active: true,
  ...extra,
});

describe('SCIM: the rules of every run', () => {
  let app: TestApp;
  let api: PluginApi;

  beforeAll(async () => {
    app = await startApp();
    api = pluginApi(app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const directoryWith = async (extra: Record<string, unknown> = {}) => {
    const directory = await createScimDirectory(api, extra);
    return { directory, scim: scimClient(app, directory.base, directory.token) };
  };

  const userNamed = (username: string) =>
    app.strapi.db.query(USER_UID).findOne({ where: { username } });

  it('a create without a required field is a 400 naming it, and nobody is created', async () => {
    const { scim } = await directoryWith();
    const res = await scim.post('/Users', person(1, { name: { givenName: 'Only' } }));
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidValue');
    expect(res.body.detail).toMatch(/lastname|familyName/);
    expect(res.body.detail).toContain('name.familyName');
    expect(await userNamed('person1@example.com')).toBeNull();
    const list = await scim.get('/Users', { filter: 'userName eq "person1@example.com"' });
    expect(list.body.totalResults).toBe(0);
  });

  it('a local user with the same username is a 409 an admin can act on, never taken over', async () => {
    const local = await app.strapi.db.query(USER_UID).create({
      data: {
        username: 'person2@example.com',
        email: 'local2@example.com',
        provider: 'local',
        confirmed: true,
        blocked: false,
      },
    });
    const { scim } = await directoryWith();
    const res = await scim.post('/Users', person(2));
    expect(res.status).toBe(409);
    expect(res.body.scimType).toBe('uniqueness');
    expect(res.body.detail).toContain(`Local user ${local.id} is never taken over`);
    expect(await userNamed('person2@example.com')).toMatchObject({
      id: local.id,
      email: 'local2@example.com',
    });
    const identities = await app.strapi.db
      .query('plugin::user-directory-sync.identity')
      .count({ where: { targetId: local.id, kind: 'user' } });
    expect(identities).toBe(0);
  });

  it('the licence limit refuses creates past it with a SCIM error and an audit entry naming who', async () => {
    const active = await app.strapi.db.query(USER_UID).count({ where: { blocked: false } });
    const { directory, scim } = await directoryWith({ safety: { licenceLimit: active + 1 } });
    expect((await scim.post('/Users', person(3))).status).toBe(201);
    const refused = await scim.post('/Users', person(4));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/licence/i);
    expect(await userNamed('person4@example.com')).toBeNull();
    const audit = await api.get(`/audit?directory=${directory.id}&action=user.skip`);
    expect(audit.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subject: expect.stringContaining('person4'), actor: 'scim' }),
      ])
    );
  });

  it('every change is an audit entry and an event on the event hub', async () => {
    const events: { name: string; payload: Record<string, unknown> }[] = [];
    const emit = app.strapi.eventHub.emit.bind(app.strapi.eventHub);
    app.strapi.eventHub.emit = (async (name: string, payload: Record<string, unknown>) => {
      events.push({ name, payload });
      return emit(name, payload);
    }) as typeof app.strapi.eventHub.emit;
    try {
      const { scim } = await directoryWith({ safety: { maxDisablePercent: 100 } });
      const created = await scim.post('/Users', person(5));
      await scim.patch(`/Users/${created.body.id}`, okta.deactivate);
      const names = events.map((event) => event.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'user-directory-sync.user.create',
          'user-directory-sync.user.disable',
        ])
      );
      const create = events.find((event) => event.name === 'user-directory-sync.user.create')!;
      expect(create.payload).toMatchObject({
        actor: 'scim',
        details: expect.objectContaining({ origin: 'POST /Users' }),
      });
    } finally {
      app.strapi.eventHub.emit = emit;
    }
  });

  it('a SCIM directory is not pulled: Sync now is refused with the reason, the schedule skips it', async () => {
    const { directory } = await directoryWith();
    const run = await api.run(directory.id);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toContain('not pulled');
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    const started = await app.strapi
      .plugin('user-directory-sync')
      .service('scheduler')
      .tick(tomorrow);
    expect(started).toEqual([]);
  });

  describe('the mass-deprovisioning brake', () => {
    let scim: ScimClient;
    let directoryId = 0;
    const ids: string[] = [];

    beforeAll(async () => {
      const made = await directoryWith({ safety: { maxDisablePercent: 20 } });
      scim = made.scim;
      directoryId = made.directory.id;
      for (let n = 10; n < 15; n += 1) ids.push((await scim.post('/Users', person(n))).body.id);
    });

    it('applies deactivations within the threshold', async () => {
      const res = await scim.patch(`/Users/${ids[0]}`, okta.deactivate);
      expect(res.status).toBe(200);
      expect((await userNamed('person10@example.com')).blocked).toBe(true);
    });

    it('holds one past it: the IdP gets 429 with Retry-After, the account and the resource stay active', async () => {
      const res = await scim.patch(`/Users/${ids[1]}`, okta.deactivate);
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body.detail).toContain('held until a Strapi administrator confirms');
      expect((await userNamed('person11@example.com')).blocked).toBe(false);
      expect((await scim.get(`/Users/${ids[1]}`)).body.active).toBe(true);

      const retry = await scim.delete(`/Users/${ids[1]}`);
      expect(retry.status).toBe(429);
      const heldRuns = await app.strapi.db.query('plugin::user-directory-sync.sync-run').count({
        where: { directoryId, trigger: 'push', status: 'held-safety-threshold' },
      });
      expect(heldRuns).toBe(1);
    });

    it('the panel lists the held deactivation; the confirm applies it; the retry then succeeds', async () => {
      const shown = await api.get(`/directories/${directoryId}/scim`);
      expect(shown.body.data.held).toEqual([
        expect.objectContaining({ subject: expect.stringContaining('person11') }),
      ]);
      const reader = await app.adminWith(['plugin::user-directory-sync.read']);
      const denied = await app
        .http()
        .post(`/user-directory-sync/directories/${directoryId}/scim/confirm`)
        .set('Authorization', `Bearer ${reader}`);
      expect(denied.status).toBe(403);

      const confirmed = await api.post(`/directories/${directoryId}/scim/confirm`);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.data.disabled).toBe(1);
      expect((await userNamed('person11@example.com')).blocked).toBe(true);
      expect((await api.get(`/directories/${directoryId}/scim`)).body.data.held).toEqual([]);

      const retry = await scim.patch(`/Users/${ids[1]}`, okta.deactivate);
      expect(retry.status).toBe(200);
      expect(retry.body.active).toBe(false);
      expect((await api.post(`/directories/${directoryId}/scim/confirm`)).status).toBe(400);
    });
  });
});
