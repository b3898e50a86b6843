/** The admin API of a SCIM directory (server/src/scim/admin.ts), used by the panel. */
export namespace Scim {
  export type Token = {
    id: number;
    /** The last characters of the token, e.g. `…x7Qa`: the token itself is never sent back. */
    hint: string;
    issuedBy: string | null;
    createdAt: string;
    lastUsedAt: string | null;
  };

  export type Activity = {
    /** Requests per hour of the last 24 hours, newest first. */
    hours: { hour: string; requests: number; errors: number }[];
    lastErrors: { at: string; method: string; path: string; status: number; detail: string }[];
    lastRequestAt: string | null;
  };

  /** A deactivation the brake holds until an admin confirms it. */
  export type Held = { externalId: string; subject: string | null; runId: number };

  /** GET /directories/:id/scim */
  export type Show = {
    data: { baseUrl: string; tokens: Token[]; maxTokens: number; activity: Activity; held: Held[] };
  };

  /** POST /directories/:id/scim/tokens: the only answer that carries the token. */
  export type Issued = { data: { id: number; token: string; hint: string; revoked: number[] } };

  /** POST /directories/:id/scim/confirm */
  export type Confirmed = { data: { disabled: number } };
}
