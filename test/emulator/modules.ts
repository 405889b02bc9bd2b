import { huaweiModules } from './huawei';
import { pdsModule } from './pds';
import type { RouteModule } from './types';
import { wpsRouteModules } from './wps';

/**
 * Every vendor route module the emulator serves, in dispatch order. Each vendor folder
 * (huawei/, pds/, wps/) exports its modules; add one import line per vendor here.
 */
export const routeModules: RouteModule[] = [...huaweiModules, pdsModule, ...wpsRouteModules];
