import { useState } from 'react';
import type { Directories } from '../../../../shared/contracts';
import { Cell, FormGrid, NumberField, RadioField } from '../../components/Fields';
import { Panel } from '../../components/Panel';
import { useSave } from '../../hooks/useSave';
import { useT } from '../../hooks/useT';
import type { TabProps } from './types';

/** Safety: the disable threshold, the licence limit and what happens to leavers. */
export const SafetyTab = ({ directory, update, canUpdate }: TabProps) => {
  const t = useT();
  const { saving, edit, field, save } = useSave(update, canUpdate);
  const [percent, setPercent] = useState<number | undefined>(directory.safety.maxDisablePercent);
  const [limit, setLimit] = useState<number | undefined>(
    directory.safety.licenceLimit ?? undefined
  );
  const [onLeave, setOnLeave] = useState<Directories.LeavePolicy>(directory.safety.onLeave);

  const submit = () =>
    void save({
      safety: { maxDisablePercent: percent ?? 0, licenceLimit: limit ?? null, onLeave },
    });
  /** A number field of the safety settings, its server error cleared once edited. */
  const number = (
    key: 'maxDisablePercent' | 'licenceLimit',
    value: number | undefined,
    set: (value: number | undefined) => void
  ) => (
    <Cell>
      <NumberField
        {...field(`safety.${key}`, `safety.${key}`, `safety.${key}Hint`)}
        value={value}
        onChange={edit(`safety.${key}`, set)}
      />
    </Cell>
  );

  return (
    <Panel
      title={t('tabs.safety')}
      description={t('safety.description')}
      save={{ onSave: submit, saving, disabled: !canUpdate }}
    >
      <FormGrid>
        {number('maxDisablePercent', percent, setPercent)}
        {number('licenceLimit', limit, setLimit)}
        <Cell wide>
          <RadioField
            {...field('safety.onLeave', 'safety.onLeave')}
            value={onLeave}
            onChange={(value) => setOnLeave(value as Directories.LeavePolicy)}
            options={[
              { value: 'disable', label: t('safety.onLeave.disable') },
              { value: 'ignore', label: t('safety.onLeave.ignore') },
            ]}
          />
        </Cell>
      </FormGrid>
    </Panel>
  );
};
