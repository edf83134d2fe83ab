// DESIGN.md: every 4xx and 5xx response is application/problem+json
// (RFC 9457) whose schema has status, title and detail, all required.
const REQUIRED = ['status', 'title', 'detail'];

export default (response, _options, context) => {
  const content = response && response.content;
  const media = content && content['application/problem+json'];
  if (!media || !media.schema) {
    return [{
      message: 'A 4xx/5xx response must have an application/problem+json body with a schema (the Problem schema).',
      path: [...context.path, 'content'],
    }];
  }
  const schema = media.schema;
  const properties = schema.properties || {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const missing = REQUIRED.filter((name) => !properties[name] || !required.includes(name));
  if (missing.length > 0) {
    return [{
      message: `The application/problem+json schema must have ${missing.join(', ')} as required properties.`,
      path: [...context.path, 'content', 'application/problem+json', 'schema'],
    }];
  }
  return [];
};
