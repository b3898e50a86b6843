/**
 * Discovery (RFC 7644 section 4): what this service provider supports, truthfully. PATCH and
 * filtering (eq on indexed attributes, joined by and) are supported; bulk, sort, ETags and password
 * changes are not. The schemas list only the attributes the plugin stores and gives back.
 */
import { MAX_RESULTS, SCHEMAS } from './constants';

type Attribute = {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'default' | 'never' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
  referenceTypes?: string[];
};

const attr = (name: string, description: string, extra: Partial<Attribute> = {}): Attribute => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

const multi = (name: string, description: string, subAttributes: Attribute[]) =>
  attr(name, description, { type: 'complex', multiValued: true, subAttributes });

const valueTypePrimary = (what: string) => [
  attr('value', `The ${what}.`),
  attr('type', `The kind of ${what}: work, home, mobile, other.`),
  attr('primary', `The preferred ${what}.`, { type: 'boolean' }),
  attr('display', 'A label for people.'),
];

const USER_SCHEMA_ATTRIBUTES: Attribute[] = [
  attr('userName', 'Unique login name; the Strapi username.', {
    required: true,
    uniqueness: 'server',
  }),
  attr('externalId', "The client's own id of the person.", { caseExact: true }),
  attr('name', 'The parts of the name.', {
    type: 'complex',
    subAttributes: [
      'formatted',
      'familyName',
      'givenName',
      'middleName',
      'honorificPrefix',
      'honorificSuffix',
    ].map((part) => attr(part, `name.${part}`)),
  }),
  attr('displayName', 'The name shown for the person.'),
  attr('nickName', 'A casual name.'),
  attr('profileUrl', 'A profile page.', { type: 'reference', referenceTypes: ['external'] }),
  attr('title', 'Job title.'),
  attr('userType', 'Kind of user, e.g. Employee.'),
  attr('preferredLanguage', 'Preferred language.'),
  attr('locale', 'Locale.'),
  attr('timezone', 'Time zone.'),
  attr('active', 'false: the Strapi account is disabled (never deleted).', { type: 'boolean' }),
  multi(
    'emails',
    'Email addresses; the work one (else the primary) is the Strapi email.',
    valueTypePrimary('email address')
  ),
  multi('phoneNumbers', 'Phone numbers.', valueTypePrimary('phone number')),
  multi(
    'addresses',
    'Postal addresses.',
    ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map(
      (part) => attr(part, `addresses.${part}`)
    )
  ),
  attr('groups', 'Groups the user belongs to (set through /Groups).', {
    type: 'complex',
    multiValued: true,
    mutability: 'readOnly',
    returned: 'never',
    subAttributes: [attr('value', 'Group id.', { mutability: 'readOnly' })],
  }),
];

const ENTERPRISE_SCHEMA_ATTRIBUTES: Attribute[] = [
  attr('employeeNumber', 'Employee number.'),
  attr('costCenter', 'Cost center.'),
  attr('organization', 'Organization.'),
  attr('division', 'Division.'),
  attr('department', 'Department.'),
  attr('manager', 'The manager, by SCIM id.', {
    type: 'complex',
    subAttributes: [attr('value', "The manager's SCIM id.", { caseExact: true })],
  }),
];

const GROUP_SCHEMA_ATTRIBUTES: Attribute[] = [
  attr('displayName', 'The group name; a Strapi role where groups become roles.', {
    required: true,
  }),
  attr('externalId', "The client's own id of the group.", { caseExact: true }),
  attr('members', 'The users of the group.', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', "The member's SCIM id.", { caseExact: true, mutability: 'immutable' }),
      attr('display', 'A label for people.', { mutability: 'readOnly' }),
    ],
  }),
];

export const createDiscovery = (baseUrl: string) => {
  const meta = (resourceType: string, path: string) => ({
    resourceType,
    location: `${baseUrl}${path}`,
  });
  const schema = (id: string, name: string, description: string, attributes: Attribute[]) => ({
    schemas: [SCHEMAS.schema],
    id,
    name,
    description,
    attributes,
    meta: meta('Schema', `/Schemas/${id}`),
  });
  const resourceTypes = [
    {
      schemas: [SCHEMAS.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'People, provisioned as Strapi users.',
      schema: SCHEMAS.user,
      schemaExtensions: [{ schema: SCHEMAS.enterprise, required: false }],
      meta: meta('ResourceType', '/ResourceTypes/User'),
    },
    {
      schemas: [SCHEMAS.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: "Groups, synced as roles and memberships by the directory's group settings.",
      schema: SCHEMAS.group,
      schemaExtensions: [],
      meta: meta('ResourceType', '/ResourceTypes/Group'),
    },
  ];
  const schemas = [
    schema(SCHEMAS.user, 'User', 'User Account', USER_SCHEMA_ATTRIBUTES),
    schema(SCHEMAS.enterprise, 'EnterpriseUser', 'Enterprise User', ENTERPRISE_SCHEMA_ATTRIBUTES),
    schema(SCHEMAS.group, 'Group', 'Group', GROUP_SCHEMA_ATTRIBUTES),
  ];
  return {
    serviceProviderConfig: {
      schemas: [SCHEMAS.serviceProviderConfig],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: MAX_RESULTS },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'Bearer token',
          description:
            "The directory's SCIM token, generated in Strapi, sent as Authorization: Bearer <token>.",
          primary: true,
        },
      ],
      meta: meta('ServiceProviderConfig', '/ServiceProviderConfig'),
    },
    resourceTypes,
    schemas,
  };
};
