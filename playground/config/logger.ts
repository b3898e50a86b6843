import { winston, formats } from '@strapi/logger';

// STRAPI_LOG_LEVEL=warn keeps test and benchmark output readable.
export default {
  transports: [
    new winston.transports.Console({
      level: process.env.STRAPI_LOG_LEVEL ?? 'http',
      format: formats.prettyPrint(),
    }),
  ],
};
