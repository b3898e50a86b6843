import type { ReactNode } from 'react';
import {
  Box,
  Button,
  Field,
  Flex,
  Grid,
  NumberInput,
  Radio,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Textarea,
  Toggle,
} from '@strapi/design-system';
import { useT } from '../hooks/useT';
import { ToneBadge } from './RunStatusBadge';

type Common = {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  disabled?: boolean;
};

type Valued<T> = Common & { value: T; onChange: (value: T) => void };

/** The fields of a form, side by side on wide screens. */
export const FormGrid = ({ children }: { children: ReactNode }) => (
  <Grid.Root gap={4}>{children}</Grid.Root>
);

/**
 * One cell of a FormGrid: `col` of 12 columns (half by default, all when `wide`), `s` of them on
 * small screens (all by default).
 */
export const Cell = ({
  wide,
  col = 6,
  s = 12,
  children,
}: {
  wide?: boolean;
  col?: number;
  s?: number;
  children: ReactNode;
}) => (
  <Grid.Item col={wide ? 12 : col} s={s} direction="column" alignItems="stretch">
    {children}
  </Grid.Item>
);

/** The frame every field shares: the label, the control, its hint and the server's error. */
export const Labelled = ({
  name,
  label,
  hint,
  error,
  required,
  action,
  children,
}: Omit<Common, 'disabled'> & { action?: ReactNode; children: ReactNode }) => (
  <Field.Root name={name} hint={hint} error={error} required={required}>
    <Field.Label action={action}>{label}</Field.Label>
    {children}
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

type InputEvent = React.ChangeEvent<HTMLInputElement & HTMLTextAreaElement>;

/** A labelled text input (or a multi-line one: PEM certificates) with its hint and error. */
export const TextField = ({
  value,
  onChange,
  placeholder,
  type = 'text',
  multiline,
  disabled,
  ...frame
}: Valued<string> & { placeholder?: string; type?: string; multiline?: boolean }) => {
  const control = {
    value,
    placeholder,
    disabled,
    onChange: (event: InputEvent) => onChange(event.target.value),
  };
  return (
    <Labelled {...frame}>
      {multiline ? <Textarea {...control} /> : <TextInput type={type} {...control} />}
    </Labelled>
  );
};

/** A labelled multi-line input (PEM certificates). */
export const TextareaField = (props: Parameters<typeof TextField>[0]) => (
  <TextField {...props} multiline />
);

export type Option = { value: string; label: string; disabled?: boolean };

/** A labelled select of fixed options; a disabled option shows why in its label. */
export const SelectField = ({
  value,
  onChange,
  options,
  placeholder,
  disabled,
  ...frame
}: Valued<string> & { options: Option[]; placeholder?: string }) => (
  <Labelled {...frame}>
    <SingleSelect
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(next) => onChange(String(next))}
    >
      {options.map((option) => (
        <SingleSelectOption key={option.value} value={option.value} disabled={option.disabled}>
          {option.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  </Labelled>
);

/**
 * A select of the known values (the current one kept when it is not among them), or a text input
 * when none are known (a directory that cannot list its groups, roles the admin may not read).
 */
export const ChoiceField = ({
  options,
  placeholder,
  ...props
}: Valued<string> & { options: Option[]; placeholder?: string }) => {
  if (!options.length) return <TextField {...props} />;
  const known = !props.value || options.some((option) => option.value === props.value);
  return (
    <SelectField
      {...props}
      placeholder={placeholder}
      options={known ? options : [...options, { value: props.value, label: props.value }]}
    />
  );
};

/** A labelled number input; empty is undefined. */
export const NumberField = ({
  value,
  onChange,
  disabled,
  placeholder,
  ...frame
}: Valued<number | undefined> & { placeholder?: string }) => (
  <Labelled {...frame}>
    <NumberInput
      value={value}
      disabled={disabled}
      placeholder={placeholder}
      onValueChange={onChange}
    />
  </Labelled>
);

/** A labelled on/off toggle. */
export const ToggleField = ({
  value,
  onChange,
  disabled,
  onLabel,
  offLabel,
  ...frame
}: Valued<boolean> & { onLabel?: string; offLabel?: string }) => {
  const t = useT();
  return (
    <Labelled {...frame}>
      <Toggle
        onLabel={onLabel ?? t('form.on')}
        offLabel={offLabel ?? t('form.off')}
        checked={value}
        disabled={disabled}
        onChange={(event: InputEvent) => onChange(event.target.checked)}
      />
    </Labelled>
  );
};

/** A labelled group of radio buttons. */
export const RadioField = ({
  value,
  onChange,
  options,
  disabled,
  ...frame
}: Valued<string> & { options: Option[] }) => (
  <Labelled {...frame}>
    <Radio.Group
      value={value}
      disabled={disabled}
      aria-label={frame.label}
      onValueChange={onChange}
    >
      {options.map((option) => (
        <Radio.Item key={option.value} value={option.value} disabled={option.disabled}>
          {option.label}
        </Radio.Item>
      ))}
    </Radio.Group>
  </Labelled>
);

/**
 * A write-only secret: shows whether one is stored ("set" / "not set"); what is typed replaces it;
 * Clear asks the server to remove it (null).
 */
export const SecretField = ({
  stored,
  value,
  onChange,
  disabled,
  multiline,
  ...frame
}: Common & {
  stored: 'set' | 'not set' | undefined;
  /** undefined: untouched; null: to clear; text: to replace. */
  value: string | null | undefined;
  onChange: (value: string | null | undefined) => void;
  /** A PEM private key. */
  multiline?: boolean;
}) => {
  const t = useT();
  const state = value === null ? 'cleared' : value ? 'typed' : stored === 'set' ? 'set' : 'not set';
  const control = {
    value: value ?? '',
    disabled,
    placeholder: stored === 'set' && value === undefined ? t('secret.placeholderSet') : '',
    onChange: (event: InputEvent) =>
      onChange(event.target.value === '' ? undefined : event.target.value),
  };
  return (
    <Labelled
      {...frame}
      action={
        <ToneBadge
          data-testid={`secret-${frame.name}-state`}
          tone={state === 'set' || state === 'typed' ? 'success' : 'neutral'}
        >
          {t(`secret.${state}` as const)}
        </ToneBadge>
      }
    >
      <Flex gap={2} alignItems="stretch">
        <Box flex={1}>
          {multiline ? (
            <Textarea {...control} />
          ) : (
            <TextInput type="password" autoComplete="new-password" {...control} />
          )}
        </Box>
        {stored === 'set' ? (
          <Button
            variant="tertiary"
            disabled={disabled || value === null}
            onClick={() => onChange(null)}
          >
            {t('secret.clear')}
          </Button>
        ) : null}
      </Flex>
    </Labelled>
  );
};
