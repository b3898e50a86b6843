/** The directory types this plugin ships, with what the API needs to know of each. */
import { createAzureProvider } from './azure';
import { createCsvProvider } from './csv';
import { createOktaProvider } from './okta';
import { azureSchema } from './azure/schema';
import { csvSchema } from './csv/schema';
import { oktaSchema } from './okta/schema';
import type { ProviderDefinition } from './registry';
import { SCIM_PROVIDER } from '../scim/provider';

const PROFILE_MAPPING = (names: [string, string][]) =>
  names.map(([source, target]) => ({ source, target }));

export const BUILT_IN_PROVIDERS: Record<string, ProviderDefinition> = {
  azure: {
    factory: createAzureProvider as ProviderDefinition['factory'],
    secrets: ['clientSecret'],
    requiredConnection: ['tenantId', 'clientId'],
    defaultMapping: PROFILE_MAPPING([
      ['jobTitle', 'jobTitle'],
      ['department', 'department'],
      ['employeeId', 'employeeId'],
      ['mobilePhone', 'phone'],
    ]),
    usersByGroup: true,
    schema: azureSchema,
  },
  okta: {
    factory: createOktaProvider as ProviderDefinition['factory'],
    secrets: ['apiToken', 'privateKey'],
    requiredConnection: ['orgUrl', 'authMode'],
    defaultMapping: PROFILE_MAPPING([
      ['title', 'jobTitle'],
      ['department', 'department'],
      ['employeeNumber', 'employeeId'],
      ['mobilePhone', 'phone'],
    ]),
    usersByGroup: true,
    schema: oktaSchema,
  },
  csv: {
    factory: createCsvProvider as ProviderDefinition['factory'],
    secrets: ['password', 'defaultPassword'],
    requiredConnection: ['location', 'matchField'],
    defaultMapping: PROFILE_MAPPING([
      ['jobTitle', 'jobTitle'],
      ['department', 'department'],
      ['employeeId', 'employeeId'],
      ['phone', 'phone'],
    ]),
    usersByGroup: false,
    schema: csvSchema,
  },
  scim: SCIM_PROVIDER,
};
