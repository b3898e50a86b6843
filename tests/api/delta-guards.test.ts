/**
 * The same guards on every path: a delta round that would disable too many people holds, disabling
 * nobody, until an admin confirms it (an Okta admin unassigning the app's group, an Entra admin
 * emptying the scope group); a delta round heals users blocked by hand; a source error in a delta
 * round disables nobody and keeps the cursor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const CA = fs.readFileSync(path.join(__dirname, '../fakes/certs/ca.pem'), 'utf8');

describe('guards of delta rounds', () => {
  let app: TestApp;
  let api: PluginApi;
  let graph: GraphFake;
  let okta: OktaFake;

  /** Users of a directory (through its identity links) that are blocked now. */
  const blockedOf = async (directoryId: number) => {
    const links = (await app.strapi.db
      .query('plugin::user-directory-sync.identity')
      .findMany({ where: { directoryId, kind: 'user' }, select: ['targetId'] })) as {
      targetId: number;
    }[];
    return app.strapi.db
      .query(USER_UID)
      .count({ where: { id: { $in: links.map((link) => link.targetId) }, blocked: true } });
  };
  const heldPlan = async (runId: number) =>
    (await api.get(`/runs/${runId}/plan?pageSize=1`)).body as {
      data: { action: string; details: { held?: boolean } }[];
      meta: { pagination: { total: number } };
    };

  beforeAll(async () => {
    graph = await startGraphFake({ users: 300, groups: 10, seed: 11 });
    // HTTPS with the test CA: a plain http:// org needs the plugin config's allowHttp.
    okta = await startOktaFake({ users: 300, seed: 12, https: true });
    app = await startApp();
    api = pluginApi(app);
  });
  afterAll(async () => {
    await app?.stop();
    await graph?.close();
    await okta?.close();
  });

  it('Okta: unassigning the app group holds the incremental run, disabling nobody; a confirm applies it', async () => {
    const [assignment] = okta.store.appAssignments();
    const group = okta.store.groups[assignment.groupPos];
    const id = await api.createDirectory({
      name: 'Okta guarded',
      type: 'okta',
      connection: {
        orgUrl: `${okta.url}/`,
        authMode: 'token',
        appId: okta.appId,
        caCertificate: CA,
      },
      secrets: { apiToken: okta.apiToken },
      userGroups: [group.id],
    });
    const first = await run(id);
    expect(first.status).toBe('succeeded');
    const active = first.counts.created - (await blockedOf(id));
    expect(active).toBeGreaterThan(5);
    const blockedBefore = await blockedOf(id);

    okta.store.unassignGroupFromApp(group.id);
    const held = await run(id);
    expect(held.mode).toBe('delta');
    expect(held.status).toBe('held-safety-threshold');
    expect(held.error?.message).toMatch(/would disable \d+ of \d+ users.*Nobody was disabled/);
    expect(held.counts.disabled).toBe(0);
    expect(await blockedOf(id)).toBe(blockedBefore);
    const plan = await heldPlan(held.id);
    expect(plan.meta.pagination.total).toBe(active);
    expect(plan.data[0]).toMatchObject({ action: 'user.disable', details: { held: true } });

    // The next scheduled round reads the same changes again (the cursor did not move): held again.
    const again = await run(id);
    expect(again.status).toBe('held-safety-threshold');
    expect(await blockedOf(id)).toBe(blockedBefore);

    const confirmed = await run(id, { confirm: true });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.counts.disabled).toBe(active);
    expect(await blockedOf(id)).toBe(blockedBefore + active);
  });

  const run = (id: number, body: object = {}) => api.run(id, body);

  const azureDirectory = (name: string, groupIndex: number) =>
    api.createDirectory({
      name,
      type: 'azure',
      connection: {
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        authorityHost: graph.url,
        graphBaseUrl: graph.url,
        caCertificate: CA,
      },
      secrets: { clientSecret: graph.clientSecret },
      userGroups: [graph.groupId(groupIndex)],
      options: { maxRetryAfterSeconds: 0.05, maxRetries: 1 },
    });

  it('Entra ID: emptying the scope group holds the delta round, disabling nobody; a confirm applies it', async () => {
    const scope = graph.groupId(3);
    const id = await azureDirectory('Entra guarded', 3);
    const first = await run(id);
    expect(first).toMatchObject({ status: 'succeeded', mode: 'full' });
    const blockedBefore = await blockedOf(id);
    const active = first.counts.created - blockedBefore;
    expect(active).toBeGreaterThan(5);

    for (const member of graph.store.members(scope)) graph.store.removeMember(scope, member);
    const held = await run(id);
    expect(held).toMatchObject({ mode: 'delta', status: 'held-safety-threshold' });
    expect(held.counts.disabled).toBe(0);
    expect(await blockedOf(id)).toBe(blockedBefore);
    expect((await heldPlan(held.id)).meta.pagination.total).toBe(active);

    const confirmed = await run(id, { confirm: true });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.counts.disabled).toBe(active);
    expect(await blockedOf(id)).toBe(blockedBefore + active);
  });

  it('Entra ID: a delta round re-enables a user blocked by hand, and a hand-deleted one is recreated by the next full run', async () => {
    const id = await azureDirectory('Entra healing', 5);
    expect((await run(id)).status).toBe('succeeded');
    const links = (await app.strapi.db
      .query('plugin::user-directory-sync.identity')
      .findMany({ where: { directoryId: id, kind: 'user', state: 'active' }, limit: 2 })) as {
      targetId: number;
    }[];
    const [blocked, deleted] = links.map((link) => link.targetId);
    await app.strapi.db.query(USER_UID).update({ where: { id: blocked }, data: { blocked: true } });
    const deletedRow = await app.strapi.db.query(USER_UID).findOne({ where: { id: deleted } });
    await app.strapi.db.query(USER_UID).delete({ where: { id: deleted } });

    const delta = await run(id);
    expect(delta).toMatchObject({ mode: 'delta', status: 'succeeded' });
    expect(delta.counts).toMatchObject({ enabled: 1, created: 0, disabled: 0 });
    expect((await app.strapi.db.query(USER_UID).findOne({ where: { id: blocked } })).blocked).toBe(
      false
    );
    const enable = await api.get(`/audit?directory=${id}&action=user.enable&pageSize=1`);
    expect(enable.body.data[0].details.reason).toMatch(/blocked in Strapi/);
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { username: deletedRow.username } })
    ).toBe(0);

    const full = await run(id, { full: true });
    expect(full).toMatchObject({ mode: 'full', status: 'succeeded' });
    expect(full.counts.created).toBe(1);
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { username: deletedRow.username } })
    ).toBe(1);
  });

  it('Entra ID: a Graph error in a delta round disables nobody and keeps the cursor', async () => {
    const scope = graph.groupId(7);
    const id = await azureDirectory('Entra failing delta', 7);
    expect((await run(id)).status).toBe('succeeded');
    const before = await app.strapi.db
      .query('plugin::user-directory-sync.directory')
      .findOne({ where: { id } });
    const blockedBefore = await blockedOf(id);
    const [leaver] = graph.store.members(scope);
    graph.store.removeMember(scope, leaver);
    graph.inject({ kind: 500, times: Infinity, path: /delta/i });
    const failed = await run(id);
    graph.clearFaults();
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).not.toMatch(/TypeError|Invalid URL/);
    expect(await blockedOf(id)).toBe(blockedBefore);
    const after = await app.strapi.db
      .query('plugin::user-directory-sync.directory')
      .findOne({ where: { id } });
    expect(after.state).toEqual(before.state);

    const next = await run(id);
    expect(next.status).toBe('succeeded');
    expect(next.counts.disabled).toBe(1);
  });
});
