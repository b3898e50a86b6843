/**
 * The `scim` directory type in the provider registry. A SCIM directory is pushed to by the identity
 * provider; there is nothing to pull, so a run (Sync now, the schedule) is refused with the reason.
 */
import { StopSyncError } from '../providers/errors';
import type { DirectoryProvider } from '../providers/types';
import type { ProviderDefinition } from '../providers/registry';

export const SCIM_PULL_REFUSED =
  'A SCIM directory is not pulled: Entra ID or Okta push each change to its SCIM endpoint (the tenant URL on its Connection tab).';

const createScimProvider = (): DirectoryProvider => {
  const refuse = () => {
    throw new StopSyncError('scim-push-only', SCIM_PULL_REFUSED);
  };
  return {
    async testConnection() {
      return {
        ok: true,
        message:
          'Nothing to test from Strapi: use Test Connection in Entra ID or Okta with the tenant URL and token of this directory.',
        checks: [],
      };
    },
    async *listGroups() {
      yield [];
    },
    listSyncGroups: () => refuse(),
    listUsers: () => refuse(),
  };
};

export const SCIM_PROVIDER: ProviderDefinition = {
  factory: createScimProvider as ProviderDefinition['factory'],
  secrets: [],
  requiredConnection: [],
  defaultMapping: [
    { source: 'title', target: 'jobTitle' },
    { source: 'department', target: 'department' },
    { source: 'employeeNumber', target: 'employeeId' },
    { source: 'phoneNumber', target: 'phone' },
  ],
  usersByGroup: false,
};
