/**
 * SCIM errors (RFC 7644 section 3.12): a status, the RFC's scimType where it names one, and a detail
 * a person can act on. Every failure of a SCIM request is answered as one of these.
 */
import { SCHEMAS } from './constants';

export const SCIM_TYPES = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
] as const;
export type ScimType = (typeof SCIM_TYPES)[number];

export class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: ScimType,
    /** Extra response headers (Retry-After on a held deactivation). */
    readonly headers: Record<string, string> = {}
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The error message body: `status` is a string, as the RFC's examples have it. */
  toBody() {
    return {
      schemas: [SCHEMAS.error],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.message,
    };
  }
}

export const badRequest = (detail: string, scimType: ScimType = 'invalidValue') =>
  new ScimError(400, detail, scimType);

export const notFound = (detail: string) => new ScimError(404, detail);

/** The answer to a missing, malformed or unknown token: says nothing of what exists. */
export const unauthorized = () =>
  new ScimError(
    401,
    'Authentication failed: send the directory\'s SCIM token as "Bearer <token>".',
    undefined,
    {
      'WWW-Authenticate': 'Bearer realm="SCIM"',
    }
  );
