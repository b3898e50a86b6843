/**
 * Reads a file of Strapi's Media Library (the upload plugin) as a stream, for the CSV source:
 * from disk with the local upload provider, or from its URL with a cloud provider.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Core } from '@strapi/strapi';
import { StopSyncError } from '../providers/errors';

/**
 * Whether `location` lies inside `folder`, compared by whole path segments: `/srv/public-old/x`
 * is not inside `/srv/public` (a prefix test of the strings would say it is).
 */
export const isInside = (folder: string, location: string): boolean => {
  const relative = path.relative(folder, location);
  return relative !== '' && !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
};

export const createMediaService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async open(fileId: number) {
    const file = (await strapi.db
      .query('plugin::upload.file')
      .findOne({ where: { id: fileId } })) as {
      name: string;
      url: string;
      size: number | null;
    } | null;
    if (!file) {
      throw new StopSyncError(
        'csv-media-not-found',
        `Media Library file ${fileId} does not exist (was it deleted?). Choose the file again.`
      );
    }
    if (file.url.startsWith('/')) {
      const publicDir = path.resolve(strapi.dirs.static.public);
      const location = path.resolve(publicDir, `.${file.url}`);
      if (!isInside(publicDir, location)) {
        throw new StopSyncError(
          'csv-media-path',
          `Media Library file ${fileId} has an unexpected path.`
        );
      }
      return {
        stream: fs.createReadStream(location),
        name: file.name,
        size: file.size ? Math.round(file.size * 1024) : undefined,
      };
    }
    const response = await fetch(file.url);
    if (!response.ok || !response.body) {
      throw new StopSyncError(
        'csv-media-unreadable',
        `Media Library file ${fileId} could not be read from its provider (HTTP ${response.status}).`
      );
    }
    return {
      stream: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      name: file.name,
    };
  },
});

export type MediaService = ReturnType<typeof createMediaService>;
