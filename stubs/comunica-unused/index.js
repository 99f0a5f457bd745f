// shacl-engine imports these only from its optional `shacl-engine/sparql.js` entry, which Locker never loads.
const unavailable = () => {
  throw new Error('SPARQL-based SHACL constraints are not available in Locker');
};
export class QueryEngine {
  constructor() {
    unavailable();
  }
}
export class BindingsFactory {
  constructor() {
    unavailable();
  }
}
