/**
 * The Microsoft identity platform endpoints the client-credentials flow touches: OpenID
 * configuration, JWKS and the v2.0 token endpoint, with Entra's AADSTS error bodies. Access tokens
 * are opaque random strings, remembered so that Graph calls can check them.
 */
import { randomBytes, randomUUID } from 'crypto';

export type IdentityResponse = { status: number; body: unknown };

export type IdentityConfig = {
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  secretExpired: boolean;
  tokenLifetimeSeconds: number;
};

/** Entra's error body: `AADSTSn: ...` with trace and correlation ids. */
export const entraError = (
  status: number,
  error: string,
  code: number,
  text: string
): IdentityResponse => {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
};

export class IdentityEndpoints {
  /** Issued access tokens -> expiry (ms since epoch). */
  private readonly tokens = new Map<string, number>();

  constructor(readonly config: IdentityConfig) {}

  private knownTenant(tenant: string) {
    const lower = tenant.toLowerCase();
    return lower === this.config.tenantId || lower === this.config.tenantDomain.toLowerCase();
  }

  private unknownTenant(tenant: string) {
    return entraError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`
    );
  }

  /** GET /{tenant}/v2.0/.well-known/openid-configuration */
  openidConfiguration(origin: string, tenant: string): IdentityResponse {
    if (!this.knownTenant(tenant)) return this.unknownTenant(tenant);
    const base = `${origin}/${this.config.tenantId}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${origin}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: [
          'sub',
          'iss',
          'aud',
          'exp',
          'iat',
          'auth_time',
          'acr',
          'nonce',
          'tid',
          'ver',
          'oid',
        ],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
    };
  }

  /** GET /{tenant}/discovery/v2.0/keys (no keys: the tokens are opaque). */
  keys(tenant: string): IdentityResponse {
    if (!this.knownTenant(tenant)) return this.unknownTenant(tenant);
    return { status: 200, body: { keys: [] } };
  }

  /** POST /{tenant}/oauth2/v2.0/token with a form body (client credentials only). */
  token(tenant: string, form: URLSearchParams): IdentityResponse {
    const { config } = this;
    if (!this.knownTenant(tenant)) return this.unknownTenant(tenant);
    const clientId = form.get('client_id') ?? '';
    if (form.get('grant_type') !== 'client_credentials') {
      return entraError(
        400,
        'unsupported_grant_type',
        70003,
        'The app requested an unsupported grant type.'
      );
    }
    if (clientId.toLowerCase() !== config.clientId) {
      return entraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${config.tenantDomain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
      );
    }
    const secret = form.get('client_secret');
    if (!secret) {
      return entraError(
        401,
        'invalid_client',
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."
      );
    }
    if (secret !== config.clientSecret) {
      return entraError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${config.clientId}'.`
      );
    }
    if (config.secretExpired) {
      return entraError(
        401,
        'invalid_client',
        7000222,
        `The provided client secret keys for app '${config.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`
      );
    }
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').some((value) => value.endsWith('/.default'))) {
      return entraError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
      );
    }
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, Date.now() + config.tokenLifetimeSeconds * 1000);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: config.tokenLifetimeSeconds,
        ext_expires_in: config.tokenLifetimeSeconds,
        access_token: accessToken,
      },
    };
  }

  /** Checks a Graph call's `Authorization` header: null when fine, else the 401 message. */
  checkBearer(header: string | undefined): string | null {
    if (!header || !/^Bearer\s+\S+/i.test(header)) return 'Access token is empty.';
    const token = header.replace(/^Bearer\s+/i, '').trim();
    const expires = this.tokens.get(token);
    if (expires === undefined) return 'Access token validation failure. Invalid audience.';
    if (expires <= Date.now()) return 'Lifetime validation failed, the token is expired.';
    return null;
  }

  /** Makes every issued access token expired (clients must fetch a new one). */
  expireAccessTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }
}
