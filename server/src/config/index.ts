/** Plugin configuration (config/plugins.ts `'user-directory-sync': { config: {...} }`). */
import { validateSchema } from '../controllers/validation';
import { bounded, boolean, strictObject, yup } from '../providers/schema';

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

/** The plugin config's schema (yup from @strapi/utils, as for the directory settings). */
const configSchema = strictObject(
  {
    encryptionKey: yup
      .string()
      .typeError('must be a string of at least 16 characters')
      .min(16, 'must be a string of at least 16 characters')
      .nullable(),
    allowHttp: boolean(),
    csvMaxBytes: bounded(1, 2 ** 40, true),
    batchSize: bounded(1, 5000, true),
    scheduler: strictObject({ enabled: boolean().required('must be true or false') }, 'setting'),
    leaseSeconds: bounded(1, 24 * 3600, true),
  },
  'setting'
);

/** Fails Strapi's start-up with a message naming each bad setting. */
const validator = (config: unknown) => {
  if (typeof config !== 'object' || config === null)
    throw new Error('user-directory-sync config: the config must be an object.');
  try {
    validateSchema(configSchema, config);
  } catch (error) {
    throw new Error(`user-directory-sync config: ${(error as Error).message}`);
  }
};

export default { default: defaultConfig, validator };
