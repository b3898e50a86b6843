/** The Azure provider's pure parts: normalization, options, Retry-After and error wording. */
import {
  parseRetryAfter,
  permissionFor,
  tokenProblem,
} from '../../../server/src/providers/azure/errors';
import {
  emailFromGuestUpn,
  managerFromDelta,
  parseGraphUser,
  toDirectoryUser,
} from '../../../server/src/providers/azure/map';
import { isFullSyncDue, readOptions } from '../../../server/src/providers/azure/settings';

const graphUser = (fields: Record<string, unknown>) => {
  const user = parseGraphUser({ id: 'u1', accountEnabled: true, userType: 'Member', ...fields });
  if (!user) throw new Error('unparsable');
  return user;
};

describe('Graph user normalization', () => {
  it('uses mail as email and leaves it null for a member without mail (no UPN fallback)', () => {
    const withMail = toDirectoryUser(
      graphUser({ mail: 'ada@example.com', userPrincipalName: 'ada@example.com' }),
      null,
      []
    );
    expect(withMail.email).toBe('ada@example.com');
    const noMail = toDirectoryUser(
      graphUser({ mail: null, userPrincipalName: 'bob@example.com' }),
      null,
      []
    );
    expect(noMail).toMatchObject({ email: null, username: 'bob@example.com' });
  });

  it('gives a guest without mail the home address encoded in its #EXT# UPN', () => {
    const guest = graphUser({
      userType: 'Guest',
      mail: null,
      userPrincipalName: 'ann_partner.co.uk#EXT#@contoso.onmicrosoft.com',
    });
    expect(toDirectoryUser(guest, null, []).email).toBe('ann@partner.co.uk');
    expect(emailFromGuestUpn('first_last_partner.com#EXT#@contoso.onmicrosoft.com')).toBe(
      'first_last@partner.com'
    );
    expect(emailFromGuestUpn('plain@example.com')).toBeNull();
  });

  it('keeps the raw Graph fields by their Graph names, phones joined', () => {
    const user = toDirectoryUser(
      graphUser({ jobTitle: 'Lead', businessPhones: ['+1 1', '+1 2'], accountEnabled: false }),
      'm1',
      ['g1']
    );
    expect(user).toMatchObject({
      active: false,
      managerExternalId: 'm1',
      groupExternalIds: ['g1'],
    });
    expect(user.attributes).toMatchObject({
      jobTitle: 'Lead',
      businessPhones: '+1 1, +1 2',
      accountEnabled: false,
    });
  });

  it('drops records without an id', () => {
    expect(parseGraphUser({ displayName: 'No Id' })).toBeNull();
    expect(parseGraphUser('nonsense')).toBeNull();
  });

  it('reads manager@delta: absent (unchanged), removed (null) or set', () => {
    expect(managerFromDelta({ id: 'u' })).toBeUndefined();
    expect(managerFromDelta({ 'manager@delta': [] })).toBeNull();
    expect(
      managerFromDelta({ 'manager@delta': [{ id: 'm0', '@removed': { reason: 'deleted' } }] })
    ).toBeNull();
    expect(
      managerFromDelta({ 'manager@delta': [{ '@odata.type': '#microsoft.graph.user', id: 'm1' }] })
    ).toBe('m1');
  });
});

describe('Azure options and state', () => {
  it('defaults and clamps the options', () => {
    expect(readOptions({})).toEqual({
      includeGuests: false,
      pageSize: 999,
      maxRetryAfterSeconds: 60,
      maxRetries: 5,
      fullSyncEveryHours: 24,
      requestTimeoutSeconds: 60,
      maxResponseBytes: 64 * 1024 * 1024,
    });
    expect(readOptions({ maxResponseMegabytes: 1 }).maxResponseBytes).toBe(1024 * 1024);
    expect(readOptions({ pageSize: 5000, includeGuests: 'true', maxRetries: '2' })).toMatchObject({
      pageSize: 999,
      includeGuests: true,
      maxRetries: 2,
    });
  });

  it('makes a full sync due without a usable state', () => {
    expect(isFullSyncDue(null, new Date(), 24)).toBe(true);
    expect(isFullSyncDue({ version: 1, usersDeltaLink: 'x' }, new Date(), 24)).toBe(true);
  });
});

describe('Azure error wording', () => {
  it('parses Retry-After as seconds (fractional too) or an HTTP date', () => {
    expect(parseRetryAfter('2.128')).toBe(2128);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('names the permission a path needs', () => {
    expect(permissionFor('https://graph.microsoft.com/v1.0/users/delta?$select=id')).toBe(
      'User.Read.All'
    );
    expect(permissionFor('/groups/g1/transitiveMembers')).toBe('GroupMember.Read.All');
    expect(permissionFor('/users/u1/transitiveMemberOf/microsoft.graph.group')).toBe(
      'GroupMember.Read.All'
    );
  });

  it('turns AADSTS codes into the credential to fix', () => {
    const context = {
      tenantId: 't1',
      clientId: 'c1',
      authorityHost: 'https://login.microsoftonline.com',
      graphBaseUrl: 'https://graph.microsoft.com',
    };
    expect(
      tokenProblem('invalid_client: AADSTS7000215: Invalid client secret provided.', context)?.code
    ).toBe('azure-bad-secret');
    expect(tokenProblem('AADSTS700016: Application with identifier', context)?.message).toMatch(
      /client id "c1" is not registered in the tenant t1/
    );
    expect(tokenProblem('AADSTS90002: Tenant not found', context)?.message).toMatch(
      /tenant id "t1" was not found/
    );
    expect(tokenProblem('AADSTS7000112: Application is disabled.', context)?.code).toBe(
      'azure-token-refused'
    );
    expect(tokenProblem('socket hang up', context)).toBeNull();
  });
});
