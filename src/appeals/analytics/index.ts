// Analytics of appeals for heads (issue #8): the dashboard at /{l}/office/appeals/dashboard
// with hotspot alerts, its queries over rollups fed by a trigger's change log, and their migration.
export { analyticsMigrations, foldChanges, type AnalyticsTables } from './tables.js';
export { statsOf, overdueOf, trendOf, districtsOf, type Filter, type Measures, type Stats } from './queries.js';
export { hotspotsOf, testPairs, poissonTail, HOTSPOT_RULE, type Hotspot } from './hotspot.js';
export { periodOf, tashkentDay, dayStart, type Period } from './period.js';
export { dashboardRoutes as analyticsRoutes, dashboardFigures, dashboardAgencies, PERIODS, type AnalyticsDeps } from './dashboard.js';
