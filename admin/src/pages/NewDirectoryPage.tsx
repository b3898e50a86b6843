import { useState } from 'react';
import { Box, Button, Flex, Link, Typography } from '@strapi/design-system';
import { ArrowLeft, Check } from '@strapi/icons';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { Link as RouterLink, useNavigate } from 'react-router-dom';
import type { Directories } from '../../../shared/contracts';
import { ConnectionFields, type SecretDraft } from '../components/ConnectionFields';
import { Cell, FormGrid, SelectField, TextField } from '../components/Fields';
import { TargetField } from '../components/TargetField';
import { type FieldErrors, useApiError } from '../hooks/useApiError';
import { useCreateDirectory } from '../hooks/useDirectories';
import { useMeta } from '../hooks/useMeta';
import { useFields } from '../hooks/useSave';
import { useT } from '../hooks/useT';
import { PLUGIN_ID } from '../pluginId';
import { typedSecrets } from '../utils/secrets';
import { TYPE_LABELS } from '../utils/types';

/** What a new directory of each type starts with. */
const START: Record<string, Directories.Connection> = {
  csv: { location: 'remote', matchField: 'username' },
  okta: { authMode: 'token' },
};

/** Add directory: its name, type and connection; saved, it opens on its own page. */
export const NewDirectoryPage = () => {
  const t = useT();
  const meta = useMeta();
  const navigate = useNavigate();
  const create = useCreateDirectory();
  const { notify, messageOf } = useApiError();
  const { toggleNotification } = useNotification();
  const [name, setName] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [target, setTarget] = useState<Directories.Target>('users-permissions');
  const [connection, setConnection] = useState<Directories.Connection>({});
  const [secrets, setSecrets] = useState<SecretDraft>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const field = useFields(errors);

  if (meta.loading) return <Page.Loading />;
  if (!meta.data) return <Page.Error content={messageOf(meta.error)} />;
  const types = meta.data.types;
  const chosen = type ?? types[0]?.type ?? '';
  const definition = types.find((entry) => entry.type === chosen);
  const current = type === null ? { ...(START[chosen] ?? {}), ...connection } : connection;

  /** Forgets the server's messages of fields being edited. */
  const forget = (...paths: string[]) =>
    setErrors((current) =>
      Object.fromEntries(Object.entries(current).filter(([path]) => !paths.includes(path)))
    );

  const choose = (next: string) => {
    setType(next);
    setConnection({ ...(START[next] ?? {}) });
    setSecrets({});
    setErrors({});
  };

  const submit = async () => {
    setSaving(true);
    try {
      const created = await create({
        name,
        type: chosen,
        target,
        enabled: false,
        connection: current,
        secrets: typedSecrets(secrets),
      });
      toggleNotification({ type: 'success', message: t('new.created', { name: created.name }) });
      navigate(`/settings/${PLUGIN_ID}/directories/${created.id}?tab=connection`);
    } catch (error) {
      setErrors(notify(error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Page.Main>
      <Page.Title>{t('new.title')}</Page.Title>
      <Layouts.Header
        title={t('new.title')}
        subtitle={t('new.subtitle')}
        navigationAction={
          <Link tag={RouterLink} to=".." startIcon={<ArrowLeft />}>
            {t('form.back')}
          </Link>
        }
        primaryAction={
          <Button startIcon={<Check />} loading={saving} onClick={() => void submit()}>
            {t('form.save')}
          </Button>
        }
      />
      <Layouts.Content>
        <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <FormGrid>
              <Cell>
                <TextField
                  {...field('name', 'settings.name')}
                  required
                  value={name}
                  onChange={setName}
                />
              </Cell>
              <Cell>
                <SelectField
                  {...field('type', 'configuration.type')}
                  required
                  value={chosen}
                  onChange={choose}
                  options={types.map((entry) => ({
                    value: entry.type,
                    label: TYPE_LABELS[entry.type] ? t(TYPE_LABELS[entry.type]) : entry.type,
                  }))}
                />
              </Cell>
              <Cell>
                <TargetField
                  value={target}
                  onChange={setTarget}
                  fixed={false}
                  error={errors.target}
                />
              </Cell>
            </FormGrid>
            <Typography variant="delta" tag="h2">
              {t('tabs.connection')}
            </Typography>
            {definition ? (
              <ConnectionFields
                definition={definition}
                connection={current}
                onChange={(patch) => {
                  forget(...Object.keys(patch).map((key) => `connection.${key}`));
                  setConnection({ ...current, ...patch });
                }}
                storedSecrets={{}}
                secrets={secrets}
                onSecret={(secret, value) => {
                  forget(`secrets.${secret}`);
                  setSecrets({ ...secrets, [secret]: value });
                }}
                errors={errors}
              />
            ) : (
              <Typography textColor="danger600">{t('new.noTypes')}</Typography>
            )}
          </Flex>
        </Box>
      </Layouts.Content>
    </Page.Main>
  );
};
