import { useCallback, useState } from 'react';
import { useNotification } from '@strapi/strapi/admin';
import type { Directories } from '../../../shared/contracts';
import { type FieldErrors, useApiError } from './useApiError';
import { type MessageKey, useT } from './useT';

/** Saving one tab of a directory: the saving flag, the server's field errors, a notice. */
export const useSave = (
  update: (body: Directories.UpdateBody) => Promise<Directories.Directory>,
  /** Without the settings permission every field is disabled. */
  editable = true
) => {
  const t = useT();
  const { notify } = useApiError();
  const { toggleNotification } = useNotification();
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});

  /** Resolves to the saved directory, or null when the server refused (errors then set). */
  const save = useCallback(
    async (body: Directories.UpdateBody, quiet = false) => {
      setSaving(true);
      try {
        const saved = await update(body);
        setErrors({});
        if (!quiet) toggleNotification({ type: 'success', message: t('form.saved') });
        return saved;
      } catch (error) {
        setErrors(notify(error));
        return null;
      } finally {
        setSaving(false);
      }
    },
    [notify, t, toggleNotification, update]
  );

  /** Forgets the server's message for a field (or every field under it) once it is edited. */
  const clear = useCallback(
    (path: string) =>
      setErrors((current) => {
        const kept = Object.entries(current).filter(
          ([key]) => key !== path && !key.startsWith(`${path}.`)
        );
        return kept.length === Object.keys(current).length ? current : Object.fromEntries(kept);
      }),
    []
  );

  /** An onChange that forgets the server's message for `path` and sets the new value. */
  const edit = useCallback(
    <T>(path: string, set: (value: T) => void) =>
      (value: T) => {
        clear(path);
        set(value);
      },
    [clear]
  );

  const field = useFields(errors, editable);

  return { saving, errors, setErrors, clear, edit, field, save };
};

/**
 * What every field of a form shares: its name (the API path of its value), label and hint, the
 * server's message for it, disabled without the permission.
 */
export const useFields = (errors: FieldErrors, editable = true) => {
  const t = useT();
  return useCallback(
    (path: string, label: MessageKey, hint?: MessageKey) => ({
      name: path,
      label: t(label),
      hint: hint ? t(hint) : undefined,
      error: errors[path],
      disabled: !editable,
    }),
    [editable, errors, t]
  );
};
