import type { FieldErrors } from '../hooks/useApiError';
import { type MessageKey, useT } from '../hooks/useT';
import { type OptionSpec, optionError } from '../utils/options';
import { Cell, FormGrid, NumberField, SelectField, ToggleField } from './Fields';

type Props = {
  specs: OptionSpec[];
  values: Record<string, unknown>;
  onChange: (key: string, value: unknown) => void;
  errors: FieldErrors;
  disabled?: boolean;
};

/** The directory's options, each a field with the guide's words as its hint. */
export const OptionFields = ({ specs, values, onChange, errors, disabled }: Props) => {
  const t = useT();
  return (
    <FormGrid>
      {specs.map((spec) => {
        const value = values[spec.key];
        const local = optionError(spec, value);
        const frame = {
          name: `options.${spec.key}`,
          label: t(`option.${spec.key}` as MessageKey),
          hint: t(`option.${spec.key}.hint` as MessageKey, { default: String(spec.default) }),
          error: errors[`options.${spec.key}`] ?? (local ? t(local.id, local.values) : undefined),
          disabled,
        };
        return (
          <Cell key={spec.key}>
            {spec.kind === 'boolean' ? (
              <ToggleField
                {...frame}
                value={value === undefined ? spec.default : value === true}
                onChange={(next) => onChange(spec.key, next)}
              />
            ) : spec.kind === 'select' ? (
              <SelectField
                {...frame}
                value={typeof value === 'string' ? value : spec.default}
                onChange={(next) => onChange(spec.key, next)}
                options={spec.choices.map((choice) => ({
                  value: choice,
                  label: t(`option.${spec.key}.${choice}` as MessageKey),
                }))}
              />
            ) : (
              <NumberField
                {...frame}
                placeholder={String(spec.default)}
                value={typeof value === 'number' ? value : undefined}
                onChange={(next) => onChange(spec.key, next)}
              />
            )}
          </Cell>
        );
      })}
    </FormGrid>
  );
};
