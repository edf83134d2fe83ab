// DESIGN.md: collections are named with plural nouns. A literal segment
// followed by a path parameter names the collection the parameter picks
// from (/themes/{theme}); a GET that answers {"items": [...], "total": N}
// is a collection, named by its last literal segment.
// Plurals that do not end in s.
const IRREGULAR = ['data', 'metadata', 'media', 'people', 'criteria'];

function isParameter(segment) {
  return segment.startsWith('{');
}

function noun(segment) {
  return segment.replace(/\.[a-z0-9]+$/, '');
}

// options.uncountable: nouns without a plural that the ruleset accepts as
// a collection's name; options.computations: paths whose GET answers items
// and total but names a computation, not a collection.
function isPlural(segment, uncountable) {
  const word = noun(segment).split('-').pop();
  return IRREGULAR.includes(word) || uncountable.includes(word) || /[a-z]s$/.test(word);
}

function answersCollection(operation) {
  const ok = operation && operation.responses && operation.responses['200'];
  const schema = ok && ok.content && ok.content['application/json'] && ok.content['application/json'].schema;
  const properties = schema && schema.properties;
  return Boolean(properties && properties.items && properties.items.type === 'array' && properties.total);
}

export default (paths, options, context) => {
  const uncountable = (options && options.uncountable) || [];
  const computations = (options && options.computations) || [];
  const results = [];
  if (!paths || typeof paths !== 'object') return results;
  for (const [path, item] of Object.entries(paths)) {
    const segments = path.split('/').filter((segment) => segment !== '');
    segments.forEach((segment, index) => {
      const next = segments[index + 1];
      if (!isParameter(segment) && next !== undefined && isParameter(next) && !isPlural(segment, uncountable)) {
        results.push({
          message: `Path '${path}': '${noun(segment)}' is followed by a parameter, so it names a collection and must be a plural noun.`,
          path: [...context.path, path],
        });
      }
    });
    const last = segments[segments.length - 1];
    if (item && item.get && !computations.includes(path) && answersCollection(item.get) && last !== undefined && !isParameter(last) &&
        !isPlural(last, uncountable)) {
      results.push({
        message: `Path '${path}': GET answers a collection (items and total), so '${noun(last)}' must be a plural noun.`,
        path: [...context.path, path, 'get'],
      });
    }
  }
  return results;
};

