import { useState } from 'react';
import { Button, Field, Grid, Radio } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import type { Directories } from '../../../../shared/contracts';
import { NumberField } from '../../components/Fields';
import { Panel } from '../../components/Panel';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import type { TabProps } from './types';

/** Safety: the disable threshold, the licence limit and what happens to leavers. */
export const SafetyTab = ({ directory, update, canUpdate }: TabProps) => {
  const t = useT();
  const { saving, errors, clear, save } = useSave(update);
  const [percent, setPercent] = useState<number | undefined>(directory.safety.maxDisablePercent);
  const [limit, setLimit] = useState<number | undefined>(
    directory.safety.licenceLimit ?? undefined
  );
  const [onLeave, setOnLeave] = useState<Directories.LeavePolicy>(directory.safety.onLeave);

  const submit = () =>
    void save({
      safety: { maxDisablePercent: percent ?? 0, licenceLimit: limit ?? null, onLeave },
    });

  return (
    <Panel
      title={t('tabs.safety')}
      description={t('safety.description')}
      actions={
        <Button startIcon={<Check />} loading={saving} disabled={!canUpdate} onClick={submit}>
          {t('form.save')}
        </Button>
      }
    >
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <NumberField
            name="safety.maxDisablePercent"
            label={t('safety.maxDisablePercent')}
            hint={t('safety.maxDisablePercentHint')}
            disabled={!canUpdate}
            error={errors['safety.maxDisablePercent']}
            value={percent}
            onChange={(value) => {
              clear('safety.maxDisablePercent');
              setPercent(value);
            }}
          />
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <NumberField
            name="safety.licenceLimit"
            label={t('safety.licenceLimit')}
            hint={t('safety.licenceLimitHint')}
            disabled={!canUpdate}
            error={errors['safety.licenceLimit']}
            value={limit}
            onChange={(value) => {
              clear('safety.licenceLimit');
              setLimit(value);
            }}
          />
        </Grid.Item>
        <Grid.Item col={12} direction="column" alignItems="stretch">
          <Field.Root name="safety.onLeave" error={errors['safety.onLeave']}>
            <Field.Label>{t('safety.onLeave')}</Field.Label>
            <Radio.Group
              value={onLeave}
              disabled={!canUpdate}
              aria-label={t('safety.onLeave')}
              onValueChange={(value) => setOnLeave(value as Directories.LeavePolicy)}
            >
              <Radio.Item value="disable">{t('safety.onLeave.disable')}</Radio.Item>
              <Radio.Item value="ignore">{t('safety.onLeave.ignore')}</Radio.Item>
            </Radio.Group>
            <Field.Error />
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
    </Panel>
  );
};
