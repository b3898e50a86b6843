import { applyPatch } from '../../../server/src/scim/patch';
import { normaliseUser } from '../../../server/src/scim/users';
import { normaliseGroup } from '../../../server/src/scim/groups';
import { ScimError } from '../../../server/src/scim/errors';
import { ENTERPRISE, entra, okta, PATCH_OP } from './fixtures';

/** A resource read loosely: any path may be asked. */
type Doc = { [key: string]: Doc };

const stored = () => normaliseUser(entra.createUser);
const patchUser = (body: unknown) => normaliseUser(applyPatch(stored(), body, 'u1'));

describe('PATCH of users, as Entra ID and Okta send it', () => {
  it.each([
    [
      'Entra: multi-valued (a value filter path) and a sub-attribute',
      entra.updateMultiValued,
      (u: Doc) => {
        expect(u.emails).toEqual([
          { primary: true, type: 'work', value: 'updatedEmail@microsoft.com' },
        ]);
        expect(u.name.familyName).toBe('updatedFamilyName');
      },
    ],
    [
      'Entra: single-valued userName',
      entra.updateSingleValued,
      (u: Doc) => expect(u.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com'),
    ],
    ['Entra: disable', entra.disable, (u: Doc) => expect(u.active).toBe(false)],
    ['Entra legacy: active "False"', entra.disableString, (u: Doc) => expect(u.active).toBe(false)],
    ['Okta: deactivate without a path', okta.deactivate, (u: Doc) => expect(u.active).toBe(false)],
    [
      'Entra: the manager by URN path',
      entra.setManager('m-1'),
      (u: Doc) => expect(u[ENTERPRISE].manager).toEqual({ value: 'm-1' }),
    ],
    [
      'Entra legacy: the manager id bare',
      entra.setManagerBare('m-2'),
      (u: Doc) => expect(u[ENTERPRISE].manager).toEqual({ value: 'm-2' }),
    ],
    [
      'Entra legacy: no path, several attributes with dotted keys and a URN key',
      entra.replaceNoPath,
      (u: Doc) => {
        expect(u.displayName).toBe('Updated Display');
        expect(u.name).toEqual({
          formatted: 'givenName familyName',
          familyName: 'familyName',
          givenName: 'UpdatedGiven',
        });
        expect(u[ENTERPRISE].department).toBe('Finance');
        expect(u[ENTERPRISE].employeeNumber).toBe('100009');
      },
    ],
    [
      'an Add of a phone by value filter on an absent list',
      {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555' }],
      },
      (u: Doc) => expect(u.phoneNumbers).toEqual([{ type: 'work', value: '+1 555' }]),
    ],
  ])('%s', (_name, body, check) => {
    check(patchUser(body) as Doc);
  });

  it('removes the manager, and an empty manager value means none', () => {
    const withManager = normaliseUser(applyPatch(stored(), entra.setManager('m-1'), 'u1'));
    expect(normaliseUser(applyPatch(withManager, entra.removeManager, 'u1'))[ENTERPRISE]).toEqual({
      employeeNumber: '100009',
      department: 'Human Resources US',
    });
    const emptied = normaliseUser(
      applyPatch(
        withManager,
        {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: { value: '' } }],
        },
        'u1'
      )
    );
    expect((emptied[ENTERPRISE] as Record<string, unknown>).manager).toBeUndefined();
  });

  it.each([
    ['no Operations', { schemas: [PATCH_OP] }, 'invalidSyntax'],
    [
      'an unknown op',
      { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'title', value: 'x' }] },
      'invalidSyntax',
    ],
    [
      'a remove without a path',
      { schemas: [PATCH_OP], Operations: [{ op: 'Remove' }] },
      'noTarget',
    ],
    [
      'a no-path value that is not an object',
      { schemas: [PATCH_OP], Operations: [{ op: 'Replace', value: 'x' }] },
      'invalidValue',
    ],
    [
      'another schema',
      { schemas: ['urn:x'], Operations: [{ op: 'Replace', path: 'title', value: 'x' }] },
      'invalidSyntax',
    ],
    [
      'a new id',
      { schemas: [PATCH_OP], Operations: [{ op: 'Replace', value: { id: 'other' } }] },
      'mutability',
    ],
  ])('refuses %s with a 400', (_name, body, scimType) => {
    try {
      applyPatch(stored(), body, 'u1');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ScimError);
      expect((error as ScimError).status).toBe(400);
      expect((error as ScimError).scimType).toBe(scimType);
    }
  });

  it('refuses active as anything but a boolean or "True"/"False"', () => {
    expect(() =>
      patchUser({
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'active', value: 'nope' }],
      })
    ).toThrow("'active' must be true or false");
  });

  it('an Okta rename keeping the same id is accepted', () => {
    const group = normaliseGroup(okta.createGroup);
    expect(normaliseGroup(applyPatch(group, okta.renameGroup('g1'), 'g1')).displayName).toBe(
      'Test SCIMv2 updated'
    );
  });
});

describe('PATCH of group members', () => {
  const group = () =>
    normaliseGroup({ ...entra.createGroup, members: [{ value: 'u1' }, { value: 'u2' }] });
  const members = (body: unknown) =>
    normaliseGroup(applyPatch(group(), body, 'g1')).members.map((member) => member.value);

  it.each([
    ['Entra: Add members', entra.addMembers('u3'), ['u1', 'u2', 'u3']],
    ['Entra: Add a member already there', entra.addMembers('u1'), ['u1', 'u2']],
    ['Entra: Remove members by value', entra.removeMembers('u1'), ['u2']],
    ['Entra legacy: Remove by a value filter path', entra.removeMemberByFilter('u2'), ['u1']],
    ['Entra: Replace members', entra.replaceMembers('u9'), ['u9']],
    ['Okta: add with display', okta.addMember('u4'), ['u1', 'u2', 'u4']],
    ['Okta: remove by filter', okta.removeMember('u1'), ['u2']],
  ])('%s', (_name, body, expected) => {
    expect(members(body)).toEqual(expected);
  });
});
