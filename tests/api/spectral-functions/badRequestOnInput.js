// DESIGN.md: every operation that takes parameters (path, query or header)
// or a body documents a 400 response.
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export default (pathItem, _options, context) => {
  const results = [];
  if (!pathItem || typeof pathItem !== 'object') return results;
  const shared = Array.isArray(pathItem.parameters) ? pathItem.parameters.length : 0;
  for (const method of METHODS) {
    const operation = pathItem[method];
    if (!operation || typeof operation !== 'object') continue;
    const own = Array.isArray(operation.parameters) ? operation.parameters.length : 0;
    const hasInput = shared + own > 0 || operation.requestBody !== undefined;
    const responses = operation.responses || {};
    if (hasInput && responses['400'] === undefined) {
      results.push({
        message: `${method.toUpperCase()} takes ${operation.requestBody !== undefined ? 'a body' : 'parameters'} but documents no 400 response for bad input.`,
        path: [...context.path, method, 'responses'],
      });
    }
  }
  return results;
};
