export { toFtsQuery, type FtsQuery } from './query.js';
