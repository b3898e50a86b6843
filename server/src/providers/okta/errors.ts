/**
 * Turns what the Okta SDK throws (OktaApiError with Okta's error body, HttpError for a non-JSON
 * body, key parsing errors) into the sync's error kinds, in words an admin can act on.
 */
import { CancelledError, StopSyncError, SyncError, TransientSyncError } from '../errors';

/** What the failing call was doing, for the message. */
export type ErrorContext = {
  authMode: 'token' | 'oauth';
  /** e.g. "read users", "list the app's groups". */
  action: string;
  /** The scope the call needs, e.g. `okta.users.read`. */
  scope?: string;
  /** Message for a 404 (E0000007), e.g. "No app with ID 0oa...". */
  notFound?: string;
};

type OktaErrorLike = {
  status: number;
  errorCode?: unknown;
  errorSummary?: unknown;
  errorId?: unknown;
  message: string;
  headers?: unknown;
};

/** An OktaApiError or HttpError from the SDK: an HTTP status and maybe Okta's error body. */
export const isOktaHttpError = (error: unknown): error is OktaErrorLike =>
  error instanceof Error && typeof (error as { status?: unknown }).status === 'number';

const header = (headers: unknown, name: string): string => {
  if (!headers || typeof headers !== 'object') return '';
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') return String(get.call(headers, name) ?? '');
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
};

/** The scope named in a 403's `WWW-Authenticate: Bearer ... error="insufficient_scope"`. */
export const missingScope = (error: unknown): string | null => {
  if (!isOktaHttpError(error)) return null;
  const value = header(error.headers, 'www-authenticate');
  if (!value.includes('insufficient_scope')) return null;
  return /scope="([^"]+)"/.exec(value)?.[1] ?? '';
};

const KEY_ERROR = /private key|key type|pem|jwk|asn1|decoder/i;

/** A SyncError for anything thrown while talking to Okta. */
export const toSyncError = (error: unknown, context: ErrorContext): Error => {
  if (error instanceof SyncError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new CancelledError();
  if (isOktaHttpError(error)) {
    const code = typeof error.errorCode === 'string' ? error.errorCode : '';
    const summary = typeof error.errorSummary === 'string' ? error.errorSummary : '';
    const said = code ? ` (${code}${summary ? ` ${summary}` : ''})` : '';
    const errorId = typeof error.errorId === 'string' ? ` Okta error id: ${error.errorId}.` : '';
    const { status } = error;
    if (status === 401) {
      return context.authMode === 'token'
        ? new StopSyncError(
            'okta-invalid-token',
            `Okta refused the API token${said}. A token stops working when it is revoked, when the admin who created it is deactivated or loses the admin role, and after 30 days without use. Create a new token (Security > API > Tokens) and save it on the Connection tab.`
          )
        : new StopSyncError(
            'okta-invalid-access-token',
            `Okta refused the service app's access token${said}. Check that the app is active and still has its public key and scopes, then test the connection again.`
          );
    }
    if (status === 403) {
      const scope = missingScope(error);
      if (scope !== null) {
        return new StopSyncError(
          'okta-missing-scope',
          `The access token lacks the scope ${scope || context.scope || ''} needed to ${context.action}${said}. Grant it on the app's "Okta API Scopes" tab.`
        );
      }
      return new StopSyncError(
        'okta-forbidden',
        context.authMode === 'token'
          ? `The API token may not ${context.action}${said}. A token acts with the rights of the admin who created it: give that admin the Read-only Administrator role (or a custom role that can view users, groups and apps), or create the token as such an admin.`
          : `The service app may not ${context.action}${said}. Assign it an admin role (e.g. Read-only Administrator) on its "Admin roles" tab${context.scope ? ` and grant ${context.scope}` : ''}.`
      );
    }
    if (status === 404) {
      return new StopSyncError(
        'okta-not-found',
        `${context.notFound ?? `Okta found nothing to ${context.action}`}${said}.`
      );
    }
    if (status === 429 || status >= 500) {
      return new TransientSyncError(
        status === 429 ? 'okta-rate-limited' : 'okta-unavailable',
        `Okta answered ${status}${said} while trying to ${context.action}. The next run will try again.${errorId}`
      );
    }
    return new StopSyncError(
      'okta-error',
      `Okta answered ${status}${said} while trying to ${context.action}.${errorId}`
    );
  }
  if (error instanceof Error && KEY_ERROR.test(error.message)) {
    return new StopSyncError(
      'okta-bad-private-key',
      `The private key could not be used (${error.message.slice(0, 160)}). Paste the whole private key: the PEM text (-----BEGIN PRIVATE KEY----- ...) or the JWK JSON Okta generated.`
    );
  }
  return error instanceof Error ? error : new Error(String(error));
};
