import { Box, Grid, Typography } from '@strapi/design-system';
import type { Directories, Meta } from '../../../shared/contracts';
import type { FieldErrors } from '../hooks/useApiError';
import { useMediaFiles } from '../hooks/useMediaFiles';
import { type MessageKey, useT } from '../hooks/useT';
import en from '../translations/en.json';
import { MAPPING_SECRETS } from '../utils/types';
import { NumberField, SecretField, SelectField, TextField, TextareaField } from './Fields';

/** Secret drafts: undefined untouched, null to clear, text to replace. */
export type SecretDraft = Record<string, string | null | undefined>;

type Spec =
  | { kind: 'text' | 'pem' | 'number'; key: string; when?: (c: Directories.Connection) => boolean }
  | {
      kind: 'select';
      key: string;
      options: string[];
      when?: (c: Directories.Connection) => boolean;
    }
  | {
      kind: 'secret';
      secret: string;
      multiline?: boolean;
      when?: (c: Directories.Connection) => boolean;
    }
  | { kind: 'media'; key: 'mediaFileId'; when?: (c: Directories.Connection) => boolean };

const remote = (c: Directories.Connection) => c.location !== 'media';
const oauth = (c: Directories.Connection) => c.authMode === 'oauth';

/** The connection form of each directory type the panel knows. */
const FORMS: Record<string, Spec[]> = {
  csv: [
    { kind: 'select', key: 'location', options: ['remote', 'media'] },
    { kind: 'text', key: 'url', when: remote },
    { kind: 'text', key: 'username', when: remote },
    { kind: 'secret', secret: 'password', when: remote },
    { kind: 'media', key: 'mediaFileId', when: (c) => !remote(c) },
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
const formOf = (definition: Meta.DirectoryType): Spec[] => {
  const known = FORMS[definition.type];
  if (known) return known;
  return [
    ...definition.requiredConnection.map((key): Spec => ({ kind: 'text', key })),
    ...definition.secrets
      .filter((secret) => !MAPPING_SECRETS.includes(secret))
      .map((secret): Spec => ({ kind: 'secret', secret })),
  ];
};

/** The label of a connection field or secret: the translated one, else its name. */
const useLabel = () => {
  const t = useT();
  return (key: string, kind: 'field' | 'hint') => {
    const id = `connection.${kind}.${key}`;
    return id in LABELS ? t(id as MessageKey) : kind === 'field' ? key : undefined;
  };
};

/** Messages by key: a field without a translated label shows its raw name. */
const LABELS: Record<string, string> = en;

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
  const media = useMediaFiles(form.some((spec) => spec.kind === 'media'));
  const required = new Set(definition.requiredConnection);
  const text = (key: string) => {
    const value = connection[key];
    return value === undefined || value === null ? '' : String(value);
  };

  return (
    <Grid.Root gap={4}>
      {form.map((spec) => {
        if (spec.kind === 'secret') {
          return (
            <Grid.Item key={spec.secret} col={6} s={12} direction="column" alignItems="stretch">
              {spec.multiline ? (
                <TextareaField
                  name={`secrets.${spec.secret}`}
                  label={`${label(spec.secret, 'field')} (${t(`secret.${storedSecrets[spec.secret] === 'set' ? 'set' : 'not set'}`)})`}
                  hint={label(spec.secret, 'hint')}
                  error={errors[`secrets.${spec.secret}`]}
                  disabled={disabled}
                  value={secrets[spec.secret] ?? ''}
                  onChange={(value) => onSecret(spec.secret, value === '' ? undefined : value)}
                />
              ) : (
                <SecretField
                  name={spec.secret}
                  label={label(spec.secret, 'field') ?? spec.secret}
                  hint={label(spec.secret, 'hint')}
                  error={errors[`secrets.${spec.secret}`]}
                  disabled={disabled}
                  stored={storedSecrets[spec.secret]}
                  value={secrets[spec.secret]}
                  onChange={(value) => onSecret(spec.secret, value)}
                />
              )}
            </Grid.Item>
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
            <Grid.Item key={spec.key} col={6} s={12} direction="column" alignItems="stretch">
              <SelectField
                {...common}
                value={text(spec.key) || spec.options[0]}
                onChange={(value) => onChange({ [spec.key]: value })}
                options={spec.options.map((option) => ({
                  value: option,
                  label: label(`${spec.key}.${option}`, 'field') ?? option,
                }))}
              />
            </Grid.Item>
          );
        }
        if (spec.kind === 'pem') {
          return (
            <Grid.Item key={spec.key} col={12} direction="column" alignItems="stretch">
              <TextareaField
                {...common}
                placeholder="-----BEGIN CERTIFICATE-----"
                value={text(spec.key)}
                onChange={(value) => onChange({ [spec.key]: value })}
              />
            </Grid.Item>
          );
        }
        if (spec.kind === 'media' && media.data && media.data.length > 0) {
          return (
            <Grid.Item key={spec.key} col={6} s={12} direction="column" alignItems="stretch">
              <SelectField
                {...common}
                required
                value={text(spec.key)}
                placeholder={t('connection.mediaPlaceholder')}
                onChange={(value) => onChange({ mediaFileId: Number(value) })}
                options={media.data.map((file) => ({
                  value: String(file.id),
                  label: `${file.name} (#${file.id})`,
                }))}
              />
            </Grid.Item>
          );
        }
        if (spec.kind === 'media' || spec.kind === 'number') {
          return (
            <Grid.Item key={spec.key} col={6} s={12} direction="column" alignItems="stretch">
              <NumberField
                {...common}
                value={
                  typeof connection[spec.key] === 'number'
                    ? (connection[spec.key] as number)
                    : undefined
                }
                onChange={(value) => onChange({ [spec.key]: value })}
              />
            </Grid.Item>
          );
        }
        return (
          <Grid.Item key={spec.key} col={6} s={12} direction="column" alignItems="stretch">
            <TextField
              {...common}
              value={text(spec.key)}
              onChange={(value) => onChange({ [spec.key]: value })}
            />
          </Grid.Item>
        );
      })}
      {form.length === 0 ? (
        <Grid.Item col={12}>
          <Box>
            <Typography textColor="neutral600">{t('connection.nothing')}</Typography>
          </Box>
        </Grid.Item>
      ) : null}
    </Grid.Root>
  );
};
