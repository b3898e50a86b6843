import { parseFilter } from '../../../server/src/scim/filter';
import { ScimError } from '../../../server/src/scim/errors';
import { entra } from './fixtures';

describe('SCIM filters', () => {
  it.each([
    [
      'Entra Test Connection',
      entra.testConnectionFilter,
      [['userName', '7c0a7ec1-5f1f-4b1e-bb23-e6f4ba4bea3e']],
    ],
    [
      'userName, case folded',
      'userName eq "Test_User@Example.com"',
      [['userName', 'test_user@example.com']],
    ],
    ['attribute names are case-insensitive', 'UserName eq "a"', [['userName', 'a']]],
    ['externalId keeps its case', entra.filterByExternalId('0A21f0'), [['externalId', '0A21f0']]],
    ['the work email', entra.filterByWorkEmail('A@B.com'), [['email', 'a@b.com']]],
    ['emails.value', 'emails.value eq "a@b.com"', [['email', 'a@b.com']]],
    [
      'a value filter holding the value',
      'emails[type eq "work" and value eq "a@b.com"]',
      [['email', 'a@b.com']],
    ],
    ['id', 'id eq "6feb9"', [['id', '6feb9']]],
    [
      'the core schema URN prefix',
      `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"`,
      [['userName', 'x']],
    ],
    [
      'two conditions with and',
      'userName eq "a" and externalId eq "B"',
      [
        ['userName', 'a'],
        ['externalId', 'B'],
      ],
    ],
  ])('users: %s', (_name, text, expected) => {
    expect(parseFilter(text, 'User').conditions).toEqual(
      expected.map(([field, value]) => ({ field, value }))
    );
  });

  it.each([
    [
      'Entra group lookup',
      entra.groupFilterByDisplayName('displayName'),
      [['displayName', 'displayname']],
    ],
    ['externalId', 'externalId eq "8aa1"', [['externalId', '8aa1']]],
  ])('groups: %s', (_name, text, expected) => {
    expect(parseFilter(text, 'Group').conditions).toEqual(
      expected.map(([field, value]) => ({ field, value }))
    );
  });

  it('reads a membership check on groups', () => {
    expect(parseFilter('id eq "g1" and members eq "u1"', 'Group')).toEqual({
      conditions: [{ field: 'id', value: 'g1' }],
      member: 'u1',
    });
    expect(parseFilter('members[value eq "u2"]', 'Group').member).toBe('u2');
  });

  it('an absent filter matches everything', () => {
    expect(parseFilter(undefined, 'User').conditions).toEqual([]);
    expect(parseFilter('  ', 'Group').conditions).toEqual([]);
  });

  it.each([
    ['or', 'userName eq "a" or userName eq "b"'],
    ['another operator', 'userName sw "a"'],
    ['presence', 'title pr'],
    ['not', 'not (userName eq "a")'],
    ['an attribute that is not indexed', 'title eq "Engineer"'],
    ['a home email', 'emails[type eq "home"].value eq "a@b.com"'],
    ['a number', 'userName eq 12'],
    ['a user attribute on groups', 'userName eq "a"'],
    ['broken syntax', 'userName eq'],
  ])('refuses %s with a 400 invalidFilter', (_name, text) => {
    const kind = _name === 'a user attribute on groups' ? 'Group' : 'User';
    try {
      parseFilter(text, kind);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).status).toBe(400);
      expect((error as ScimError).scimType).toBe('invalidFilter');
      expect((error as ScimError).message).toContain(text);
    }
  });
});
