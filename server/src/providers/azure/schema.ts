/** The Azure directory's settings as the API accepts them: connection and options. */
import {
  bounded,
  boolean,
  originOf,
  pem,
  requiredText,
  strictObject,
  url,
  type ProviderSchema,
} from '../schema';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const AZURE_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const AZURE_GRAPH_BASE_URL = 'https://graph.microsoft.com';

export const azureSchema: ProviderSchema = {
  connection: strictObject(
    {
      tenantId: requiredText(
        'copy the Directory (tenant) ID from the app registration (a GUID or the tenant domain)'
      ).test(
        'tenant',
        'must be the Directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47, or the tenant domain such as contoso.onmicrosoft.com',
        (value) => !value || GUID.test(value.trim()) || DOMAIN.test(value.trim())
      ),
      clientId: requiredText('copy the Application (client) ID from the app registration').matches(
        GUID,
        'must be the Application (client) ID, a GUID'
      ),
      authorityHost: url(AZURE_AUTHORITY_HOST),
      graphBaseUrl: url(AZURE_GRAPH_BASE_URL),
      caCertificate: pem(),
    },
    'connection field'
  ),
  options: strictObject(
    {
      includeGuests: boolean(),
      pageSize: bounded(1, 999, true),
      maxRetryAfterSeconds: bounded(0, 3600),
      maxRetries: bounded(0, 20, true),
      fullSyncEveryHours: bounded(0, 24 * 365),
      requestTimeoutSeconds: bounded(0.1, 600),
      maxResponseMegabytes: bounded(0.01, 512),
    },
    'option'
  ),
  /** The client secret goes to the authority host; the token it buys goes to Graph. */
  endpoint: (connection) =>
    `${originOf(connection.authorityHost, AZURE_AUTHORITY_HOST)} ${originOf(
      connection.graphBaseUrl,
      AZURE_GRAPH_BASE_URL
    )}`,
  boundSecrets: ['clientSecret'],
};
