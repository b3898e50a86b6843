/** Plugin configuration (config/plugins.ts `'user-directory-sync': { config: {...} }`). */

export type PluginConfig = {
  /** Key for encrypting secrets at rest; else USER_DIRECTORY_SYNC_KEY, else derived from APP_KEYS. */
  encryptionKey: string | null;
  /** Allow plain http:// for CSV files and Okta org URLs (off: only https). */
  allowHttp: boolean;
  /** Largest CSV file accepted, in bytes. */
  csvMaxBytes: number;
  /** Users written per transaction. */
  batchSize: number;
  /** The background ticker that starts due directories. */
  scheduler: { enabled: boolean };
  /** How long a run's lease lasts without renewal, in seconds. */
  leaseSeconds: number;
};

const defaultConfig = {
  encryptionKey: null,
  allowHttp: false,
  csvMaxBytes: 50 * 1024 * 1024,
  batchSize: 2000,
  scheduler: { enabled: true },
  leaseSeconds: 120,
} satisfies PluginConfig;

const fail = (message: string): never => {
  throw new Error(`user-directory-sync config: ${message}`);
};

const positiveInteger = (config: Record<string, unknown>, key: string) => {
  const value = config[key];
  if (value !== undefined && (!Number.isInteger(value) || (value as number) <= 0)) {
    fail(`"${key}" must be a positive whole number, got ${JSON.stringify(value)}.`);
  }
};

/** Fails Strapi's start-up with a message naming the bad setting. */
const validator = (config: unknown) => {
  if (typeof config !== 'object' || config === null) fail('the config must be an object.');
  const c = config as Record<string, unknown>;
  const key = c.encryptionKey;
  if (key !== undefined && key !== null && (typeof key !== 'string' || key.length < 16)) {
    fail('"encryptionKey" must be a string of at least 16 characters.');
  }
  if (c.allowHttp !== undefined && typeof c.allowHttp !== 'boolean') {
    fail('"allowHttp" must be true or false.');
  }
  positiveInteger(c, 'csvMaxBytes');
  positiveInteger(c, 'batchSize');
  positiveInteger(c, 'leaseSeconds');
  const batchSize = c.batchSize as number | undefined;
  if (batchSize !== undefined && batchSize > 5000) fail('"batchSize" must be at most 5000.');
  const scheduler = c.scheduler as Record<string, unknown> | undefined;
  if (scheduler !== undefined && typeof scheduler?.enabled !== 'boolean') {
    fail('"scheduler.enabled" must be true or false.');
  }
};

export default { default: defaultConfig, validator };
