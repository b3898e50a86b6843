import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import en from '../translations/en.json';
import { getTranslation } from '../utils/getTranslation';

/** A key of translations/en.json. */
export type MessageKey = keyof typeof en;

/** formatMessage for this plugin's messages: `t('runs.title')`, with en.json as the default. */
export const useT = () => {
  const { formatMessage } = useIntl();
  return useCallback(
    (id: MessageKey, values?: Record<string, string | number>) =>
      formatMessage({ id: getTranslation(id), defaultMessage: en[id] }, values),
    [formatMessage]
  );
};
