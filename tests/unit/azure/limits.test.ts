/** The size cap on Graph answers and the relative paths of `$batch` items in messages. */
import { GraphError } from '@microsoft/microsoft-graph-client';
import { StopSyncError } from '../../../server/src/providers/errors';
import { classify, pathOf } from '../../../server/src/providers/azure/errors';
import { startGraphFake, type GraphFake } from '../../fakes/graph';
import { closeProviders, collect, failure, providerFor } from './support';

describe('Graph answers and messages', () => {
  let fake: GraphFake;

  beforeAll(async () => {
    fake = await startGraphFake({ users: 120, groups: 6, seed: 3 });
  });

  afterAll(async () => {
    await closeProviders();
    await fake.close();
  });

  it('stops, naming the endpoint, when an answer is larger than maxResponseMegabytes', async () => {
    const provider = providerFor(fake, {
      userGroups: fake.store.listGroups().map((group) => group.id),
      options: { maxResponseMegabytes: 0.01 },
    });
    const error = await failure(() => collect(provider.listUsers()));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error).toMatchObject({ code: 'azure-response-too-large' });
    expect(error.message).toMatch(/more than 0\.01 MB for \/groups\/delta; .*maxResponseMegabytes/);
  });

  it('names what Graph refused, for absolute links and relative $batch paths alike', async () => {
    expect(pathOf('https://graph.microsoft.com/v1.0/users/delta?$skiptoken=x')).toBe(
      '/users/delta'
    );
    expect(pathOf('/users/abc/transitiveMemberOf?$select=id')).toBe(
      '/users/abc/transitiveMemberOf'
    );
    const refused = new GraphError(400, 'Invalid request.');
    refused.code = 'BadRequest';
    refused.requestId = 'req-1';
    const context = {
      tenantId: 't',
      clientId: 'c',
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
    };
    const outcome = await classify(
      refused,
      '/users/abc/transitiveMemberOf',
      context,
      async () => null
    );
    expect(outcome.kind).toBe('fail');
    const error = (outcome as { error: Error }).error;
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error.message).toMatch(
      /^Microsoft Graph refused \/users\/abc\/transitiveMemberOf with 400 BadRequest \("Invalid request\."\): .*request id: req-1\.$/
    );
  });
});
