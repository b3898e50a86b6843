import { useState } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';
import type { Directories, MappingRow } from '../../../../shared/contracts';
import type { SecretDraft } from '../../components/ConnectionFields';
import { Cell, FormGrid, SecretField, SelectField, TextField } from '../../components/Fields';
import { PairRows } from '../../components/PairRows';
import { ToneBadge } from '../../components/RunStatusBadge';
import { Panel } from '../../components/Panel';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import { typedSecrets } from '../../utils/secrets';
import type { TabProps } from './types';

/** User fields a CSV column can be matched to (the names the CSV source knows). */
const CSV_FIELDS = [
  'username',
  'email',
  'firstname',
  'lastname',
  'displayName',
  'jobTitle',
  'department',
  'employeeId',
  'phone',
  'groups',
  'password',
  'active',
];

type Props = TabProps & { userFields: string[] };

/** How users created by a CSV directory with local sign-in get a password (docs/guide/csv.md). */
type PasswordPolicy = 'random' | 'shared';

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
  const [policy, setPolicy] = useState<PasswordPolicy>(
    directory.options?.passwordPolicy === 'shared' ? 'shared' : 'random'
  );
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
      ...(hasDefaultPassword ? { options: { ...directory.options, passwordPolicy: policy } } : {}),
      ...(typed ? { secrets: typed } : {}),
    });
    if (saved) setSecrets({});
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Panel
        title={t('tabs.mapping')}
        description={t('mapping.description')}
        save={{ onSave: () => void submit(), saving, disabled: !canUpdate }}
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
        <FormGrid>
          <Cell>
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
          </Cell>
          {hasDefaultPassword && loginProvider === 'local' ? (
            <Cell>
              <SelectField
                name="options.passwordPolicy"
                label={t('password.policy')}
                hint={t('password.policyHint')}
                disabled={!canUpdate}
                error={errors['options.passwordPolicy']}
                value={policy}
                onChange={(value) => {
                  clear('options.passwordPolicy');
                  setPolicy(value as PasswordPolicy);
                }}
                options={[
                  { value: 'random', label: t('password.random') },
                  { value: 'shared', label: t('password.shared') },
                ]}
              />
            </Cell>
          ) : null}
          {hasDefaultPassword && loginProvider !== 'local' ? (
            <Cell>
              <Typography variant="pi" textColor="neutral600" data-testid="no-password">
                {t('password.none', { provider: loginProvider || '—' })}
              </Typography>
            </Cell>
          ) : null}
          {hasDefaultPassword && loginProvider === 'local' && policy === 'shared' ? (
            <Cell wide>
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Box
                  background="danger100"
                  borderColor="danger200"
                  hasRadius
                  padding={3}
                  data-testid="shared-password-unsafe"
                >
                  <Flex gap={2} alignItems="flex-start">
                    <ToneBadge tone="danger">{t('password.unsafeTitle')}</ToneBadge>
                    <Typography textColor="danger700">{t('password.unsafe')}</Typography>
                  </Flex>
                </Box>
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
              </Flex>
            </Cell>
          ) : null}
        </FormGrid>
      </Panel>
      {csv ? (
        <Panel title={t('mapping.csvTitle')} description={t('mapping.csvDescription')}>
          <FormGrid>
            <Cell>
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
            </Cell>
            <Cell>
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
            </Cell>
          </FormGrid>
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
                error={errors[`connection.columns.${index}.column`]}
                label={t('mapping.column')}
                disabled={!canUpdate}
                value={row.column}
                onChange={(column) => set({ ...row, column })}
              />,
              <SelectField
                key="field"
                name={`columns.${index}.field`}
                error={errors[`connection.columns.${index}.field`]}
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
