/**
 * A running run's progress carries a total for every source, as GET /runs/:id shows it to the
 * panel: Entra ID counted by Graph (`$count`), Entra ID without the right to count (the previous
 * full run's count, estimated; nothing on the first run), Okta (the previous full run's count).
 * The fakes answer the user listing slowly, so each run is read while it runs.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { pluginApi, type PluginApi, type Run } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const CA = readFileSync(join(__dirname, '..', 'fakes', 'certs', 'ca.pem'), 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Progress = Run['progress'] & { estimated: boolean };

describe('progress totals', () => {
  let app: TestApp;
  let api: PluginApi;
  let graph: GraphFake;
  let okta: OktaFake;

  /**
   * Starts a run, waits until the source's user listing has begun (the total is decided before
   * it), reads the run as the panel does, then lets the run end.
   */
  const progressWhileRunning = async (
    directoryId: number,
    listingStarted: () => boolean,
    body: object = {}
  ) => {
    const started = await api.post(`/directories/${directoryId}/runs`, body);
    expect(started.status).toBe(202);
    const runId = started.body.data.id as number;
    for (let tries = 0; !listingStarted(); tries += 1) {
      if (tries > 600) throw new Error('the listing never started');
      await sleep(25);
    }
    const running = (await api.get(`/runs/${runId}`)).body.data as Run & { progress: Progress };
    expect(running.status).toBe('running');
    await app.strapi.plugin('user-directory-sync').service('runner').wait(runId);
    const finished = (await api.get(`/runs/${runId}`)).body.data as Run & { progress: Progress };
    return { running: running.progress, finished };
  };

  const azureDirectory = (name: string, groups: string[]) =>
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
      userGroups: groups,
      groupSync: { mode: 'none' },
      options: { pageSize: 50, maxRetryAfterSeconds: 0.05, maxRetries: 1 },
    });
  const graphListingStarted = () => graph.log.count(/^\/v1\.0\/users\/delta/) > 0;
  /** Users a full run of this group reads, from the fake's own store. */
  const inScope = (groupId: string) =>
    new Set(
      graph.store
        .transitiveMembers(groupId)
        .filter((id) => graph.store.listUsers().some((u) => u.id === id && u.userType !== 'Guest'))
    ).size;

  beforeAll(async () => {
    graph = await startGraphFake({ users: 400, groups: 12, seed: 21 });
    okta = await startOktaFake({ users: 300, seed: 8, https: true });
    app = await startApp();
    api = pluginApi(app);
  });
  beforeEach(() => {
    graph.log.reset();
    okta.clearRequests();
    // Slow user pages: the run is still reading when the test looks at it.
    graph.inject({ kind: 'slow', delayMs: 300, path: /^\/v1\.0\/users\/delta/, times: Infinity });
    okta.failNext(
      Infinity,
      { kind: 'slow', delayMs: 300 },
      { path: /^\/api\/v1\/groups\/[^/]+\/users$/ }
    );
  });
  afterEach(() => {
    graph.clearFaults();
    graph.refuseCount(false);
    okta.clearFaults();
  });
  afterAll(async () => {
    await app?.stop();
    await graph?.close();
    await okta?.close();
  });

  it('Entra ID: the total Graph counts, exact for one group, and what was read at the end', async () => {
    const group = graph.groupId(1);
    const id = await azureDirectory('Counted', [group]);
    const { running, finished } = await progressWhileRunning(id, graphListingStarted);
    expect(running).toMatchObject({ phase: 'fetching', total: inScope(group), estimated: false });
    expect(graph.log.count(/\/transitiveMembers\/microsoft\.graph\.user\/\$count/)).toBe(1);
    expect(finished.status).toBe('succeeded');
    expect(finished.progress).toEqual({
      phase: 'done',
      done: inScope(group),
      total: inScope(group),
      estimated: false,
    });
  });

  it('Entra ID refusing $count (403): no total on the first run, then the previous run as "about"', async () => {
    graph.refuseCount();
    const id = await azureDirectory('Not counted', [graph.groupId(2), graph.groupId(3)]);
    const first = await progressWhileRunning(id, graphListingStarted);
    expect(graph.log.count((entry) => entry.status === 403)).toBe(1);
    expect(first.running).toMatchObject({ phase: 'fetching', total: null, estimated: false });
    expect(first.finished.status).toBe('succeeded');
    const read = first.finished.progress.done;
    expect(read).toBeGreaterThan(0);

    graph.log.reset();
    const second = await progressWhileRunning(id, graphListingStarted, { full: true });
    expect(second.running).toMatchObject({ phase: 'fetching', total: read, estimated: true });
    expect(second.finished).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(second.finished.progress).toMatchObject({ total: read, estimated: false });
  });

  it("Okta: the previous full run's count, as an estimate (nothing before the first run)", async () => {
    const groups = okta.store
      .appAssignments()
      .slice(0, 3)
      .map((assignment) => okta.store.groups[assignment.groupPos].id);
    const id = await api.createDirectory({
      name: 'Okta',
      type: 'okta',
      connection: {
        orgUrl: `${okta.url}/`,
        authMode: 'token',
        appId: okta.appId,
        caCertificate: CA,
      },
      secrets: { apiToken: okta.apiToken },
      userGroups: groups,
      groupSync: { mode: 'none' },
    });
    const listingStarted = () => okta.requestCount('/users') > 0;
    const first = await progressWhileRunning(id, listingStarted);
    expect(first.running).toMatchObject({ total: null, estimated: false });
    expect(first.finished.status).toBe('succeeded');
    const read = first.finished.progress.done;
    expect(read).toBeGreaterThan(0);

    okta.clearRequests();
    const second = await progressWhileRunning(id, listingStarted, { full: true });
    expect(second.running).toMatchObject({ total: read, estimated: true });
    expect(second.finished).toMatchObject({ status: 'succeeded', mode: 'full' });
  });
});
