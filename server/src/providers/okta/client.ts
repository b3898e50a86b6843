/**
 * Builds the Okta SDK client from the directory's settings alone.
 *
 * The SDK also reads `~/.okta/okta.yaml`, `./okta.yaml` and OKTA_CLIENT_* environment variables; it
 * lets constructor values win, so every setting it knows is passed here, empty when unused, and a
 * stray file or variable changes nothing. Its response cache (which would keep single-object GETs
 * forever) is turned off.
 */
import { createPrivateKey, type JsonWebKeyInput } from 'crypto';
import { Client } from '@okta/okta-sdk-nodejs';
import { StopSyncError } from '../errors';
import type { OktaConnection } from './connection';
import type { OktaRequestExecutor } from './request-executor';

/** The management scopes the sync asks for. */
export const OKTA_SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.apps.read'] as const;

const USER_AGENT = 'strapi-plugin-user-directory-sync';

/** Checks the private key before the SDK sees it (its own errors are cryptic). */
const checkPrivateKey = (text: string) => {
  const trimmed = text.trim();
  let key;
  try {
    key = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKeyInput['key'], format: 'jwk' })
      : createPrivateKey(trimmed);
  } catch (error) {
    const looksPublic =
      /PUBLIC KEY/.test(trimmed) || (trimmed.startsWith('{') && !/"d"\s*:/.test(trimmed));
    throw new StopSyncError(
      'okta-bad-private-key',
      looksPublic
        ? 'This is a public key: paste the private key of the pair (the public key stays registered in Okta).'
        : `The private key could not be read (${error instanceof Error ? error.message : String(error)}). Paste the whole PEM (-----BEGIN PRIVATE KEY----- ...) or the JWK JSON Okta generated.`
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new StopSyncError(
      'okta-bad-private-key',
      `The private key is ${key.asymmetricKeyType ?? 'of an unknown type'}: Okta service apps need an RSA key here.`
    );
  }
};

/** Everything the SDK's constructor reads, so that nothing comes from okta.yaml or OKTA_CLIENT_*. */
type FullConfiguration = NonNullable<ConstructorParameters<typeof Client>[0]> & {
  userAgent: string;
};

/** A client for `orgUrl` (already normalized) using the executor for all traffic. */
export const createOktaClient = (input: {
  orgUrl: string;
  connection: OktaConnection;
  secrets: Record<string, string | null>;
  executor: OktaRequestExecutor;
  scopes?: readonly string[];
}): Client => {
  const { orgUrl, connection, secrets, executor } = input;
  const neutral = {
    orgUrl,
    requestExecutor: executor,
    cacheMiddleware: null,
    userAgent: USER_AGENT,
    token: '',
    clientId: '',
    scopes: [] as string[],
    privateKey: '',
    keyId: '',
  };
  let config: FullConfiguration;
  if (connection.authMode === 'oauth') {
    const clientId = connection.clientId?.trim();
    const privateKey = secrets.privateKey?.trim();
    if (!clientId) {
      throw new StopSyncError('okta-settings', 'Enter the Client ID of the Okta API Services app.');
    }
    if (!privateKey) {
      throw new StopSyncError(
        'okta-settings',
        "Paste the API Services app's private key (PEM or JWK)."
      );
    }
    checkPrivateKey(privateKey);
    config = {
      ...neutral,
      authorizationMode: 'PrivateKey',
      clientId,
      scopes: [...(input.scopes ?? OKTA_SCOPES)],
      privateKey,
      keyId: connection.keyId?.trim() ?? '',
    };
  } else if (connection.authMode === 'token') {
    const token = secrets.apiToken?.trim();
    if (!token) {
      throw new StopSyncError(
        'okta-settings',
        'Paste an Okta API token (Security > API > Tokens).'
      );
    }
    config = { ...neutral, authorizationMode: 'SSWS', token: token.replace(/^SSWS\s+/i, '') };
  } else {
    throw new StopSyncError(
      'okta-settings',
      `Choose how to sign in to Okta: "token" (API token) or "oauth" (API Services app), not ${JSON.stringify(connection.authMode)}.`
    );
  }
  try {
    return new Client(config);
  } catch (error) {
    // Only a broken okta.yaml (read by the SDK whatever we pass) gets here.
    throw new StopSyncError(
      'okta-settings',
      `The Okta SDK could not start: ${error instanceof Error ? error.message : String(error)}. Check for a broken okta.yaml in the working directory or ~/.okta/.`
    );
  }
};
