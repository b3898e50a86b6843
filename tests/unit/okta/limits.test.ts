/** The size cap on Okta answers. */
import { StopSyncError } from '../../../server/src/providers/errors';
import { startOktaFake, type OktaFake } from '../../fakes/okta';
import { assignedGroupIds, collect, providerFor, rejection } from './support';

describe('Okta answers', () => {
  let fake: OktaFake;

  beforeAll(async () => {
    fake = await startOktaFake({ users: 200, seed: 9 });
  });

  afterAll(() => fake.close());

  test('stop, naming the endpoint, when larger than maxResponseMegabytes', async () => {
    const provider = providerFor(fake, 'token', null, {
      userGroups: assignedGroupIds(fake),
      options: { maxResponseMegabytes: 0.01 },
    });
    const error = await rejection(collect(provider.listUsers()));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error.code).toBe('okta-response-too-large');
    expect(error.message).toMatch(/more than 0\.01 MB for \/api\/v1\/.*maxResponseMegabytes/);
  });
});
