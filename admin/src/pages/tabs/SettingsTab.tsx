import { useState } from 'react';
import { Button, Field, Flex, Grid, TextInput, Toggle, Typography } from '@strapi/design-system';
import { ArrowClockwise, Check } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Directories } from '../../../../shared/contracts';
import { TextField } from '../../components/Fields';
import { GroupPicker } from '../../components/GroupPicker';
import { Panel } from '../../components/Panel';
import { useApiError } from '../../hooks/useApiError';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import { describeCron } from '../../utils/cron';
import type { TabProps } from './types';

type Props = TabProps & {
  canRun: boolean;
  reset: () => Promise<Directories.Directory>;
};

const DATE = { dateStyle: 'medium', timeStyle: 'short' } as const;

/** Directory settings: name, status, schedule, the groups whose users sync, key, Reset last run. */
export const SettingsTab = ({ directory, definition, update, canUpdate, canRun, reset }: Props) => {
  const t = useT();
  const { formatDate } = useIntl();
  const { notify } = useApiError();
  const { saving, errors, clear, save } = useSave(update);
  const [name, setName] = useState(directory.name);
  const [enabled, setEnabled] = useState(directory.enabled);
  const [schedule, setSchedule] = useState(directory.schedule);
  const [userGroups, setUserGroups] = useState(directory.userGroups);
  const [resetting, setResetting] = useState(false);
  const reading = describeCron(schedule);

  const submit = () =>
    void save({
      name,
      enabled,
      schedule,
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
        actions={
          <Button startIcon={<Check />} loading={saving} disabled={!canUpdate} onClick={submit}>
            {t('form.save')}
          </Button>
        }
      >
        <Grid.Root gap={4}>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <TextField
              name="name"
              label={t('settings.name')}
              required
              disabled={!canUpdate}
              error={errors.name}
              value={name}
              onChange={(value) => {
                clear('name');
                setName(value);
              }}
            />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root name="enabled" hint={t('settings.enabledHint')} error={errors.enabled}>
              <Field.Label>{t('settings.enabled')}</Field.Label>
              <Toggle
                onLabel={t('configuration.enabled')}
                offLabel={t('configuration.disabled')}
                checked={enabled}
                disabled={!canUpdate}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
                  setEnabled(event.target.checked)
                }
              />
              <Field.Hint />
              <Field.Error />
            </Field.Root>
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <TextField
              name="schedule"
              label={t('settings.schedule')}
              disabled={!canUpdate}
              error={errors.schedule}
              value={schedule}
              onChange={(value) => {
                clear('schedule');
                setSchedule(value);
              }}
            />
            <Typography variant="pi" textColor="primary600" data-testid="schedule-reading">
              {reading
                ? t(reading.id, 'values' in reading ? reading.values : undefined)
                : t('cron.custom')}
            </Typography>
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root name="directoryKey" hint={t('settings.directoryKeyHint')}>
              <Field.Label>{t('settings.directoryKey')}</Field.Label>
              <TextInput value={directory.directoryKey} readOnly disabled />
              <Field.Hint />
            </Field.Root>
          </Grid.Item>
        </Grid.Root>
        {definition.usersByGroup ? (
          <GroupPicker
            directoryId={directory.id}
            selected={userGroups}
            onChange={(value) => {
              clear('userGroups');
              setUserGroups(value);
            }}
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
