import type { Directories } from '../../../shared/contracts';
import { useT } from '../hooks/useT';
import { SelectField } from './Fields';

const TARGETS: Directories.Target[] = ['users-permissions', 'admin'];

/** Which Strapi users a directory writes: chosen at creation, fixed once it has run. */
export const TargetField = ({
  value,
  onChange,
  fixed,
  disabled,
  error,
}: {
  value: Directories.Target;
  onChange: (target: Directories.Target) => void;
  fixed: boolean;
  disabled?: boolean;
  error?: string;
}) => {
  const t = useT();
  return (
    <SelectField
      name="target"
      label={t('target.label')}
      hint={t(fixed ? 'target.fixed' : 'target.hint')}
      error={error}
      disabled={disabled || fixed}
      value={value}
      onChange={(next) => onChange(next as Directories.Target)}
      options={TARGETS.map((target) => ({
        value: target,
        label: t(target === 'admin' ? 'target.admin' : 'target.users-permissions'),
      }))}
    />
  );
};
