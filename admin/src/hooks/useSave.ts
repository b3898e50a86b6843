import { useCallback, useState } from 'react';
import { useNotification } from '@strapi/strapi/admin';
import type { Directories } from '../../../shared/contracts';
import { type FieldErrors, useApiError } from './useApiError';
import { useT } from './useT';

/** Saving one tab of a directory: the saving flag, the server's field errors, a notice. */
export const useSave = (
  update: (body: Directories.UpdateBody) => Promise<Directories.Directory>
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

  return { saving, errors, setErrors, clear, save };
};
