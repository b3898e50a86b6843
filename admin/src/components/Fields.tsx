import type { ReactNode } from 'react';
import {
  Badge,
  Box,
  Button,
  Field,
  Flex,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Textarea,
} from '@strapi/design-system';
import { useT } from '../hooks/useT';

type Common = {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  disabled?: boolean;
};

/** The frame every field shares: the label, the control, its hint and the server's error. */
const Labelled = ({
  name,
  label,
  hint,
  error,
  required,
  children,
}: Omit<Common, 'disabled'> & { children: ReactNode }) => (
  <Field.Root name={name} hint={hint} error={error} required={required}>
    <Field.Label>{label}</Field.Label>
    {children}
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

/** A labelled text input with its hint and the server's error message. */
export const TextField = ({
  name,
  label,
  hint,
  error,
  required,
  disabled,
  value,
  onChange,
  placeholder,
  type = 'text',
}: Common & {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  type?: string;
}) => (
  <Labelled name={name} label={label} hint={hint} error={error} required={required}>
    <TextInput
      type={type}
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
    />
  </Labelled>
);

/** A labelled multi-line input (PEM certificates). */
export const TextareaField = ({
  name,
  label,
  hint,
  error,
  required,
  disabled,
  value,
  onChange,
  placeholder,
}: Common & { value: string; onChange: (value: string) => void; placeholder?: string }) => (
  <Labelled name={name} label={label} hint={hint} error={error} required={required}>
    <Textarea
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => onChange(event.target.value)}
    />
  </Labelled>
);

/** A labelled select of fixed options. */
export const SelectField = ({
  name,
  label,
  hint,
  error,
  required,
  disabled,
  value,
  onChange,
  options,
  placeholder,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  placeholder?: string;
}) => (
  <Labelled name={name} label={label} hint={hint} error={error} required={required}>
    <SingleSelect
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(next) => onChange(String(next))}
    >
      {options.map((option) => (
        <SingleSelectOption key={option.value} value={option.value}>
          {option.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
  </Labelled>
);

/** A labelled number input; empty is undefined. */
export const NumberField = ({
  name,
  label,
  hint,
  error,
  required,
  disabled,
  value,
  onChange,
}: Common & { value: number | undefined; onChange: (value: number | undefined) => void }) => (
  <Labelled name={name} label={label} hint={hint} error={error} required={required}>
    <NumberInput value={value} disabled={disabled} onValueChange={onChange} />
  </Labelled>
);

/**
 * A write-only secret: shows whether one is stored ("set" / "not set"); what is typed replaces it;
 * Clear asks the server to remove it (null).
 */
export const SecretField = ({
  name,
  label,
  hint,
  error,
  disabled,
  stored,
  value,
  onChange,
}: Common & {
  stored: 'set' | 'not set' | undefined;
  /** undefined: untouched; null: to clear; text: to replace. */
  value: string | null | undefined;
  onChange: (value: string | null | undefined) => void;
}) => {
  const t = useT();
  const state = value === null ? 'cleared' : value ? 'typed' : stored === 'set' ? 'set' : 'not set';
  return (
    <Field.Root name={name} hint={hint} error={error}>
      <Field.Label
        action={
          <Badge
            data-testid={`secret-${name}-state`}
            variant={state === 'set' || state === 'typed' ? 'success' : 'neutral'}
          >
            {t(`secret.${state}` as const)}
          </Badge>
        }
      >
        {label}
      </Field.Label>
      <Flex gap={2} alignItems="stretch">
        <Box flex={1}>
          <TextInput
            type="password"
            autoComplete="new-password"
            value={value ?? ''}
            disabled={disabled}
            placeholder={stored === 'set' && value === undefined ? t('secret.placeholderSet') : ''}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
              onChange(event.target.value === '' ? undefined : event.target.value)
            }
          />
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
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};
