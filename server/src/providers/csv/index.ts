/** The CSV source: a file fetched over HTTPS (basic auth) or read from the Media Library. */
export {
  createCsvProvider,
  type CsvConnection,
  type CsvProvider,
  type OpenMediaFile,
  type SkippedRecord,
} from './provider';
export { CSV_USER_FIELDS, CSV_REQUIRED_FIELDS } from './map';
export { CSV_DELIMITERS, type CsvDelimiter, parseCsv } from './parse';
