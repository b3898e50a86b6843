/** The CSV directory's settings as the API accepts them: connection and options. */
import { CSV_ROLE_COLUMNS, USER_ATTRIBUTES } from '../../../../shared/contracts';
import {
  bounded,
  oneOf,
  originOf,
  pem,
  requiredText,
  strictObject,
  text,
  url,
  yup,
  type ProviderSchema,
} from '../schema';
import { CSV_DELIMITERS } from './parse';

const COLUMN_FIELDS = [...USER_ATTRIBUTES, ...CSV_ROLE_COLUMNS];

export const csvSchema: ProviderSchema = {
  connection: strictObject(
    {
      location: oneOf(['remote', 'media'] as const).required('must be remote or media'),
      url: url('https://files.example.com/hr/people.csv', 'config').when('location', {
        is: 'remote',
        then: (schema: yup.StringSchema) =>
          schema.required('the HTTPS address of the file is required for a remote file'),
      }),
      username: text(),
      mediaFileId: yup
        .number()
        .typeError('must be the id of a Media Library file')
        .integer('must be the id of a Media Library file')
        .positive('must be the id of a Media Library file')
        .when('location', {
          is: 'media',
          then: (schema: yup.NumberSchema) => schema.required('choose a Media Library file'),
        }),
      matchField: requiredText('name the column that identifies a person, e.g. username', 100),
      managerField: text(100),
      columns: yup
        .array()
        .max(100, 'at most 100 column matches')
        .of(
          strictObject({
            column: requiredText('name the column of the file', 100),
            field: oneOf(COLUMN_FIELDS),
          })
        ),
      // null (the panel's "Detect from the header line") forgets a forced delimiter.
      delimiter: oneOf(CSV_DELIMITERS).nullable(),
      caCertificate: pem(),
    },
    'connection field'
  ),
  options: strictObject(
    {
      timeoutMs: bounded(1000, 300_000, true),
      maxRetries: bounded(0, 10, true),
      retryBaseDelayMs: bounded(0, 60_000),
      maxRetryAfterSeconds: bounded(0, 3600),
    },
    'option'
  ),
  /** The basic-auth password goes to the file's origin; a Media Library file sends nothing. */
  endpoint: (connection) => (connection.location === 'media' ? 'media' : originOf(connection.url)),
  boundSecrets: ['password'],
};
