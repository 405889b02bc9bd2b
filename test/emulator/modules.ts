import type { RouteModule } from './types';

/**
 * Every vendor route module the emulator serves, in dispatch order. Each vendor folder
 * (huawei/, pds/, wps/) exports its modules; add one import line per vendor here.
 */
export const routeModules: RouteModule[] = [];
