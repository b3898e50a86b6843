import { useCallback } from 'react';
import { isFetchError, useAPIErrorHandler, useNotification } from '@strapi/strapi/admin';
import type { Errors } from '../../../shared/contracts';

/** Field path ('connection.url') -> the server's message for it. */
export type FieldErrors = Record<string, string>;

/** The API error body carried by a failed request, if any. */
const apiErrorOf = (error: unknown): Errors.ApiError | null => {
  if (!isFetchError(error)) return null;
  return (error.response?.data?.error as Errors.ApiError | undefined) ?? null;
};

/** Per-field messages of a 400 ValidationError (`details.errors[].path/message`). */
export const fieldErrorsOf = (error: unknown): FieldErrors => {
  const details = apiErrorOf(error)?.details?.errors ?? [];
  return Object.fromEntries(details.map((entry) => [entry.path.join('.'), entry.message]));
};

/** Turns failed requests into a readable message and a danger notification. */
export const useApiError = () => {
  const { formatAPIError } = useAPIErrorHandler();
  const { toggleNotification } = useNotification();

  /** The server's own message when it sent one, else Strapi's formatting of the error. */
  const messageOf = useCallback(
    (error: unknown): string => {
      const api = apiErrorOf(error);
      if (api?.message) return api.message;
      if (isFetchError(error)) return formatAPIError(error);
      return error instanceof Error ? error.message : String(error);
    },
    [formatAPIError]
  );

  /** Shows the error as a notification and returns its field errors for the form. */
  const notify = useCallback(
    (error: unknown): FieldErrors => {
      toggleNotification({ type: 'danger', message: messageOf(error) });
      return fieldErrorsOf(error);
    },
    [messageOf, toggleNotification]
  );

  return { messageOf, notify };
};
