/** The Okta directory's settings as the API accepts them: connection and options. */
import { StopSyncError } from '../errors';
import {
  bounded,
  oneOf,
  pem,
  requiredText,
  strictObject,
  text,
  yup,
  type ProviderSchema,
} from '../schema';
import { normalizeOrgUrl } from './connection';

/**
 * Plain http:// is saved only for a loopback org (a local test org); whether it is then used is
 * the plugin config's allowHttp, which the provider checks at test and run time.
 */
const loopback = (value: unknown) =>
  /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i.test(String(value ?? '').trim());

/** The org URL the provider will call, or null when it would refuse it. */
const orgUrlOf = (value: unknown): string | null => {
  try {
    return normalizeOrgUrl(value, loopback(value));
  } catch (error) {
    if (error instanceof StopSyncError) return null;
    throw error;
  }
};

export const oktaSchema: ProviderSchema = {
  connection: strictObject(
    {
      orgUrl: requiredText('enter the Okta org URL, e.g. https://acme.okta.com', 2048).test(
        'org-url',
        '',
        function check(value) {
          if (!value) return true;
          try {
            normalizeOrgUrl(value, loopback(value));
          } catch (error) {
            if (!(error instanceof StopSyncError)) throw error;
            return this.createError({ message: error.message });
          }
          return true;
        }
      ),
      authMode: oneOf(['token', 'oauth'] as const).required('must be token or oauth'),
      clientId: text().when('authMode', {
        is: 'oauth',
        then: (schema: yup.StringSchema) =>
          schema.required("the API Services app's client ID is required in oauth mode"),
      }),
      keyId: text(),
      appId: text(),
      caCertificate: pem(),
    },
    'connection field'
  ),
  options: strictObject(
    {
      stagedUsers: oneOf(['skip', 'create-disabled'] as const),
      fullSyncEveryHours: bounded(0, 24 * 365),
      maxRetries: bounded(0, 20, true),
      retryBaseDelayMs: bounded(0, 60_000),
      requestTimeoutMs: bounded(100, 600_000),
      pageSize: bounded(1, 200, true),
      overlapSeconds: bounded(0, 86_400),
      concurrency: bounded(1, 16, true),
      rateLimitReserve: bounded(0, 0.9),
      maxResponseMegabytes: bounded(0.01, 512),
    },
    'option'
  ),
  endpoint: (connection) => orgUrlOf(connection.orgUrl) ?? '',
  boundSecrets: ['apiToken', 'privateKey'],
};
