/**
 * The directory options the panel edits (`options` of a directory, docs/API.md): per directory type,
 * with the bounds the server's providers read them with (server/src/providers/<type>/), so a value
 * the API would refuse is refused on the field first. Labels and help texts are the guides' words
 * (en.json `option.<key>` and `option.<key>.hint`).
 */
export type OptionSpec =
  | { key: string; kind: 'boolean'; default: boolean }
  | { key: string; kind: 'number'; default: number; min: number; max: number; integer?: boolean }
  | { key: string; kind: 'select'; default: string; choices: string[] };

const fullSync = (): OptionSpec => ({
  key: 'fullSyncEveryHours',
  kind: 'number',
  default: 24,
  min: 0,
  max: 24 * 365,
});

/**
 * Options each directory type reads (server/src/providers/azure/settings.ts, okta/connection.ts,
 * csv/provider.ts), with the bounds of their schemas (server/src/providers/<type>/schema.ts).
 */
export const PROVIDER_OPTIONS: Record<string, OptionSpec[]> = {
  azure: [
    { key: 'includeGuests', kind: 'boolean', default: false },
    fullSync(),
    { key: 'pageSize', kind: 'number', default: 999, min: 1, max: 999, integer: true },
    { key: 'maxRetries', kind: 'number', default: 5, min: 0, max: 20, integer: true },
    { key: 'maxRetryAfterSeconds', kind: 'number', default: 60, min: 0, max: 3600 },
    { key: 'requestTimeoutSeconds', kind: 'number', default: 60, min: 0.1, max: 600 },
    { key: 'maxResponseMegabytes', kind: 'number', default: 64, min: 0.01, max: 512 },
  ],
  okta: [
    { key: 'stagedUsers', kind: 'select', default: 'skip', choices: ['skip', 'create-disabled'] },
    fullSync(),
    { key: 'maxRetries', kind: 'number', default: 4, min: 0, max: 20, integer: true },
    { key: 'retryBaseDelayMs', kind: 'number', default: 1000, min: 0, max: 60_000 },
    { key: 'requestTimeoutMs', kind: 'number', default: 60_000, min: 100, max: 600_000 },
    { key: 'pageSize', kind: 'number', default: 200, min: 1, max: 200, integer: true },
    { key: 'overlapSeconds', kind: 'number', default: 60, min: 0, max: 86_400 },
    { key: 'concurrency', kind: 'number', default: 4, min: 1, max: 16, integer: true },
    { key: 'rateLimitReserve', kind: 'number', default: 0.05, min: 0, max: 0.9 },
    { key: 'maxResponseMegabytes', kind: 'number', default: 32, min: 0.01, max: 512 },
  ],
  csv: [
    { key: 'timeoutMs', kind: 'number', default: 30_000, min: 1000, max: 300_000, integer: true },
  ],
};

/** Options of every directory, read by the engine and the org chart (README "Org chart"). */
export const COMMON_OPTIONS: OptionSpec[] = [
  { key: 'orgChart', kind: 'boolean', default: false },
  { key: 'orgChartEmails', kind: 'boolean', default: false },
];

/** Every option key the panel edits, beside the ones of other tabs. */
export const optionsOf = (type: string): OptionSpec[] => [
  ...(PROVIDER_OPTIONS[type] ?? []),
  ...COMMON_OPTIONS,
];

/** Options edited on other tabs: the password policy (Data mapping), the default admin role. */
export const OTHER_OPTIONS = ['passwordPolicy', 'adminDefaultRole'];

/** Why a value would be refused, or null (the same bounds as the server's). */
export const optionError = (
  spec: OptionSpec,
  value: unknown
): { id: 'option.range' | 'option.integer'; values: Record<string, number> } | null => {
  if (spec.kind !== 'number' || value === undefined || value === null) return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < spec.min || n > spec.max)
    return { id: 'option.range', values: { min: spec.min, max: spec.max } };
  if (spec.integer && !Number.isInteger(n)) return { id: 'option.integer', values: {} };
  return null;
};
