import { normaliseUser, toDirectoryUser } from '../../../server/src/scim/users';
import { normaliseGroup } from '../../../server/src/scim/groups';
import { project, readPage, listResponse } from '../../../server/src/scim/list';
import { ENTERPRISE, entra, okta } from './fixtures';

describe('SCIM User resources', () => {
  it('keeps what Entra sends and drops the read-only and unknown parts', () => {
    const user = normaliseUser(entra.createUser);
    expect(user).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: entra.createUser.emails,
      name: entra.createUser.name,
      title: 'Engineer',
      [ENTERPRISE]: { employeeNumber: '100009', department: 'Human Resources US' },
    });
  });

  it("never keeps Okta's password nor its groups", () => {
    const user = normaliseUser(okta.createUser);
    expect(user.password).toBeUndefined();
    expect(user.groups).toBeUndefined();
    expect(user.locale).toBe('en-US');
  });

  it('maps onto the DirectoryUser every directory type gives the engine', () => {
    const user = normaliseUser({
      ...entra.createUser,
      phoneNumbers: [
        { type: 'mobile', value: '+1 222' },
        { type: 'work', value: '+1 111' },
      ],
    });
    expect(toDirectoryUser(user, 'key-1', 'key-m', 'POST /Users')).toEqual({
      externalId: 'key-1',
      username: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      email: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com',
      firstName: 'givenName',
      lastName: 'familyName',
      displayName: null,
      active: true,
      managerExternalId: 'key-m',
      groupExternalIds: [],
      attributes: {
        title: 'Engineer',
        employeeNumber: '100009',
        department: 'Human Resources US',
        phoneNumber: '+1 111',
        mobilePhone: '+1 222',
        externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      },
      origin: 'POST /Users',
    });
  });

  it.each([
    ['no userName', { name: {} }, "'userName' is required"],
    ['a blank userName', { userName: '  ' }, "'userName' is required"],
    ['active as a word', { userName: 'a', active: 'yes' }, "'active' must be true or false"],
    ['emails as text', { userName: 'a', emails: 'a@b.c' }, "'emails' must be a list of objects"],
    ['a non-object body', 'text', 'must be a SCIM User object'],
  ])('refuses %s with a clear 400', (_name, body, message) => {
    expect(() => normaliseUser(body)).toThrow(message);
  });

  it('groups need a displayName; members are read once each', () => {
    expect(() => normaliseGroup({ members: [] })).toThrow("'displayName' is required");
    expect(
      normaliseGroup({
        displayName: 'G',
        members: [{ value: 'u1' }, { value: 'u1' }, { value: 'u2', display: 'Bo' }],
      }).members
    ).toEqual([{ value: 'u1' }, { value: 'u2', display: 'Bo' }]);
  });
});

describe('SCIM lists', () => {
  it('pages from 1, caps count, and reads nonsense as a 400', () => {
    expect(readPage({})).toEqual({ startIndex: 1, count: 200 });
    expect(readPage({ startIndex: '0', count: '-3' })).toEqual({ startIndex: 1, count: 0 });
    expect(readPage({ startIndex: '11', count: '5000' })).toEqual({ startIndex: 11, count: 200 });
    expect(() => readPage({ count: 'ten' })).toThrow("'count' must be a whole number");
  });

  it('reports the real total, not the page size', () => {
    expect(listResponse([{ id: 'a' }], 42, { startIndex: 3, count: 1 })).toMatchObject({
      totalResults: 42,
      startIndex: 3,
      itemsPerPage: 1,
    });
  });

  const resource = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    id: 'u1',
    userName: 'a',
    name: { givenName: 'A', familyName: 'B' },
    emails: [{ type: 'work', value: 'a@b.c' }],
    [ENTERPRISE]: { department: 'X', employeeNumber: '7' },
    meta: { resourceType: 'User' },
  };

  it('attributes keeps id, schemas and meta with what was asked, sub-attributes included', () => {
    expect(project(resource, { attributes: 'userName,name.givenName,emails.value' })).toEqual({
      schemas: resource.schemas,
      id: 'u1',
      meta: resource.meta,
      userName: 'a',
      name: { givenName: 'A' },
      emails: [{ value: 'a@b.c' }],
    });
    expect(project(resource, { attributes: `${ENTERPRISE}:department` })[ENTERPRISE]).toEqual({
      department: 'X',
    });
  });

  it('excludedAttributes drops them, never id', () => {
    const group = { schemas: ['g'], id: 'g1', displayName: 'G', members: [{ value: 'u1' }] };
    expect(project(group, { excludedAttributes: 'members,id' })).toEqual({
      schemas: ['g'],
      id: 'g1',
      displayName: 'G',
    });
  });
});
