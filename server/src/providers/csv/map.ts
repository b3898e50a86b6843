import { CSV_ROLE_COLUMNS, USER_ATTRIBUTES } from '../../../../shared/contracts';
import type { DirectoryUser } from '../types';

/** The user fields a column maps to by its header alone (compared case-insensitively). */
export const CSV_USER_FIELDS = USER_ATTRIBUTES;

/** Fields every user needs: a row missing one is skipped. */
export const CSV_REQUIRED_FIELDS = ['email', 'firstname', 'lastname'] as const;

/** Columns with a role of their own rather than an attribute. */
const SPECIAL_FIELDS = [...CSV_ROLE_COLUMNS, 'enabled'];

/** How the columns of a file map to a user, resolved once from the header row. */
export type ColumnPlan = {
  headers: string[];
  /** Index of the match column (username and externalId). */
  match: number;
  manager: number | null;
  groups: number | null;
  password: number | null;
  active: number | null;
  /** Columns that become attributes: mapped fields by field name, the others by header. */
  attributes: { index: number; key: string }[];
  /** Index of each mapped user field (`email` -> 3). */
  fields: Map<string, number>;
};

/** A file-level problem with the header row; `check` says which connection test line it fails. */
export type HeaderProblem = {
  check: 'format' | 'match' | 'required';
  code: string;
  message: string;
};

export type ColumnSettings = {
  matchField: string;
  managerField?: string;
  columns?: { column: string; field: string }[];
};

const lower = (value: string) => value.trim().toLowerCase();

/** The field a header names by itself (`EMAIL` -> `email`, `enabled` -> `active`), else null. */
const knownField = (header: string): string | null => {
  const known = [...CSV_USER_FIELDS, ...SPECIAL_FIELDS].find(
    (name) => lower(name) === lower(header)
  );
  if (known === 'enabled') return 'active';
  return known ?? null;
};

const list = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * Resolves the header row into a column plan. Problems are returned, not thrown, so the connection
 * test can show each of them; `plan` is null when the header cannot be used at all.
 */
export const resolveColumns = (
  rawHeaders: string[],
  settings: ColumnSettings
): { plan: ColumnPlan | null; problems: HeaderProblem[] } => {
  const headers = rawHeaders.map((header) => header.trim());
  const named = headers.filter((header) => header !== '');
  const found = `columns found: ${list(named)}`;
  if (named.length === 0) {
    return {
      plan: null,
      problems: [{ check: 'format', code: 'csv-no-header', message: 'the file has no header row' }],
    };
  }
  const data = named.find((header) => header.includes('@'));
  if (data) {
    const message = `the file has no header row: its first line holds data ('${data}'); add a header line naming the columns`;
    return { plan: null, problems: [{ check: 'format', code: 'csv-no-header', message }] };
  }
  const seen = new Map<string, number>();
  const duplicates = new Set<string>();
  headers.forEach((header, index) => {
    if (header === '') return;
    if (seen.has(lower(header))) duplicates.add(header);
    else seen.set(lower(header), index);
  });
  if (duplicates.size > 0) {
    const message = `the file has duplicate column names: ${list([...duplicates])}`;
    return { plan: null, problems: [{ check: 'format', code: 'csv-duplicate-columns', message }] };
  }

  const problems: HeaderProblem[] = [];
  const mapping = new Map(
    (settings.columns ?? []).map((entry) => [
      lower(entry.column),
      knownField(entry.field) ?? entry.field.trim(),
    ])
  );
  const plan: ColumnPlan = {
    headers,
    match: -1,
    manager: null,
    groups: null,
    password: null,
    active: null,
    attributes: [],
    fields: new Map(),
  };
  const claimedBy = new Map<string, string>();
  headers.forEach((header, index) => {
    if (header === '') return;
    const key = lower(header);
    if (key === lower(settings.matchField)) plan.match = index;
    if (settings.managerField && key === lower(settings.managerField)) plan.manager = index;
    const field = mapping.get(key) ?? knownField(header);
    if (field === null) {
      plan.attributes.push({ index, key: header });
      return;
    }
    const other = claimedBy.get(field);
    if (other !== undefined) {
      problems.push({
        check: 'format',
        code: 'csv-ambiguous-columns',
        message: `two columns map to the field '${field}': '${other}' and '${header}'`,
      });
      return;
    }
    claimedBy.set(field, header);
    if (field === 'groups') plan.groups = index;
    else if (field === 'password') plan.password = index;
    else if (field === 'active') plan.active = index;
    else {
      plan.fields.set(field, index);
      plan.attributes.push({ index, key: field });
    }
  });

  if (plan.match < 0) {
    problems.push({
      check: 'match',
      code: 'csv-no-match-column',
      message: `the match column '${settings.matchField}' is not in the file; ${found}`,
    });
  }
  if (settings.managerField && plan.manager === null) {
    problems.push({
      check: 'match',
      code: 'csv-no-manager-column',
      message: `the manager column '${settings.managerField}' is not in the file; ${found}`,
    });
  }
  const missing = CSV_REQUIRED_FIELDS.filter((field) => !plan.fields.has(field));
  if (missing.length > 0) {
    problems.push({
      check: 'required',
      code: 'csv-missing-columns',
      message: `the file has no column for the required field${missing.length > 1 ? 's' : ''} ${list(missing)}; ${found} (name the columns so, or map them in the connection's column mapping)`,
    });
  }
  return { plan, problems };
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
const TRUE_VALUES = ['true', '1', 'yes', 'y'];
const FALSE_VALUES = ['false', '0', 'no', 'n'];

/** A row mapped to a user, or the reason it is skipped. `null`: a blank row, ignored. */
export type RowOutcome =
  | { user: DirectoryUser; skip?: undefined }
  | { user?: undefined; skip: { origin: string; externalId: string | null; reason: string } };

const cell = (fields: string[], index: number | null | undefined): string | null => {
  if (index === null || index === undefined) return null;
  const value = (fields[index] ?? '').trim();
  return value === '' ? null : value;
};

/** Splits a groups cell (`A; B | C`) into distinct group names. */
export const splitGroups = (value: string | null): string[] =>
  value === null
    ? []
    : [
        ...new Set(
          value
            .split(/[;|]/)
            .map((name) => name.trim())
            .filter(Boolean)
        ),
      ];

/** True for a row whose every field is blank (e.g. `,,,` left by a spreadsheet). */
export const isBlankRow = (fields: string[]): boolean =>
  fields.every((field) => field.trim() === '');

/**
 * Maps one data row to a DirectoryUser, or says why it is skipped. `password` is the row's own
 * password, or null: the run then follows the directory's password policy.
 */
export const mapRow = (fields: string[], line: number, plan: ColumnPlan): RowOutcome => {
  const origin = `line ${line}`;
  const matchValue = cell(fields, plan.match);
  const skip = (reason: string): RowOutcome => ({
    skip: { origin, externalId: matchValue, reason },
  });
  if (fields.length !== plan.headers.length) {
    return skip(`the row has ${fields.length} fields, the header has ${plan.headers.length}`);
  }
  const value = (field: string) => cell(fields, plan.fields.get(field));
  const reasons: string[] = [];
  if (matchValue === null) reasons.push(`missing ${plan.headers[plan.match]}`);
  for (const field of CSV_REQUIRED_FIELDS) {
    if (value(field) === null && plan.fields.get(field) !== plan.match) {
      reasons.push(`missing ${field}`);
    }
  }
  const email = value('email');
  if (email !== null && !EMAIL.test(email)) reasons.push(`bad email '${email}'`);
  let active = true;
  const activeValue = cell(fields, plan.active);
  if (activeValue !== null) {
    if (FALSE_VALUES.includes(activeValue.toLowerCase())) active = false;
    else if (!TRUE_VALUES.includes(activeValue.toLowerCase())) {
      reasons.push(
        `bad ${plan.headers[plan.active ?? 0]} value '${activeValue}' (use true or false)`
      );
    }
  }
  const rawPassword = plan.password === null ? '' : (fields[plan.password] ?? '');
  // No password: the run gives a random one (or the shared one the admin chose), never a skip.
  const password = rawPassword.trim() !== '' ? rawPassword : null;
  if (reasons.length > 0 || matchValue === null) return skip(reasons.join('; '));

  const attributes: Record<string, unknown> = {};
  for (const { index, key } of plan.attributes) attributes[key] = cell(fields, index);
  const firstName = value('firstname');
  const lastName = value('lastname');
  return {
    user: {
      externalId: matchValue,
      username: matchValue,
      email,
      firstName,
      lastName,
      displayName:
        value('displayName') ?? ([firstName, lastName].filter(Boolean).join(' ') || null),
      active,
      managerExternalId: cell(fields, plan.manager),
      groupExternalIds: splitGroups(cell(fields, plan.groups)),
      attributes,
      password,
      origin,
    },
  };
};
