import { useState } from 'react';
import { Button, Flex, Typography } from '@strapi/design-system';
import { ArrowClockwise } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Directories } from '../../../../shared/contracts';
import { Cell, FormGrid, TextField, ToggleField } from '../../components/Fields';
import { GroupPicker } from '../../components/GroupPicker';
import { OptionFields } from '../../components/OptionFields';
import { Panel } from '../../components/Panel';
import { TargetField } from '../../components/TargetField';
import { useApiError } from '../../hooks/useApiError';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import { describeCron } from '../../utils/cron';
import { optionError, optionsOf } from '../../utils/options';
import { targetFixed } from '../../utils/types';
import type { TabProps } from './types';

type Props = TabProps & {
  canRun: boolean;
  reset: () => Promise<Directories.Directory>;
};

const DATE = { dateStyle: 'medium', timeStyle: 'short' } as const;

/**
 * Directory settings: name, status, schedule, target, the groups whose users sync, the options, the
 * key, Reset last run.
 */
export const SettingsTab = ({ directory, definition, update, canUpdate, canRun, reset }: Props) => {
  const t = useT();
  const { formatDate } = useIntl();
  const { notify } = useApiError();
  const { saving, errors, edit, field, save } = useSave(update, canUpdate);
  const [name, setName] = useState(directory.name);
  const [enabled, setEnabled] = useState(directory.enabled);
  const [schedule, setSchedule] = useState(directory.schedule);
  const [userGroups, setUserGroups] = useState(directory.userGroups);
  const [target, setTarget] = useState<Directories.Target>(directory.target);
  const [options, setOptions] = useState<Record<string, unknown>>(directory.options ?? {});
  const optionSave = useSave(update);
  const [resetting, setResetting] = useState(false);
  const reading = describeCron(schedule);
  const specs = optionsOf(directory.type);
  const invalid = specs.some((spec) => optionError(spec, options[spec.key]));

  const submit = () =>
    void save({
      name,
      enabled,
      schedule,
      ...(target !== directory.target ? { target } : {}),
      ...(definition.usersByGroup ? { userGroups } : {}),
    });

  const resetLastRun = async () => {
    setResetting(true);
    try {
      await reset();
    } catch (error) {
      notify(error);
    } finally {
      setResetting(false);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Panel
        title={t('tabs.settings')}
        description={t('settings.description')}
        save={{ onSave: submit, saving, disabled: !canUpdate }}
      >
        <FormGrid>
          <Cell>
            <TextField
              {...field('name', 'settings.name')}
              required
              value={name}
              onChange={edit('name', setName)}
            />
          </Cell>
          <Cell>
            <ToggleField
              {...field('enabled', 'settings.enabled', 'settings.enabledHint')}
              onLabel={t('configuration.enabled')}
              offLabel={t('configuration.disabled')}
              value={enabled}
              onChange={setEnabled}
            />
          </Cell>
          <Cell>
            <TextField
              {...field('schedule', 'settings.schedule')}
              value={schedule}
              onChange={edit('schedule', setSchedule)}
            />
            <Typography variant="pi" textColor="primary600" data-testid="schedule-reading">
              {reading
                ? t(reading.id, 'values' in reading ? reading.values : undefined)
                : t('cron.custom')}
            </Typography>
          </Cell>
          <Cell>
            <TextField
              name="directoryKey"
              label={t('settings.directoryKey')}
              hint={t('settings.directoryKeyHint')}
              disabled
              value={directory.directoryKey}
              onChange={() => undefined}
            />
          </Cell>
          <Cell>
            <TargetField
              value={target}
              fixed={targetFixed(directory)}
              disabled={!canUpdate}
              error={errors.target}
              onChange={edit('target', setTarget)}
            />
          </Cell>
        </FormGrid>
        {definition.usersByGroup ? (
          <GroupPicker
            directoryId={directory.id}
            selected={userGroups}
            onChange={edit('userGroups', setUserGroups)}
            disabled={!canUpdate}
            error={errors.userGroups}
          />
        ) : (
          <Typography variant="pi" textColor="neutral600">
            {t('settings.allUsers')}
          </Typography>
        )}
      </Panel>
      <Panel
        title={t('options.title')}
        description={t('options.description')}
        data-testid="directory-options"
        save={{
          onSave: () => void optionSave.save({ options }),
          saving: optionSave.saving,
          disabled: !canUpdate || invalid,
        }}
      >
        <OptionFields
          specs={specs}
          values={options}
          errors={optionSave.errors}
          disabled={!canUpdate}
          onChange={(key, value) => {
            optionSave.clear(`options.${key}`);
            setOptions({ ...options, [key]: value });
          }}
        />
      </Panel>
      <Panel
        title={t('settings.lastRunTitle')}
        description={t('settings.resetDescription')}
        actions={
          <Button
            variant="secondary"
            startIcon={<ArrowClockwise />}
            loading={resetting}
            disabled={!canRun}
            onClick={() => void resetLastRun()}
          >
            {t('settings.reset')}
          </Button>
        }
      >
        <Flex gap={6}>
          <Typography data-testid="last-run-at">
            {t('configuration.lastRun')}:{' '}
            {directory.lastRunAt ? formatDate(directory.lastRunAt, DATE) : t('list.never')}
          </Typography>
          <Typography data-testid="next-run-at">
            {t('configuration.nextRun')}:{' '}
            {directory.enabled && directory.nextRunAt
              ? formatDate(directory.nextRunAt, DATE)
              : t('settings.notScheduled')}
          </Typography>
        </Flex>
      </Panel>
    </Flex>
  );
};
