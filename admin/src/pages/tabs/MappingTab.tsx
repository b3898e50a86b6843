import { useState } from 'react';
import { Button, Flex, Grid } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import {
  CSV_ROLE_COLUMNS,
  USER_ATTRIBUTES,
  type Directories,
  type MappingRow,
} from '../../../../shared/contracts';
import type { SecretDraft } from '../../components/ConnectionFields';
import { SecretField, SelectField, TextField } from '../../components/Fields';
import { PairRows } from '../../components/PairRows';
import { Panel } from '../../components/Panel';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import { typedSecrets } from '../../utils/secrets';
import type { TabProps } from './types';

/** User fields a CSV column can be matched to (the names the CSV source knows). */
const CSV_FIELDS = [...USER_ATTRIBUTES, ...CSV_ROLE_COLUMNS];

type Props = TabProps & { userFields: string[] };

/** Data mapping: source attribute -> user attribute, login provider, CSV column matches. */
export const MappingTab = ({ directory, definition, update, canUpdate, userFields }: Props) => {
  const t = useT();
  const { saving, errors, clear, save } = useSave(update);
  const csv = directory.type === 'csv';
  const [mapping, setMapping] = useState<MappingRow[]>(directory.mapping);
  const [loginProvider, setLoginProvider] = useState(directory.loginProvider);
  const [matchField, setMatchField] = useState(directory.connection.matchField ?? '');
  const [managerField, setManagerField] = useState(directory.connection.managerField ?? '');
  const [columns, setColumns] = useState<Directories.ColumnMatch[]>(
    directory.connection.columns ?? []
  );
  const [secrets, setSecrets] = useState<SecretDraft>({});
  const hasDefaultPassword = definition.secrets.includes('defaultPassword');
  const targets = userFields.map((field) => ({ value: field, label: field }));

  const submit = async () => {
    const typed = typedSecrets(secrets);
    const saved = await save({
      mapping: mapping.filter((row) => row.source || row.target),
      loginProvider,
      ...(csv
        ? {
            connection: {
              matchField,
              managerField,
              columns: columns.filter((row) => row.column || row.field),
            },
          }
        : {}),
      ...(typed ? { secrets: typed } : {}),
    });
    if (saved) setSecrets({});
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Panel
        title={t('tabs.mapping')}
        description={t('mapping.description')}
        actions={
          <Button
            startIcon={<Check />}
            loading={saving}
            disabled={!canUpdate}
            onClick={() => void submit()}
          >
            {t('form.save')}
          </Button>
        }
      >
        <PairRows
          testId="mapping"
          rows={mapping}
          onChange={(rows) => {
            clear('mapping');
            setMapping(rows);
          }}
          empty={{ source: '', target: '' }}
          disabled={!canUpdate}
          addLabel={t('mapping.add')}
          removeLabel={(index) => t('mapping.remove', { row: index + 1 })}
          render={(row, index, set) => [
            <TextField
              key="source"
              name={`mapping.${index}.source`}
              label={t('mapping.source')}
              disabled={!canUpdate}
              error={errors[`mapping.${index}.source`] ?? errors[`mapping.${index}`]}
              value={row.source}
              onChange={(source) => set({ ...row, source })}
            />,
            <SelectField
              key="target"
              name={`mapping.${index}.target`}
              label={t('mapping.target')}
              disabled={!canUpdate}
              error={errors[`mapping.${index}.target`]}
              value={row.target}
              placeholder={t('mapping.chooseTarget')}
              onChange={(target) => set({ ...row, target })}
              options={
                row.target && !userFields.includes(row.target)
                  ? [...targets, { value: row.target, label: row.target }]
                  : targets
              }
            />,
          ]}
        />
        <Grid.Root gap={4}>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <TextField
              name="loginProvider"
              label={t('mapping.loginProvider')}
              hint={t('mapping.loginProviderHint')}
              disabled={!canUpdate}
              error={errors.loginProvider}
              value={loginProvider}
              onChange={(value) => {
                clear('loginProvider');
                setLoginProvider(value);
              }}
            />
          </Grid.Item>
          {hasDefaultPassword ? (
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <SecretField
                name="defaultPassword"
                label={t('connection.field.defaultPassword')}
                hint={t('connection.hint.defaultPassword')}
                disabled={!canUpdate}
                error={errors['secrets.defaultPassword']}
                stored={directory.secrets.defaultPassword}
                value={secrets.defaultPassword}
                onChange={(value) => {
                  clear('secrets.defaultPassword');
                  setSecrets({ ...secrets, defaultPassword: value });
                }}
              />
            </Grid.Item>
          ) : null}
        </Grid.Root>
      </Panel>
      {csv ? (
        <Panel title={t('mapping.csvTitle')} description={t('mapping.csvDescription')}>
          <Grid.Root gap={4}>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <TextField
                name="matchField"
                label={t('connection.field.matchField')}
                hint={t('connection.hint.matchField')}
                required
                disabled={!canUpdate}
                error={errors['connection.matchField']}
                value={matchField}
                onChange={(value) => {
                  clear('connection.matchField');
                  setMatchField(value);
                }}
              />
            </Grid.Item>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <TextField
                name="managerField"
                label={t('connection.field.managerField')}
                hint={t('connection.hint.managerField')}
                disabled={!canUpdate}
                error={errors['connection.managerField']}
                value={managerField}
                onChange={(value) => {
                  clear('connection.managerField');
                  setManagerField(value);
                }}
              />
            </Grid.Item>
          </Grid.Root>
          <PairRows
            testId="columns"
            rows={columns}
            onChange={setColumns}
            empty={{ column: '', field: '' }}
            disabled={!canUpdate}
            addLabel={t('mapping.addColumn')}
            removeLabel={(index) => t('mapping.removeColumn', { row: index + 1 })}
            render={(row, index, set) => [
              <TextField
                key="column"
                name={`columns.${index}.column`}
                label={t('mapping.column')}
                disabled={!canUpdate}
                value={row.column}
                onChange={(column) => set({ ...row, column })}
              />,
              <SelectField
                key="field"
                name={`columns.${index}.field`}
                label={t('mapping.field')}
                disabled={!canUpdate}
                value={row.field}
                placeholder={t('mapping.chooseTarget')}
                onChange={(field) => set({ ...row, field })}
                options={CSV_FIELDS.map((field) => ({ value: field, label: field }))}
              />,
            ]}
          />
        </Panel>
      ) : null}
    </Flex>
  );
};
