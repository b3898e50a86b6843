/**
 * PATCH (RFC 7644 section 3.5.2) as Entra ID and Okta send it. The operations are normalised (Entra's
 * capitalised `Replace` / `Add` / `Remove`, a body without the PatchOp schema) and applied by
 * scim-patch; the result is then normalised like a PUT body, which reads Entra's legacy values
 * (`active: "False"`, a bare manager id, `{ "value": "" }` for no manager).
 */
import { scimPatch, ScimError as LibraryError, type ScimPatchOperation } from 'scim-patch';
import { SCHEMAS } from './constants';
import { badRequest, SCIM_TYPES, type ScimType } from './errors';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const OPS = ['add', 'replace', 'remove'] as const;

/** The operations of a PatchOp body, checked, with lower-cased `op` names. */
export const readOperations = (body: unknown): ScimPatchOperation[] => {
  if (!isObject(body) || !Array.isArray(body.Operations) || body.Operations.length === 0)
    throw badRequest(
      `A PATCH body is { "schemas": ["${SCHEMAS.patchOp}"], "Operations": [ ... ] } with at least one operation.`,
      'invalidSyntax'
    );
  if (Array.isArray(body.schemas) && !body.schemas.includes(SCHEMAS.patchOp))
    throw badRequest(`A PATCH body's schemas must include ${SCHEMAS.patchOp}.`, 'invalidSyntax');
  return body.Operations.map((operation: unknown, index: number) => {
    if (!isObject(operation) || typeof operation.op !== 'string')
      throw badRequest(`Operations[${index}] has no 'op'.`, 'invalidSyntax');
    const op = operation.op.toLowerCase();
    if (!OPS.includes(op as never))
      throw badRequest(
        `Operations[${index}].op '${operation.op}' is not add, replace or remove.`,
        'invalidSyntax'
      );
    if (operation.path !== undefined && typeof operation.path !== 'string')
      throw badRequest(`Operations[${index}].path must be a text.`, 'invalidPath');
    if (op === 'remove' && !operation.path)
      throw badRequest(`Operations[${index}]: a remove needs a path.`, 'noTarget');
    if (op !== 'remove' && !operation.path && !isObject(operation.value))
      throw badRequest(
        `Operations[${index}]: without a path, the value must be an object of attributes.`,
        'invalidValue'
      );
    return [{ ...operation, op } as ScimPatchOperation];
  }).flatMap((operations: ScimPatchOperation[]) => operations.flatMap(byValue));
};

/**
 * Entra ID removes members as `{ op: Remove, path: members, value: [{ $ref: null, value: id }] }`;
 * scim-patch compares whole objects there, so each becomes `members[value eq "id"]`.
 */
const byValue = (operation: ScimPatchOperation): ScimPatchOperation[] => {
  const value = (operation as { value?: unknown }).value;
  if (
    operation.op !== 'remove' ||
    !operation.path ||
    operation.path.includes('[') ||
    !Array.isArray(value) ||
    !value.every((item) => isObject(item) && typeof item.value === 'string')
  )
    return [operation];
  return value.map((item) => ({
    op: 'remove',
    path: `${operation.path}[value eq ${JSON.stringify(item.value)}]`,
  }));
};

const scimTypeOf = (error: LibraryError): ScimType =>
  SCIM_TYPES.includes(error.scimCode as ScimType) ? (error.scimCode as ScimType) : 'invalidValue';

/**
 * Applies the operations to a copy of the stored resource (without id and meta). Changing the id is
 * a 400 mutability; the caller normalises the result as it does a PUT body.
 */
export const applyPatch = (
  resource: Record<string, unknown>,
  body: unknown,
  id: string
): Record<string, unknown> => {
  const operations = readOperations(body);
  let patched: Record<string, unknown>;
  try {
    patched = scimPatch(structuredClone(resource) as never, operations, {
      mutateDocument: false,
    }) as unknown as Record<string, unknown>;
  } catch (error) {
    if (error instanceof LibraryError) throw badRequest(error.message, scimTypeOf(error));
    throw error;
  }
  if (patched.id !== undefined && patched.id !== id)
    throw badRequest("'id' is assigned by the service provider and cannot change.", 'mutability');
  const { id: _id, meta: _meta, ...rest } = patched;
  return rest;
};
