/**
 * Credentials of the fake Okta org: one SSWS API token, and OAuth 2.0 service apps that get access
 * tokens from `POST /oauth2/v1/token` with the client-credentials grant and a private_key_jwt client
 * assertion (RS256, checked against the app's registered public keys by `kid`).
 */
import {
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  verify,
  type JsonWebKeyInput,
  type KeyObject,
} from 'crypto';

/** The management scopes a sync needs. */
export const READ_SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read'] as const;

export type ServiceAppKey = { kid: string; publicKey: KeyObject; status: 'ACTIVE' | 'INACTIVE' };

export type ServiceApp = {
  clientId: string;
  keys: ServiceAppKey[];
  /** Scopes granted on the app's "Okta API Scopes" tab. */
  grantedScopes: Set<string>;
  /** The app requires DPoP proofs (the SDK 8.1.0 cannot complete that flow). */
  requireDpop: boolean;
};

/** What a test or the demo needs to act as the service app. */
export type ServiceAppCredentials = {
  clientId: string;
  keyId: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** The same key as a JWK (with `kid`), as Okta's "Generate new key" offers it. */
  privateJwk: Record<string, unknown>;
};

export type AccessToken = { clientId: string; scopes: Set<string>; expiresAt: number };

export type TokenResult =
  | { kind: 'token'; body: Record<string, unknown> }
  | {
      kind: 'error';
      status: number;
      error: string;
      description: string;
      headers?: Record<string, string>;
    };

export type Identity =
  { mode: 'ssws' } | { mode: 'bearer'; token: AccessToken } | { mode: 'invalid'; expired: boolean };

const b64url = (value: string) => Buffer.from(value, 'base64url');

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random letters and digits, as in Okta ids. */
const alphanumeric = (length: number) =>
  Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');

export class OktaAuth {
  apiToken: string;
  readonly apps = new Map<string, ServiceApp>();
  private readonly tokens = new Map<string, AccessToken>();
  private readonly usedJti = new Map<string, number>();
  /** Access token lifetime in ms (Okta: one hour). */
  tokenLifetimeMs = 3_600_000;

  constructor(apiToken?: string) {
    this.apiToken = apiToken ?? `00${randomBytes(30).toString('base64url').slice(0, 40)}`;
  }

  /** Registers a service app with a fresh RSA key pair; returns what its owner would paste. */
  createServiceApp(
    options: { clientId?: string; scopes?: string[]; requireDpop?: boolean } = {}
  ): ServiceAppCredentials {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const clientId = options.clientId ?? `0oa${alphanumeric(17)}`;
    const kid = randomBytes(16).toString('base64url');
    this.apps.set(clientId, {
      clientId,
      keys: [{ kid, publicKey, status: 'ACTIVE' }],
      grantedScopes: new Set(options.scopes ?? READ_SCOPES),
      requireDpop: options.requireDpop ?? false,
    });
    return {
      clientId,
      keyId: kid,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    };
  }

  /** Adds a public key (PEM or JWK) to a service app, e.g. one the admin generated elsewhere. */
  addPublicKey(clientId: string, kid: string, key: string | Record<string, unknown>) {
    const app = this.mustApp(clientId);
    const publicKey =
      typeof key === 'string'
        ? createPublicKey(key)
        : createPublicKey({ key: key as JsonWebKeyInput['key'], format: 'jwk' });
    app.keys.push({ kid, publicKey, status: 'ACTIVE' });
  }

  /** Grants or revokes scopes on a service app. */
  setGrantedScopes(clientId: string, scopes: string[]) {
    this.mustApp(clientId).grantedScopes = new Set(scopes);
  }

  /** Expires every access token (the next API call gets 401). */
  revokeAccessTokens() {
    this.tokens.clear();
  }

  private mustApp(clientId: string): ServiceApp {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`No service app ${clientId}`);
    return app;
  }

  /** Checks an `Authorization` header: SSWS token or Bearer access token. */
  authenticate(header: string | undefined): Identity {
    const invalid: Identity = { mode: 'invalid', expired: false };
    if (!header) return invalid;
    const [scheme, ...rest] = header.split(' ');
    const value = rest.join(' ').trim();
    if (scheme === 'SSWS') return value === this.apiToken ? { mode: 'ssws' } : invalid;
    if (scheme.toLowerCase() === 'bearer') {
      const token = this.tokens.get(value);
      if (!token) return invalid;
      if (token.expiresAt <= Date.now()) return { mode: 'invalid', expired: true };
      return { mode: 'bearer', token };
    }
    return invalid;
  }

  /** `POST /oauth2/v1/token` for the org authorization server. */
  issueToken(form: URLSearchParams, audience: string, dpopHeader: string | undefined): TokenResult {
    const fail = (status: number, error: string, description: string): TokenResult => ({
      kind: 'error',
      status,
      error,
      description,
    });
    if (form.get('grant_type') !== 'client_credentials') {
      return fail(400, 'unsupported_grant_type', 'The authorization grant type is not supported.');
    }
    if (
      form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
    ) {
      return fail(401, 'invalid_client', 'Client authentication failed.');
    }
    const assertion = form.get('client_assertion') ?? '';
    const parts = assertion.split('.');
    if (parts.length !== 3)
      return fail(401, 'invalid_client', 'The client_assertion token is malformed.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(b64url(parts[0]).toString('utf8'));
      claims = JSON.parse(b64url(parts[1]).toString('utf8'));
    } catch {
      return fail(401, 'invalid_client', 'The client_assertion token is malformed.');
    }
    const clientId = typeof claims.iss === 'string' ? claims.iss : '';
    const app = this.apps.get(clientId);
    if (!app || (form.get('client_id') && form.get('client_id') !== clientId)) {
      return fail(401, 'invalid_client', "Invalid value for 'client_id' parameter.");
    }
    if (claims.sub !== clientId) {
      return fail(
        401,
        'invalid_client',
        "The 'sub' claim of the client_assertion must match the 'iss' claim."
      );
    }
    if (header.alg !== 'RS256') {
      return fail(
        401,
        'invalid_client',
        `The client_assertion signature algorithm ${String(header.alg)} is not supported.`
      );
    }
    const candidates = app.keys.filter(
      (key) => key.status === 'ACTIVE' && (header.kid === undefined || key.kid === header.kid)
    );
    if (candidates.length === 0) {
      return fail(
        401,
        'invalid_client',
        'The client_assertion token has a kid which is not registered for the client.'
      );
    }
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = b64url(parts[2]);
    if (!candidates.some((key) => verify('RSA-SHA256', signed, key.publicKey, signature))) {
      return fail(401, 'invalid_client', 'The client_assertion signature is invalid.');
    }
    if (claims.aud !== audience) {
      return fail(
        401,
        'invalid_client',
        'The audience claim for client_assertion must be the endpoint invoked for the request.'
      );
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now) {
      return fail(401, 'invalid_client', 'The client_assertion token is expired.');
    }
    if (claims.exp > now + 3600) {
      return fail(
        401,
        'invalid_client',
        'The client_assertion token has an expiration too far in the future.'
      );
    }
    if (typeof claims.jti === 'string') {
      for (const [jti, until] of this.usedJti) if (until <= now) this.usedJti.delete(jti);
      if (this.usedJti.has(claims.jti)) {
        return fail(401, 'invalid_client', 'The client_assertion token has already been used.');
      }
      this.usedJti.set(claims.jti, claims.exp);
    }
    if (app.requireDpop && !/"nonce"/.test(decodeDpop(dpopHeader))) {
      return {
        kind: 'error',
        status: 400,
        error: 'use_dpop_nonce',
        description: 'Authorization server requires nonce in DPoP proof.',
        headers: { 'DPoP-Nonce': randomBytes(16).toString('base64url') },
      };
    }
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (requested.length === 0)
      return fail(400, 'invalid_scope', 'The authorization server requires a scope.');
    if (requested.some((scope) => !app.grantedScopes.has(scope))) {
      return fail(
        400,
        'invalid_scope',
        'One or more scopes are not configured for the authorization server resource.'
      );
    }
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, {
      clientId,
      scopes: new Set(requested),
      expiresAt: Date.now() + this.tokenLifetimeMs,
    });
    return {
      kind: 'token',
      body: {
        token_type: 'Bearer',
        expires_in: Math.round(this.tokenLifetimeMs / 1000),
        access_token: accessToken,
        scope: requested.join(' '),
      },
    };
  }
}

const decodeDpop = (header: string | undefined): string => {
  const payload = header?.split('.')[1];
  return payload ? b64url(payload).toString('utf8') : '';
};
