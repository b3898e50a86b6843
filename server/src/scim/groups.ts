/** SCIM Group resources (RFC 7643 section 4.2): displayName, externalId and the member list. */
import type { DirectoryGroup } from '../providers/types';
import { SCHEMAS } from './constants';
import { badRequest } from './errors';

export type ScimMember = { value: string; display?: string };
export type ScimGroupResource = Record<string, unknown> & {
  schemas: string[];
  displayName: string;
  members: ScimMember[];
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Members as `{ value: <user SCIM id> }`, each once, in the order first sent. */
export const readMembers = (value: unknown): ScimMember[] => {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const seen = new Set<string>();
  const members: ScimMember[] = [];
  for (const item of list) {
    const id = isObject(item) ? item.value : item;
    if (typeof id !== 'string' || !id)
      throw badRequest('Each member must be { "value": "<the user\'s SCIM id>" }.');
    if (seen.has(id)) continue;
    seen.add(id);
    const display = isObject(item) && typeof item.display === 'string' ? item.display : undefined;
    members.push(display ? { value: id, display } : { value: id });
  }
  return members;
};

/** A POST or PUT body (or the result of a PATCH) as the group resource the plugin stores. */
export const normaliseGroup = (body: unknown): ScimGroupResource => {
  if (!isObject(body)) throw badRequest('The body must be a SCIM Group object.', 'invalidSyntax');
  const displayName = typeof body.displayName === 'string' ? body.displayName.trim() : '';
  if (!displayName) throw badRequest("'displayName' is required.");
  if (
    body.externalId !== undefined &&
    body.externalId !== null &&
    typeof body.externalId !== 'string'
  )
    throw badRequest("'externalId' must be a text.");
  return {
    schemas: [SCHEMAS.group],
    displayName,
    ...(typeof body.externalId === 'string' ? { externalId: body.externalId } : {}),
    members: readMembers(body.members),
  };
};

/** The stored group as the provider seam's DirectoryGroup; members given as identity keys. */
export const toDirectoryGroup = (
  resource: ScimGroupResource,
  identityKey: string,
  memberKeys: string[]
): DirectoryGroup => ({
  externalId: identityKey,
  name: resource.displayName,
  description: null,
  members: memberKeys,
});
