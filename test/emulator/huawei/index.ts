/** Huawei Cloud routes of the emulator: IAM, OSM, MetaStudio, TaurusDB. */
import type { RouteModule } from '../types';
import { iamModule } from './iam';
import { metaStudioModule } from './metastudio';
import { osmModule } from './osm';
import { taurusDbModule } from './taurusdb';

export const huaweiModules: RouteModule[] = [iamModule, osmModule, metaStudioModule, taurusDbModule];

export { iamModule, metaStudioModule, osmModule, taurusDbModule };
export * from './fixtures';
export { huaweiState } from './state';
export { SDK_DATE_WINDOW_MS } from './auth';
