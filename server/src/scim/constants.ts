/** The URNs and limits of the SCIM 2.0 protocol as this plugin speaks it (RFC 7643, RFC 7644). */

export const SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** Largest page a list answers (advertised as filter.maxResults). */
export const MAX_RESULTS = 200;

/** Largest request body read, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Where the plugin's content API serves SCIM: /api/user-directory-sync/scim/v2/<directory key>. */
export const SCIM_BASE_PATH = '/scim/v2';

/** The audit actor of every pushed change. */
export const SCIM_ACTOR = 'scim';

export const RESOURCE_KINDS = ['User', 'Group'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const SCIM_UID = {
  resource: 'plugin::user-directory-sync.scim-resource',
  token: 'plugin::user-directory-sync.scim-token',
  request: 'plugin::user-directory-sync.scim-request',
} as const;

/** Tokens valid at once per directory: the current one and, during a rotation, the previous one. */
export const MAX_ACTIVE_TOKENS = 2;
