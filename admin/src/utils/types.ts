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
