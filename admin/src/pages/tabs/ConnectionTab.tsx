import { useState } from 'react';
import { Button, Flex, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import type { Directories } from '../../../../shared/contracts';
import { ConnectionFields, type SecretDraft } from '../../components/ConnectionFields';
import { Panel } from '../../components/Panel';
import { ConnectionResult } from '../../components/StatusLight';
import { useApiError } from '../../hooks/useApiError';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import { typedSecrets } from '../../utils/secrets';
import type { TabProps } from './types';

type Props = TabProps & {
  testConnection: () => Promise<Directories.TestConnection['data']>;
};

/** Connection: the provider's fields, write-only secrets, Save and Test connection. */
export const ConnectionTab = ({
  directory,
  definition,
  update,
  canUpdate,
  testConnection,
}: Props) => {
  const t = useT();
  const { notify } = useApiError();
  const { saving, errors, clear, save } = useSave(update);
  const [connection, setConnection] = useState<Directories.Connection>(directory.connection);
  const [secrets, setSecrets] = useState<SecretDraft>({});
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<Directories.TestConnection['data'] | null>(null);
  const typed = typedSecrets(secrets);
  const dirty = JSON.stringify(connection) !== JSON.stringify(directory.connection) || !!typed;

  /** Saves the connection; true when saved (or nothing to save). */
  const saveConnection = async (quiet = false) => {
    if (!dirty) return true;
    const saved = await save({ connection, ...(typed ? { secrets: typed } : {}) }, quiet);
    if (!saved) return false;
    setConnection(saved.connection);
    setSecrets({});
    return true;
  };

  const runTest = async () => {
    setTesting(true);
    setResult(null);
    try {
      if (!(await saveConnection(true))) return;
      setResult(await testConnection());
    } catch (error) {
      notify(error);
    } finally {
      setTesting(false);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Panel
        title={t('tabs.connection')}
        description={t('connection.description')}
        actions={
          <Button
            variant="secondary"
            startIcon={<Play />}
            loading={testing}
            disabled={!canUpdate || saving}
            onClick={() => void runTest()}
          >
            {t('test.button')}
          </Button>
        }
        save={{
          onSave: () => void saveConnection(),
          saving: saving && !testing,
          disabled: !canUpdate || !dirty,
        }}
      >
        {result ? <ConnectionResult result={result} /> : null}
        <ConnectionFields
          definition={definition}
          connection={connection}
          onChange={(patch) => {
            Object.keys(patch).forEach((key) => clear(`connection.${key}`));
            setConnection({ ...connection, ...patch });
          }}
          storedSecrets={directory.secrets}
          secrets={secrets}
          onSecret={(name, value) => {
            clear(`secrets.${name}`);
            setSecrets({ ...secrets, [name]: value });
          }}
          errors={errors}
          disabled={!canUpdate}
        />
        {dirty ? (
          <Typography variant="pi" textColor="neutral600">
            {t('test.savesFirst')}
          </Typography>
        ) : null}
      </Panel>
    </Flex>
  );
};
