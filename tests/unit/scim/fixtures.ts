/**
 * SCIM request bodies as Microsoft's "Tutorial: Develop and plan provisioning for a SCIM endpoint in
 * Microsoft Entra ID" (and its "Known issues ... SCIM 2.0 protocol compliance" page) and Okta's
 * "Build your SCIM API service" show them, with their ids. The unit tests and the API tests replay
 * these bodies.
 */
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Operation = { op: string; path?: string; value?: unknown };
const patch = (...Operations: Operation[]) => ({ schemas: [PATCH_OP], Operations });

export const entra = {
  /** Test Connection: a random userName, answered by an empty ListResponse. */
  testConnectionFilter: 'userName eq "7c0a7ec1-5f1f-4b1e-bb23-e6f4ba4bea3e"',
  createUser: {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
    active: true,
    emails: [
      {
        primary: true,
        type: 'work',
        value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com',
      },
    ],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
    title: 'Engineer',
    [ENTERPRISE]: { employeeNumber: '100009', department: 'Human Resources US' },
  },
  createManager: {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: '4b2e8f3d-1c1d-4d7e-9d2b-3c6a8e1f0a77',
    userName: 'Manager_User_2d77186b5dd1@testuser.com',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'Manager_User_2d77186b5dd1@testuser.com' }],
    name: { familyName: 'Reckert', givenName: 'Ellen' },
    displayName: 'Ellen Reckert',
  },
  filterByUserName: (userName: string) => `userName eq "${userName}"`,
  filterByExternalId: (externalId: string) => `externalId eq "${externalId}"`,
  filterByWorkEmail: (email: string) => `emails[type eq "work"].value eq "${email}"`,
  updateMultiValued: patch(
    { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
    { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' }
  ),
  updateSingleValued: patch({
    op: 'Replace',
    path: 'userName',
    value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
  }),
  /** The manager set by URN path, the value an object (compliant) or the id bare (legacy job). */
  setManager: (id: string) =>
    patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: { value: id } }),
  setManagerBare: (id: string) =>
    patch({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: id }),
  removeManager: patch({ op: 'Remove', path: `${ENTERPRISE}:manager` }),
  /** Legacy shape: no path, several attributes (dotted keys included) in one object. */
  replaceNoPath: patch({
    op: 'Replace',
    value: {
      displayName: 'Updated Display',
      'name.givenName': 'UpdatedGiven',
      [`${ENTERPRISE}:department`]: 'Finance',
    },
  }),
  disable: patch({ op: 'Replace', path: 'active', value: false }),
  /** Legacy shape: `active` as a string. */
  disableString: patch({ op: 'Replace', path: 'active', value: 'False' }),
  enableString: patch({ op: 'Replace', path: 'active', value: 'True' }),
  createGroup: {
    schemas: [CORE_GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group'],
    externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
    displayName: 'displayName',
    meta: { resourceType: 'Group' },
  },
  groupFilterByDisplayName: (name: string) => `displayName eq "${name}"`,
  renameGroup: patch({
    op: 'Replace',
    path: 'displayName',
    value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
  }),
  addMembers: (...ids: string[]) =>
    patch({ op: 'Add', path: 'members', value: ids.map((value) => ({ $ref: null, value })) }),
  removeMembers: (...ids: string[]) =>
    patch({ op: 'Remove', path: 'members', value: ids.map((value) => ({ $ref: null, value })) }),
  /** Legacy shape: removal by a value filter in the path. */
  removeMemberByFilter: (id: string) => patch({ op: 'Remove', path: `members[value eq "${id}"]` }),
  replaceMembers: (...ids: string[]) =>
    patch({ op: 'Replace', path: 'members', value: ids.map((value) => ({ value })) }),
};

export const okta = {
  createUser: {
    schemas: [CORE_USER],
    userName: 'test.user@okta.local',
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    password: '1mz050nq',
    active: true,
  },
  /** PUT of the whole user (Okta's default profile update). */
  replaceUser: (id: string) => ({
    schemas: [CORE_USER],
    id,
    userName: 'test.user@okta.local',
    name: { givenName: 'Another', familyName: 'User' },
    emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
    displayName: 'Another User',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    password: '1mz050nq',
    active: true,
    meta: { resourceType: 'User' },
  }),
  deactivate: patch({ op: 'replace', value: { active: false } }),
  reactivate: patch({ op: 'replace', value: { active: true } }),
  createGroup: { schemas: [CORE_GROUP], displayName: 'Test SCIMv2', members: [] },
  renameGroup: (id: string) =>
    patch({ op: 'replace', value: { id, displayName: 'Test SCIMv2 updated' } }),
  addMember: (id: string) =>
    patch({ op: 'add', path: 'members', value: [{ value: id, display: 'test.user@okta.local' }] }),
  removeMember: (id: string) => patch({ op: 'remove', path: `members[value eq "${id}"]` }),
  replaceGroup: (id: string, members: string[]) => ({
    schemas: [CORE_GROUP],
    id,
    displayName: 'Test SCIMv2 renamed',
    members: members.map((value) => ({ value })),
  }),
};
