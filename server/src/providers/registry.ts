/**
 * Which provider serves which directory type. The three real sources register themselves at start;
 * tests register a test-only type through the `providers` service.
 */
import type { ProviderSchema } from './schema';
import type { ProviderFactory } from './types';

/** What the engine and the API need to know about one type of source. */
export type ProviderDefinition = {
  factory: ProviderFactory<never>;
  /** Names of the secrets its connection takes (write-only in the API). */
  secrets: readonly string[];
  /** Connection fields that must be present, for the 400 on save. */
  requiredConnection: readonly string[];
  /** Default data mapping rows (source attribute -> user attribute). */
  defaultMapping: { source: string; target: string }[];
  /** The source selects users by group (azure, okta): no group selected means no user. */
  usersByGroup: boolean;
  /**
   * The connection and options schemas (checked at save and before each run), and where the
   * secrets go. A type without one (a test provider) gets its required fields checked only.
   */
  schema?: ProviderSchema;
};

export const createProviderRegistry = () => {
  const definitions = new Map<string, ProviderDefinition>();
  return {
    register(type: string, definition: ProviderDefinition) {
      definitions.set(type, definition);
    },
    get(type: string): ProviderDefinition | undefined {
      return definitions.get(type);
    },
    types(): string[] {
      return [...definitions.keys()];
    },
  };
};

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
