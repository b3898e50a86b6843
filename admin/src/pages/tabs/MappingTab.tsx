import { useState } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';
import {
  CSV_ROLE_COLUMNS,
  USER_ATTRIBUTES,
  type Directories,
  type MappingRow,
} from '../../../../shared/contracts';
import type { SecretDraft } from '../../components/ConnectionFields';
import {
  Cell,
  ChoiceField,
  FormGrid,
  SecretField,
  SelectField,
  TextField,
} from '../../components/Fields';
import { PairRows } from '../../components/PairRows';
import { ToneBadge } from '../../components/RunStatusBadge';
import { Panel } from '../../components/Panel';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import { typedSecrets } from '../../utils/secrets';
import type { TabProps } from './types';

/** User fields a CSV column can be matched to (the names the CSV source knows). */
const CSV_FIELDS = [...USER_ATTRIBUTES, ...CSV_ROLE_COLUMNS];

type Props = TabProps & { userFields: string[] };

/** How users created by a CSV directory with local sign-in get a password (docs/guide/csv.md). */
type PasswordPolicy = 'random' | 'shared';

/** Data mapping: source attribute -> user attribute, login provider, CSV column matches. */
export const MappingTab = ({ directory, definition, update, canUpdate, userFields }: Props) => {
  const t = useT();
  const { saving, errors, edit, field, save } = useSave(update, canUpdate);
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
  const targets = userFields.map((name) => ({ value: name, label: name }));

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
          onChange={edit('mapping', setMapping)}
          empty={{ source: '', target: '' }}
          disabled={!canUpdate}
          addLabel={t('mapping.add')}
          removeLabel={(index) => t('mapping.remove', { row: index + 1 })}
          render={(row, index, set) => [
            <TextField
              key="source"
              {...field(`mapping.${index}.source`, 'mapping.source')}
              error={errors[`mapping.${index}.source`] ?? errors[`mapping.${index}`]}
              value={row.source}
              onChange={(source) => set({ ...row, source })}
            />,
            <ChoiceField
              key="target"
              {...field(`mapping.${index}.target`, 'mapping.target')}
              value={row.target}
              placeholder={t('mapping.chooseTarget')}
              onChange={(target) => set({ ...row, target })}
              options={targets}
            />,
          ]}
        />
        <FormGrid>
          <Cell>
            <TextField
              {...field('loginProvider', 'mapping.loginProvider', 'mapping.loginProviderHint')}
              value={loginProvider}
              onChange={edit('loginProvider', setLoginProvider)}
            />
          </Cell>
          {hasDefaultPassword && loginProvider === 'local' ? (
            <Cell>
              <SelectField
                {...field('options.passwordPolicy', 'password.policy', 'password.policyHint')}
                value={policy}
                onChange={edit('options.passwordPolicy', (value) =>
                  setPolicy(value as PasswordPolicy)
                )}
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
                  {...field(
                    'secrets.defaultPassword',
                    'connection.field.defaultPassword',
                    'connection.hint.defaultPassword'
                  )}
                  name="defaultPassword"
                  stored={directory.secrets.defaultPassword}
                  value={secrets.defaultPassword}
                  onChange={edit('secrets.defaultPassword', (defaultPassword) =>
                    setSecrets({ ...secrets, defaultPassword })
                  )}
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
                {...field(
                  'connection.matchField',
                  'connection.field.matchField',
                  'connection.hint.matchField'
                )}
                required
                value={matchField}
                onChange={edit('connection.matchField', setMatchField)}
              />
            </Cell>
            <Cell>
              <TextField
                {...field(
                  'connection.managerField',
                  'connection.field.managerField',
                  'connection.hint.managerField'
                )}
                value={managerField}
                onChange={edit('connection.managerField', setManagerField)}
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
                {...field(`connection.columns.${index}.column`, 'mapping.column')}
                value={row.column}
                onChange={(column) => set({ ...row, column })}
              />,
              <SelectField
                key="field"
                {...field(`connection.columns.${index}.field`, 'mapping.field')}
                value={row.field}
                placeholder={t('mapping.chooseTarget')}
                onChange={(name) => set({ ...row, field: name })}
                options={CSV_FIELDS.map((name) => ({ value: name, label: name }))}
              />,
            ]}
          />
        </Panel>
      ) : null}
    </Flex>
  );
};
