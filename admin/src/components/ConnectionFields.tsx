import { Typography } from '@strapi/design-system';
import type { Directories, Meta } from '../../../shared/contracts';
import type { FieldErrors } from '../hooks/useApiError';
import { type MessageKey, useT } from '../hooks/useT';
import en from '../translations/en.json';
import { MAPPING_SECRETS } from '../utils/types';
import { Cell, FormGrid, SecretField, SelectField, TextField } from './Fields';
import { MediaField } from './MediaField';

/** Secret drafts: undefined untouched, null to clear, text to replace. */
export type SecretDraft = Record<string, string | null | undefined>;

type When = { when?: (c: Directories.Connection) => boolean };
type Spec =
  | ({ kind: 'text' | 'pem' | 'media'; key: string } & When)
  | ({ kind: 'select'; key: string; options: string[]; auto?: boolean } & When)
  | ({ kind: 'secret'; secret: string; multiline?: boolean } & When);

const remote = (c: Directories.Connection) => c.location !== 'media';
const oauth = (c: Directories.Connection) => c.authMode === 'oauth';
/** The choice that leaves a setting to the server (the CSV delimiter: detected). */
const AUTO = 'auto';

/** The connection form of each directory type the panel knows. */
const FORMS: Record<string, Spec[]> = {
  csv: [
    { kind: 'select', key: 'location', options: ['remote', 'media'] },
    { kind: 'text', key: 'url', when: remote },
    { kind: 'text', key: 'username', when: remote },
    { kind: 'secret', secret: 'password', when: remote },
    { kind: 'media', key: 'mediaFileId', when: (c) => !remote(c) },
    { kind: 'select', key: 'delimiter', options: [AUTO, ',', ';', '\t'], auto: true },
    { kind: 'text', key: 'matchField' },
    { kind: 'text', key: 'managerField' },
    { kind: 'pem', key: 'caCertificate', when: remote },
  ],
  azure: [
    { kind: 'text', key: 'tenantId' },
    { kind: 'text', key: 'clientId' },
    { kind: 'secret', secret: 'clientSecret' },
    { kind: 'text', key: 'authorityHost' },
    { kind: 'text', key: 'graphBaseUrl' },
    { kind: 'pem', key: 'caCertificate' },
  ],
  okta: [
    { kind: 'text', key: 'orgUrl' },
    { kind: 'select', key: 'authMode', options: ['token', 'oauth'] },
    { kind: 'secret', secret: 'apiToken', when: (c) => !oauth(c) },
    { kind: 'text', key: 'clientId', when: oauth },
    { kind: 'text', key: 'keyId', when: oauth },
    { kind: 'secret', secret: 'privateKey', multiline: true, when: oauth },
    { kind: 'text', key: 'appId' },
    { kind: 'pem', key: 'caCertificate' },
  ],
};

/** The connection form of a type: the known one, else its required fields and its secrets. */
const formOf = (definition: Meta.DirectoryType): Spec[] =>
  FORMS[definition.type] ?? [
    ...definition.requiredConnection.map((key): Spec => ({ kind: 'text', key })),
    ...definition.secrets
      .filter((secret) => !MAPPING_SECRETS.includes(secret))
      .map((secret): Spec => ({ kind: 'secret', secret })),
  ];

/** Messages by key: a field without a translated label shows its raw name. */
const LABELS: Record<string, string> = en;

/** The label (or hint) of a connection field or secret: the translated one, else its name. */
const useLabel = () => {
  const t = useT();
  return (key: string, kind: 'field' | 'hint') => {
    const id = `connection.${kind}.${key}`;
    return id in LABELS ? t(id as MessageKey) : kind === 'field' ? key : undefined;
  };
};

type Props = {
  definition: Meta.DirectoryType;
  connection: Directories.Connection;
  onChange: (patch: Directories.Connection) => void;
  storedSecrets: Record<string, 'set' | 'not set'>;
  secrets: SecretDraft;
  onSecret: (name: string, value: string | null | undefined) => void;
  errors: FieldErrors;
  disabled?: boolean;
};

/** The provider's connection fields for one directory type, secrets write-only. */
export const ConnectionFields = ({
  definition,
  connection,
  onChange,
  storedSecrets,
  secrets,
  onSecret,
  errors,
  disabled,
}: Props) => {
  const t = useT();
  const label = useLabel();
  const form = formOf(definition).filter((spec) => !spec.when || spec.when(connection));
  const required = new Set(definition.requiredConnection);
  const text = (key: string) => {
    const value = connection[key];
    return value === undefined || value === null ? '' : String(value);
  };

  const field = (spec: Spec) => {
    if (spec.kind === 'secret') {
      return (
        <SecretField
          name={spec.secret}
          label={label(spec.secret, 'field') ?? spec.secret}
          hint={label(spec.secret, 'hint')}
          error={errors[`secrets.${spec.secret}`]}
          disabled={disabled}
          multiline={spec.multiline}
          stored={storedSecrets[spec.secret]}
          value={secrets[spec.secret]}
          onChange={(value) => onSecret(spec.secret, value)}
        />
      );
    }
    const common = {
      name: spec.key,
      label: label(spec.key, 'field') ?? spec.key,
      hint: label(spec.key, 'hint'),
      error: errors[`connection.${spec.key}`],
      required: required.has(spec.key),
      disabled,
    };
    if (spec.kind === 'select') {
      return (
        <SelectField
          {...common}
          value={text(spec.key) || spec.options[0]}
          // The server reads a missing (null) value as "detect it".
          onChange={(value) => onChange({ [spec.key]: spec.auto && value === AUTO ? null : value })}
          options={spec.options.map((option) => ({
            value: option,
            label: label(`${spec.key}.${option === '\t' ? 'tab' : option}`, 'field') ?? option,
          }))}
        />
      );
    }
    if (spec.kind === 'media') {
      return (
        <MediaField
          {...common}
          value={typeof connection.mediaFileId === 'number' ? connection.mediaFileId : undefined}
          onChange={(mediaFileId) => onChange({ mediaFileId })}
        />
      );
    }
    return (
      <TextField
        {...common}
        multiline={spec.kind === 'pem'}
        placeholder={spec.kind === 'pem' ? '-----BEGIN CERTIFICATE-----' : undefined}
        value={text(spec.key)}
        onChange={(value) => onChange({ [spec.key]: value })}
      />
    );
  };

  return (
    <FormGrid>
      {form.map((spec) => (
        <Cell key={spec.kind === 'secret' ? spec.secret : spec.key} wide={spec.kind === 'pem'}>
          {field(spec)}
        </Cell>
      ))}
      {form.length === 0 ? (
        <Cell wide>
          <Typography textColor="neutral600">{t('connection.nothing')}</Typography>
        </Cell>
      ) : null}
    </FormGrid>
  );
};
