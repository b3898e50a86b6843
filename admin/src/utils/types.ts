import type { Directories } from '../../../shared/contracts';
import type { MessageKey } from '../hooks/useT';

/** The label of a directory type; types without one (test types) show as they are named. */
export const TYPE_LABELS: Record<string, MessageKey> = {
  azure: 'type.azure',
  okta: 'type.okta',
  csv: 'type.csv',
  scim: 'type.scim',
};

/** Secrets edited on the Data mapping tab rather than with the connection. */
export const MAPPING_SECRETS = ['defaultPassword'];

/** The target can change until the directory has run: its identity links point into one table. */
export const targetFixed = (directory: Directories.Directory) =>
  directory.lastRunAt !== null || Boolean(directory.lastRun);

/** Strapi's own Super Admin role (admin target): only a Super Admin may map it. */
export const SUPER_ADMIN_CODE = 'strapi-super-admin';
