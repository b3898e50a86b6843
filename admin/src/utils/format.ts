/** Display helpers for values the API sends back as they are (plan and audit details). */

/** A short text for any value: strings as they are, null as an em dash, the rest as JSON. */
export const show = (value: unknown): string => {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

/** `email: a@x → b@x` lines of a field diff. */
export const changeLines = (changes: Record<string, { from: unknown; to: unknown }> | undefined) =>
  Object.entries(changes ?? {}).map(
    ([field, change]) => `${field}: ${show(change.from)} → ${show(change.to)}`
  );

/** `field: value` lines of the fields of a created user. */
export const fieldLines = (fields: Record<string, unknown> | undefined) =>
  Object.entries(fields ?? {})
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([field, value]) => `${field}: ${show(value)}`);

/** One readable line for the details of an audit entry. */
export const detailsLine = (details: Record<string, unknown>): string => {
  const { changes, fields, reason, ...rest } = details as {
    changes?: Record<string, { from: unknown; to: unknown }>;
    fields?: Record<string, unknown>;
    reason?: unknown;
  } & Record<string, unknown>;
  const parts: string[] = [];
  if (typeof reason === 'string') parts.push(reason);
  parts.push(...changeLines(changes));
  parts.push(...fieldLines(fields));
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'externalId' || value === undefined) continue;
    parts.push(`${key}: ${show(value)}`);
  }
  return parts.join('; ');
};
