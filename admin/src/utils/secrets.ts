/** The secrets to send: only those typed (a value) or cleared (null); untouched ones are left out. */
export const typedSecrets = (
  draft: Record<string, string | null | undefined>
): Record<string, string | null> | undefined => {
  const entries = Object.entries(draft).filter(
    (entry): entry is [string, string | null] => entry[1] !== undefined
  );
  return entries.length ? Object.fromEntries(entries) : undefined;
};
