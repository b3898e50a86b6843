import { useMemo, useState } from 'react';
import { Badge, Flex, Typography } from '@strapi/design-system';
import type { Directories } from '../../../../shared/contracts';
import { compileGroupPattern } from '../../../../shared/contracts/group-filter';
import { ChoiceField, type Option, RadioField, TextField } from '../../components/Fields';
import { PairRows } from '../../components/PairRows';
import { Panel } from '../../components/Panel';
import { useApiError } from '../../hooks/useApiError';
import { useGroups } from '../../hooks/useGroups';
import { type Role, useIsSuperAdmin, useRoles } from '../../hooks/useRoles';
import { useSave } from '../../hooks/useSave';
import { type MessageKey, useT } from '../../hooks/useT';
import { SUPER_ADMIN_CODE } from '../../utils/types';
import type { TabProps } from './types';

const MODES: Directories.GroupSyncMode[] = ['all', 'regex', 'none'];

/** User groups: which directory groups become roles (all / regex / none), and group -> role. */
export const GroupsTab = ({ directory, update, canUpdate }: TabProps) => {
  const t = useT();
  const { messageOf } = useApiError();
  const { saving, errors, edit, field, save } = useSave(update, canUpdate);
  const [mode, setMode] = useState<Directories.GroupSyncMode>(directory.groupSync.mode);
  const [pattern, setPattern] = useState(directory.groupSync.pattern ?? '');
  const [roles, setRoles] = useState<Directories.GroupRole[]>(directory.groupSync.roles ?? []);
  const groups = useGroups(directory.id);
  const roleList = useRoles(directory.target);
  const isSuperAdmin = useIsSuperAdmin();
  const admin = directory.target === 'admin';
  const [defaultRole, setDefaultRole] = useState(
    typeof directory.options?.adminDefaultRole === 'string'
      ? directory.options.adminDefaultRole
      : 'strapi-editor'
  );
  // The regular expression of the pattern, or why it is refused: the server's own check.
  const { regex, error: patternError } = compileGroupPattern(pattern);

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
        roles: roles.filter((row) => row.group || row.pattern || row.role),
      },
      ...(admin ? { options: { ...directory.options, adminDefaultRole: defaultRole } } : {}),
    });

  const groupOptions = (groups.data ?? []).map((group) => ({
    value: group.externalId,
    label: group.name,
  }));
  /** A role as a choice; the Super Admin role is one only a Super Admin may pick (admin target). */
  const choice = (role: Role, value: string): Option => {
    const refused = role.code === SUPER_ADMIN_CODE && !isSuperAdmin;
    return {
      value,
      label: refused ? t('groups.superAdminRefused', { name: role.name }) : role.name,
      disabled: refused,
    };
  };
  const roleOptions = (roleList.data ?? []).map((role) => choice(role, role.name));
  const defaultRoleOptions = (roleList.data ?? [])
    .filter((role) => role.code)
    .map((role) => choice(role, role.code!));

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Panel
        title={t('tabs.groups')}
        description={t('groups.description')}
        save={{ onSave: submit, saving, disabled: !canUpdate }}
      >
        <RadioField
          {...field('groupSync.mode', 'groups.mode')}
          value={mode}
          onChange={edit('groupSync', (value) => setMode(value as Directories.GroupSyncMode))}
          options={MODES.map((value) => ({
            value,
            label: t(`groups.mode.${value}` as MessageKey),
          }))}
        />
        {mode === 'regex' ? (
          <TextField
            {...field('groupSync.pattern', 'groups.pattern', 'groups.patternHint')}
            placeholder="^Intranet"
            error={
              errors['groupSync.pattern'] ??
              (patternError ? t('groups.invalidPattern', { reason: patternError }) : undefined)
            }
            value={pattern}
            onChange={edit('groupSync.pattern', setPattern)}
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
          onChange={edit('groupSync.roles', setRoles)}
          empty={{ group: '', role: '' }}
          disabled={!canUpdate}
          addLabel={t('groups.addRole')}
          more={[{ label: t('groups.addPatternRole'), row: { pattern: '', role: '' } }]}
          removeLabel={(index) => t('groups.removeRole', { row: index + 1 })}
          render={(row, index, set) => [
            row.pattern !== undefined ? (
              <TextField
                key="pattern"
                {...field(`groupSync.roles.${index}.pattern`, 'groups.rolePattern')}
                placeholder="^Intranet"
                value={row.pattern}
                onChange={(pattern) => set({ ...row, pattern })}
              />
            ) : (
              <ChoiceField
                key="group"
                {...field(`groupSync.roles.${index}.group`, 'groups.group')}
                value={row.group ?? ''}
                placeholder={t('groups.chooseGroup')}
                onChange={(group) => set({ ...row, group })}
                options={groupOptions}
              />
            ),
            <ChoiceField
              key="role"
              {...field(`groupSync.roles.${index}.role`, 'groups.role')}
              value={row.role}
              placeholder={t('groups.chooseRole')}
              onChange={(role) => set({ ...row, role })}
              options={roleOptions}
            />,
          ]}
        />
        {admin ? (
          <ChoiceField
            {...field('options.adminDefaultRole', 'groups.defaultRole', 'groups.defaultRoleHint')}
            value={defaultRole}
            onChange={edit('options.adminDefaultRole', setDefaultRole)}
            options={defaultRoleOptions}
          />
        ) : null}
        {errors['groupSync.roles'] ? (
          <Typography textColor="danger600">{errors['groupSync.roles']}</Typography>
        ) : null}
      </Panel>
    </Flex>
  );
};
