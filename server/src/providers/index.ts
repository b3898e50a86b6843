/** The directory types this plugin ships, with what the API needs to know of each. */
import { createAzureProvider } from './azure';
import { createCsvProvider } from './csv';
import { createOktaProvider } from './okta';
import type { ProviderDefinition } from './registry';

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
  },
};
