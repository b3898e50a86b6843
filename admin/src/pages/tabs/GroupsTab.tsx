import { useMemo, useState } from 'react';
import { Badge, Button, Field, Flex, Radio, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import type { Directories } from '../../../../shared/contracts';
import { compileGroupPattern } from '../../../../shared/contracts/group-filter';
import { SelectField, TextField } from '../../components/Fields';
import { PairRows } from '../../components/PairRows';
import { Panel } from '../../components/Panel';
import { useApiError } from '../../hooks/useApiError';
import { useGroups } from '../../hooks/useGroups';
import { useRoles } from '../../hooks/useRoles';
import { useSave } from '../../hooks/useSave';
import { type MessageKey, useT } from '../../hooks/useT';
import type { TabProps } from './types';

const MODES: Directories.GroupSyncMode[] = ['all', 'regex', 'none'];

/** The regular expression of a pattern, or the reason it is refused (the server's own check). */
const compile = compileGroupPattern;

/** User groups: which directory groups become roles (all / regex / none), and group -> role. */
export const GroupsTab = ({ directory, update, canUpdate }: TabProps) => {
  const t = useT();
  const { messageOf } = useApiError();
  const { saving, errors, clear, save } = useSave(update);
  const [mode, setMode] = useState<Directories.GroupSyncMode>(directory.groupSync.mode);
  const [pattern, setPattern] = useState(directory.groupSync.pattern ?? '');
  const [roles, setRoles] = useState<Directories.GroupRole[]>(directory.groupSync.roles ?? []);
  const groups = useGroups(directory.id);
  const roleList = useRoles();
  const { regex, error: patternError } = compile(pattern);

  const preview = useMemo(() => {
    const all = groups.data ?? [];
    const keeps = (name: string) =>
      mode === 'all' ? true : mode === 'none' ? false : regex ? regex.test(name) : false;
    return {
      kept: all.filter((group) => keeps(group.name)),
      left: all.filter((group) => !keeps(group.name)),
    };
  }, [groups.data, mode, regex]);

  const submit = () =>
    void save({
      groupSync: {
        mode,
        ...(mode === 'regex' ? { pattern } : {}),
        roles: roles.filter((row) => row.group || row.role),
      },
    });

  const groupOptions = (groups.data ?? []).map((group) => ({
    value: group.externalId,
    label: group.name,
  }));
  const roleOptions = (roleList.data ?? []).map((role) => ({ value: role.name, label: role.name }));

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Panel
        title={t('tabs.groups')}
        description={t('groups.description')}
        actions={
          <Button startIcon={<Check />} loading={saving} disabled={!canUpdate} onClick={submit}>
            {t('form.save')}
          </Button>
        }
      >
        <Field.Root name="groupSync.mode" error={errors['groupSync.mode']}>
          <Field.Label>{t('groups.mode')}</Field.Label>
          <Radio.Group
            value={mode}
            disabled={!canUpdate}
            onValueChange={(value) => {
              clear('groupSync');
              setMode(value as Directories.GroupSyncMode);
            }}
            aria-label={t('groups.mode')}
          >
            {MODES.map((value) => (
              <Radio.Item key={value} value={value}>
                {t(`groups.mode.${value}` as MessageKey)}
              </Radio.Item>
            ))}
          </Radio.Group>
          <Field.Error />
        </Field.Root>
        {mode === 'regex' ? (
          <TextField
            name="groupSync.pattern"
            label={t('groups.pattern')}
            hint={t('groups.patternHint')}
            disabled={!canUpdate}
            placeholder="^Intranet"
            error={
              errors['groupSync.pattern'] ??
              (patternError ? t('groups.invalidPattern', { reason: patternError }) : undefined)
            }
            value={pattern}
            onChange={(value) => {
              clear('groupSync.pattern');
              setPattern(value);
            }}
          />
        ) : null}
        <Flex direction="column" alignItems="stretch" gap={2} data-testid="group-preview">
          <Typography variant="sigma" textColor="neutral600">
            {t('groups.preview', {
              kept: preview.kept.length,
              total: preview.kept.length + preview.left.length,
            })}
          </Typography>
          {groups.error ? (
            <Typography textColor="danger600">{messageOf(groups.error)}</Typography>
          ) : null}
          <Flex gap={2} wrap="wrap">
            {preview.kept.map((group) => (
              <Badge key={group.externalId} variant="success" data-testid="group-kept">
                {group.name}
              </Badge>
            ))}
            {preview.left.map((group) => (
              <Badge key={group.externalId} variant="neutral" data-testid="group-left">
                <s>{group.name}</s>
              </Badge>
            ))}
          </Flex>
        </Flex>
      </Panel>
      <Panel title={t('groups.rolesTitle')} description={t('groups.rolesDescription')}>
        <PairRows
          testId="group-roles"
          rows={roles}
          onChange={(rows) => {
            clear('groupSync.roles');
            setRoles(rows);
          }}
          empty={{ group: '', role: '' }}
          disabled={!canUpdate}
          addLabel={t('groups.addRole')}
          removeLabel={(index) => t('groups.removeRole', { row: index + 1 })}
          render={(row, index, set) => [
            groupOptions.length ? (
              <SelectField
                key="group"
                name={`groupSync.roles.${index}.group`}
                label={t('groups.group')}
                disabled={!canUpdate}
                value={row.group ?? ''}
                placeholder={t('groups.chooseGroup')}
                onChange={(group) => set({ ...row, group })}
                options={
                  row.group && !groupOptions.some((option) => option.value === row.group)
                    ? [...groupOptions, { value: row.group, label: row.group }]
                    : groupOptions
                }
              />
            ) : (
              <TextField
                key="group"
                name={`groupSync.roles.${index}.group`}
                label={t('groups.group')}
                disabled={!canUpdate}
                value={row.group ?? ''}
                onChange={(group) => set({ ...row, group })}
              />
            ),
            roleOptions.length ? (
              <SelectField
                key="role"
                name={`groupSync.roles.${index}.role`}
                label={t('groups.role')}
                disabled={!canUpdate}
                value={row.role}
                placeholder={t('groups.chooseRole')}
                onChange={(role) => set({ ...row, role })}
                options={roleOptions}
              />
            ) : (
              <TextField
                key="role"
                name={`groupSync.roles.${index}.role`}
                label={t('groups.role')}
                disabled={!canUpdate}
                value={row.role}
                onChange={(role) => set({ ...row, role })}
              />
            ),
          ]}
        />
        {errors['groupSync.roles'] ? (
          <Typography textColor="danger600">{errors['groupSync.roles']}</Typography>
        ) : null}
      </Panel>
    </Flex>
  );
};
