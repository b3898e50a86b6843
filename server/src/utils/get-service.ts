import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import { PLUGIN_ID } from '../constants';
import type services from '../services';

type Services = { [K in keyof typeof services]: ReturnType<(typeof services)[K]> };

/** The plugin's services, typed: `getService('runner', { strapi }).start(...)`. */
export const getService = <TName extends keyof Services>(
  name: TName,
  { strapi }: { strapi: Core.Strapi }
): Services[TName] => strapi.plugin(PLUGIN_ID).service(name) as Services[TName];

/** The plugin's configuration, defaults applied. */
export const getConfig = (strapi: Core.Strapi): PluginConfig =>
  strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;
