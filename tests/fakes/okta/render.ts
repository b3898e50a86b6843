/**
 * JSON shapes of the fake Okta org, as Okta's management API documents them (User, Group,
 * ApplicationGroupAssignment, Application, Error). `base` is the org URL the client called.
 */
import { randomBytes } from 'crypto';
import type { AppAssignment, OktaStore, StoredGroup, StoredUser } from './store';

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

/** Okta's user type id of the default user type. */
const DEFAULT_USER_TYPE = 'oty1defaultUserType0';

export const renderUser = (user: StoredUser, base: string) => ({
  id: user.id,
  status: user.status,
  created: iso(user.created),
  activated: iso(user.activated),
  statusChanged: iso(user.statusChanged),
  lastLogin: iso(user.lastLogin),
  lastUpdated: iso(user.lastUpdated),
  passwordChanged: iso(user.passwordChanged),
  type: { id: DEFAULT_USER_TYPE },
  profile: { ...user.profile },
  credentials: {
    password: {},
    provider: { type: 'OKTA', name: 'OKTA' },
  },
  _links: { self: { href: `${base}/api/v1/users/${user.id}` } },
});

export const renderGroup = (group: StoredGroup, base: string, appId: string) => {
  const imported = group.type === 'APP_GROUP';
  const name = group.profile.name;
  return {
    id: group.id,
    created: iso(group.created),
    lastUpdated: iso(group.lastUpdated),
    lastMembershipUpdated: iso(group.lastMembershipUpdated),
    objectClass: [imported ? 'okta:windows_security_principal' : 'okta:user_group'],
    type: group.type,
    profile: imported
      ? {
          name,
          description: group.profile.description,
          samAccountName: name.replace(/\s+/g, ''),
          dn: `CN=${name},OU=Groups,DC=example,DC=com`,
          windowsDomainQualifiedName: `EXAMPLE\\${name.replace(/\s+/g, '')}`,
          externalId: Buffer.from(group.id).toString('base64'),
        }
      : { name, description: group.profile.description },
    _links: {
      logo: [
        {
          name: 'medium',
          href: `${base}/assets/img/logos/groups/okta-medium.png`,
          type: 'image/png',
        },
        {
          name: 'large',
          href: `${base}/assets/img/logos/groups/okta-large.png`,
          type: 'image/png',
        },
      ],
      ...(imported ? { source: { href: `${base}/api/v1/apps/${appId}` } } : {}),
      users: { href: `${base}/api/v1/groups/${group.id}/users` },
      apps: { href: `${base}/api/v1/groups/${group.id}/apps` },
    },
  };
};

export const renderAssignment = (
  store: OktaStore,
  assignment: AppAssignment,
  base: string,
  expandGroup: boolean
) => {
  const group = store.groups[assignment.groupPos];
  return {
    id: group.id,
    lastUpdated: iso(assignment.lastUpdated),
    priority: assignment.priority,
    profile: {},
    _links: {
      app: { href: `${base}/api/v1/apps/${store.appId}` },
      self: { href: `${base}/api/v1/apps/${store.appId}/groups/${group.id}` },
      group: { href: `${base}/api/v1/groups/${group.id}` },
    },
    ...(expandGroup ? { _embedded: { group: renderGroup(group, base, store.appId) } } : {}),
  };
};

/** The app whose group assignments decide who syncs: an OIDC web app (the intranet's SSO app). */
export const renderApp = (
  app: { id: string; label: string; created: number; lastUpdated: number; service: boolean },
  base: string
) => ({
  id: app.id,
  orn: `orn:okta:idp:00o1fakeorg:apps:oidc_client:${app.id}`,
  name: 'oidc_client',
  label: app.label,
  status: 'ACTIVE',
  created: iso(app.created),
  lastUpdated: iso(app.lastUpdated),
  signOnMode: 'OPENID_CONNECT',
  accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
  visibility: {
    autoLaunch: false,
    autoSubmitToolbar: false,
    hide: { iOS: app.service, web: app.service },
    appLinks: { oidc_client_link: !app.service },
  },
  features: [],
  credentials: {
    userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
    signing: { kid: 'fake-signing-key' },
    oauthClient: {
      autoKeyRotation: true,
      client_id: app.id,
      token_endpoint_auth_method: app.service ? 'private_key_jwt' : 'client_secret_basic',
    },
  },
  settings: {
    app: {},
    notifications: { vpn: { network: { connection: 'DISABLED' } } },
    oauthClient: app.service
      ? {
          grant_types: ['client_credentials'],
          response_types: ['token'],
          application_type: 'service',
        }
      : {
          grant_types: ['authorization_code'],
          response_types: ['code'],
          application_type: 'web',
          redirect_uris: ['http://localhost:1337/api/connect/okta/callback'],
        },
  },
  _links: {
    appLinks: app.service
      ? []
      : [
          {
            name: 'oidc_client_link',
            href: `${base}/home/oidc_client/${app.id}/aln177a159h7Zf52X0g8`,
            type: 'text/html',
          },
        ],
    groups: { href: `${base}/api/v1/apps/${app.id}/groups` },
    users: { href: `${base}/api/v1/apps/${app.id}/users` },
    self: { href: `${base}/api/v1/apps/${app.id}` },
    deactivate: { href: `${base}/api/v1/apps/${app.id}/lifecycle/deactivate` },
  },
});

/** Okta's error body; `errorLink` repeats the code, `errorId` is unique per response. */
export const renderError = (
  errorCode: string,
  errorSummary: string,
  causes: string[] = []
): Record<string, unknown> => ({
  errorCode,
  errorSummary,
  errorLink: errorCode,
  errorId: `oae${randomBytes(16).toString('base64url').slice(0, 22)}`,
  errorCauses: causes.map((cause) => ({ errorSummary: cause })),
});
