/** MLflow's search grammar, shared by runs, experiments, traces and the model registry. */
export { type CompareOp, type Comparison, parseFilter } from './parse-filter.js';
export { type OrderBy, parseOrderBy } from './parse-order-by.js';
export { type ColumnRef, likeCondition, likeToGlob, registerSqliteRegexp } from './like.js';
export { assertOp, describeComparison, invalidComparison, numericCondition, stringCondition } from './conditions.js';
