/** The directory types this plugin ships, with what the API needs to know of each. */
import { createCsvProvider } from './csv';
import type { ProviderDefinition } from './registry';

const PROFILE_MAPPING = (names: [string, string][]) =>
  names.map(([source, target]) => ({ source, target }));

export const BUILT_IN_PROVIDERS: Record<string, ProviderDefinition> = {
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
